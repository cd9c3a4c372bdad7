"""Who may open the dashboard, the schools behind a figure and the CSV files; navigation; query bounds."""

import csv
import io
import re

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from partnership.common.spreadsheets import spreadsheet_safe
from partnership.dashboards.panels import PANELS
from partnership.dashboards.scale import academic_year_of, create_county, create_cycles
from partnership.tenancy.roles import Role
from partnership.tenancy.scoping import partnership_scope
from reviews.models import FocusArea, Review
from schools.models import Area, School
from tests.factories import member

from .conftest import DESIGNED_ON
from .versioning import as_if_committed

pytestmark = pytest.mark.django_db

NO_BOARD_ROLE = [Role.HEADTEACHER, Role.SENIOR_LEADER, Role.GOVERNOR, Role.STAFF, Role.AREA_CHAIR, Role.CLUSTER_LEAD]


@pytest.mark.parametrize("role", NO_BOARD_ROLE)
def test_people_without_a_board_role_get_a_404(small_groups, client_at, role):
    partnership, _ = small_groups
    client = client_at(partnership, member(partnership, role))
    assert client.get("/dashboard/").status_code == 404
    assert client.get("/dashboard/pipeline.csv").status_code == 404
    assert client.get("/dashboard/schools/", {"panel": "members"}).status_code == 404
    assert "Dashboard" not in client.get("/").content.decode()


def test_strangers_are_asked_to_sign_in_and_other_partnerships_members_get_a_404(
    small_groups, client_at, partnership_b
):
    partnership, _ = small_groups
    response = client_at(partnership).get("/dashboard/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    outsider = member(partnership_b, Role.BOARD_MEMBER)
    assert client_at(partnership, outsider).get("/dashboard/").status_code == 404


def test_a_board_member_sees_figures_never_a_school_nor_a_review(small_groups, board_member, client_at):
    partnership, schools = small_groups
    client = client_at(partnership, board_member)
    home = client.get("/").content.decode()
    assert 'href="/dashboard/"' in home  # the navigation and the board section both link to it
    assert "Open the dashboard" in home
    page = client.get("/dashboard/")
    html = page.content.decode()
    assert page.status_code == 200
    for title in ("Member schools", "This cycle&#x27;s coverage", "Overdue", "Themes", "Trends across cycles"):
        assert title in html
    assert not any(school.name in html for school in schools)
    assert "/reviews/" not in html and "/dashboard/schools/" not in html
    assert page["Cache-Control"].startswith("max-age=0")
    # The drill-down and every review stay closed to them.
    assert client.get("/dashboard/schools/", {"panel": "members"}).status_code == 404
    with partnership_scope(partnership):
        review_ids = list(Review.objects.values_list("pk", flat=True))
    for pk in review_ids[:5]:
        assert client.get(f"/reviews/{pk}/").status_code == 404


def test_a_coordinator_opens_the_schools_behind_a_figure(small_groups, coordinator, client_at):
    partnership, schools = small_groups
    client = client_at(partnership, coordinator)
    html = client.get("/dashboard/").content.decode()
    links = re.findall(r'href="(/dashboard/schools/\?[^"]+)"', html)
    assert links
    first = client.get(links[0].replace("&amp;", "&"))
    assert first.status_code == 200
    assert any(school.name in first.content.decode() for school in schools)
    assert client.get("/dashboard/schools/", {"panel": "nonsense"}).status_code == 404
    assert client.get("/dashboard/schools/", {"panel": "members", "geo": "area:x"}).status_code == 404


def test_filters_live_in_the_address_and_the_csv_links_keep_them(small_groups, board_member, client_at, scope_of):
    partnership, _ = small_groups
    with scope_of(partnership):
        area = Area.objects.get(name="North")
    client = client_at(partnership, board_member)
    html = client.get("/dashboard/", {"area": area.pk, "phase": "primary"}).content.decode()
    assert f'<option value="{area.pk}" selected>North</option>' in html
    assert '<option value="primary" selected>Primary</option>' in html
    assert "/dashboard/members.csv?cycle=" in html and f"area={area.pk}&amp;phase=primary" in html
    # Nonsense in the address falls back to the whole partnership rather than failing.
    assert client.get("/dashboard/", {"area": "9999999", "phase": "martian", "cycle": "x"}).status_code == 200


def test_csv_files_are_named_for_partnership_panel_cycle_and_date_and_safe_in_a_spreadsheet(
    small_groups, coordinator, client_at, scope_of
):
    partnership, _ = small_groups
    with scope_of(partnership):
        Area.objects.filter(name="Fen").update(name="=HYPERLINK(1)")
        FocusArea.objects.filter(name="Inclusion").update(name="+Inclusion")
    client = client_at(partnership, coordinator)
    for slug, _ in PANELS:
        response = client.get(f"/dashboard/{slug}.csv")
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        year = academic_year_of(DESIGNED_ON)  # the newest cycle's year
        assert response["Content-Disposition"] == (
            f'attachment; filename="alpha-{slug}-peer-review-{year}{(year + 1) % 100:02d}-{timezone.localdate()}.csv"'
        )
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        for row in rows:
            for value in row:
                assert not value.startswith(("=", "+", "-", "@")), value
    members = client.get("/dashboard/members.csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in members
    assert "'+Inclusion" in client.get("/dashboard/themes.csv").content.decode("utf-8-sig")
    assert client.get("/dashboard/nothing.csv").status_code == 404


def test_spreadsheet_safe():
    assert spreadsheet_safe("=1+1") == "'=1+1"
    assert spreadsheet_safe("@SUM") == "'@SUM"
    assert spreadsheet_safe("\tx") == "'\tx"
    assert spreadsheet_safe("Good") == "Good"
    assert spreadsheet_safe("12") == "12"


def county_of(size: int, slug: str):
    partnership, schools = create_county(slug=slug, name=f"{size} schools", schools=size, with_people=False)
    today = timezone.localdate()
    year = academic_year_of(today)
    create_cycles(partnership, schools, years=[year - 2, year - 1, year], today=today)
    return partnership


def count_queries(client, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def touch(partnership) -> None:
    """A committed change: the partnership's data version changes, so nothing remembered is reused."""
    with partnership_scope(partnership):
        School.objects.filter(pk=School.objects.order_by("pk").values("pk")[:1]).update(name=F("name"))
    as_if_committed()


@pytest.mark.parametrize("role", [Role.BOARD_MEMBER, Role.COORDINATOR])
def test_the_query_count_is_the_same_for_60_and_600_schools(client_at, role):
    """Counted for the first view after a change (every figure computed) and for a repeated view (figures
    remembered under the data version: only the version is read)."""
    csv_paths = [f"/dashboard/{slug}.csv" for slug, _ in PANELS]
    counts = {}
    for size in (60, 600):
        partnership = county_of(size, f"county{size}")
        client = client_at(partnership, member(partnership, role))
        client.get("/dashboard/")  # warm the per-process caches
        touch(partnership)
        first = {"/dashboard/": count_queries(client, "/dashboard/")}
        for path in csv_paths:
            touch(partnership)
            first[path] = count_queries(client, path)
        client.get("/dashboard/")  # (a CSV file computes only the figures its panel needs)
        repeated = {path: count_queries(client, path) for path in ["/dashboard/", "/", *csv_paths]}
        counts[size] = (first, repeated)
    assert counts[60] == counts[600]
    first, repeated = counts[600]
    # The CPD panels are computed on each view, not remembered: the CPD tables are not under the data version, so a
    # repeated view reads them again: the take-up and needs panel (cpd_panels.py) its six aggregate queries, the
    # evaluation panel its one.
    cpd_panel = 6
    cpd_evaluations = 1
    assert first["/dashboard/"] <= 19 + cpd_panel + cpd_evaluations
    recording_the_export = 1  # every CSV file is an export, written to the audit log

    def cpd_queries(path: str) -> int:
        return (cpd_panel if path.endswith("cpd.csv") else 0) + ("cpd-evaluations" in path) * cpd_evaluations

    assert all(n <= 13 + recording_the_export + cpd_queries(path) for path, n in first.items() if path.endswith(".csv"))
    assert repeated["/dashboard/"] <= 6 + cpd_panel + cpd_evaluations
    assert all(
        n <= 5 + recording_the_export + cpd_queries(path)
        for path, n in repeated.items()
        if path.endswith(".csv")
    )


def test_the_board_home_section_follows_the_small_group_rule(small_groups, board_member, client_at):
    partnership, _ = small_groups
    html = client_at(partnership, board_member).get("/").content.decode()
    section = html[html.index("The partnership at a glance") :]
    rows = dict(re.findall(r'<th scope="row">([^<]+)</th><td class="numeric">(.*?)</td>', section))
    assert rows["Isle"].startswith("[c]") and rows["Fen"].startswith("[c]")  # two schools and one
    assert all(v.startswith("[c]") or int(v) == 0 or int(v) >= 3 for v in rows.values())
