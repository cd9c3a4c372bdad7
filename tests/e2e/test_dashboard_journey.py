"""A board member signs in, reads the county dashboard, filters it and downloads a panel as CSV; axe-core checks
every page. A coordinator follows a figure to the schools behind it."""

import csv
import io
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from partnership.dashboards.scale import academic_year_of, create_county, create_cycles
from partnership.tenancy.roles import Role
from partnership.tenancy.scoping import partnership_scope
from schools.models import Area
from tests.factories import member

from .test_sign_in_journey import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def county():
    partnership, schools = create_county(slug="eastvale", name="Eastvale Schools Partnership", schools=160,
                                         with_people=False)  # fmt: skip
    year = academic_year_of(timezone.localdate())
    create_cycles(partnership, schools, years=[year - 2, year - 1, year], today=timezone.localdate())
    return partnership


def test_a_board_member_views_filters_and_downloads_the_dashboard(page, site, axe, county):
    board = member(county, Role.BOARD_MEMBER)
    page.goto(site(county, "/accounts/login/"))
    sign_in(page, board.email)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    axe(page)

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    expect(page.get_by_role("heading", name="This cycle's coverage")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("Reviews by stage"))).to_be_visible()
    stages = page.get_by_role("table", name=re.compile("Reviews by stage, Peer review"))
    expect(stages).to_be_visible()
    # The whole partnership's own progress is shown in full (issue 12): no stage reads [c].
    expect(stages).not_to_contain_text("[c]")
    expect(stages).to_contain_text("Report in draft")
    axe(page)

    with partnership_scope(county):
        area = Area.objects.order_by("name").first()
    page.get_by_label("Area", exact=True).select_option(label=area.name)
    page.get_by_label("Phase", exact=True).select_option(label="Primary")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(rf"area={area.pk}&phase=primary"))
    expect(
        page.get_by_role("table", name=re.compile(rf"Member schools by area and phase \({area.name}, primary\)"))
    ).to_be_visible()
    # The filtered view says what it shows, and why single stages are not offered for an area and a phase.
    expect(page.get_by_text(f"Figures for {area.name}, primary.")).to_be_visible()
    expect(page.get_by_text("for an area and a phase together only the number enrolled is shown")).to_be_visible()
    axe(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download ‘This cycle's coverage’ as CSV").click()
    download = download_info.value
    assert re.fullmatch(r"eastvale-pipeline-peer-review-\d{6}-\d{4}-\d{2}-\d{2}\.csv", download.suggested_filename)
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["Panel", "Cycle", "Area", "Phase", "Table", "Row", "Column", "Value"]
    assert all(row[2] == area.name and row[3] == "Primary" for row in rows[1:])
    for value in (row[-1] for row in rows[1:]):
        assert value in ("[c]", "n/a") or int(value) == 0 or int(value) >= 3


def test_a_coordinator_opens_the_schools_behind_a_figure(page, site, axe, county):
    coordinator = member(county, Role.COORDINATOR)
    page.goto(site(county, "/accounts/login/"))
    sign_in(page, coordinator.email)
    page.goto(site(county, "/dashboard/"))
    page.get_by_role("table", name=re.compile("Reviews by stage, Peer review")).get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Schools behind this figure")
    expect(page.get_by_role("table").get_by_role("row").nth(1)).to_be_visible()
    axe(page)
