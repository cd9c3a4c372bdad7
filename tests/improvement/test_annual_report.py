"""The partnership's annual report: figures for an academic year under the small-group rule, the coordinator's
foreword (once a year, refused blank), coordinators and board members only (the board reads), another partnership's
people get a 404, and a bounded number of queries at two data sizes."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from pypdf import PdfReader

from improvement.models import AnnualReportForeword
from improvement.selectors.annual_report import annual_report
from improvement.services.annual_report import foreword_save
from partnership.tenancy.roles import Role
from partnership.tenancy.scoping import partnership_scope
from schools.models import School
from tests.factories import SchoolFactory, member
from tests.reviews.factories_reports import reported_scenario

pytestmark = pytest.mark.django_db
YEAR = 2025


def figures(section) -> dict[str, str]:
    return {figure.label: figure.display for figure in section}


def test_a_phase_of_one_or_two_schools_is_hidden_and_so_is_what_gives_it_away(partnership_a, scope_of):
    SchoolFactory.create_batch(5, partnership=partnership_a, phase=School.Phase.PRIMARY)
    SchoolFactory.create_batch(4, partnership=partnership_a, phase=School.Phase.SECONDARY)
    SchoolFactory(partnership=partnership_a, phase=School.Phase.SPECIAL)
    with scope_of(partnership_a):
        membership = figures(annual_report(YEAR).membership)
    assert membership["Special"] == "[c]"
    # With the total shown, one hidden phase would be the total minus the others: a second one is hidden too.
    assert membership["All member schools"] == "10"
    assert list(membership.values()).count("[c]") >= 2


def test_the_report_counts_the_year_reviews_and_their_themes(partnership_a, scope_of):
    s = reported_scenario(partnership_a, "final")
    year = s.review.cycle.visit_window_starts_on.year
    year = year if s.review.cycle.visit_window_starts_on.month >= 9 else year - 1
    with scope_of(partnership_a):
        report = annual_report(year)
        other_year = annual_report(year + 3)
    # Reviews at each stage are the whole partnership's operational figures, shown in full as on the dashboards.
    assert figures(report.review_stages)["Final"] == "1"
    assert figures(other_year.review_stages)["Schools reviewed"] == "0"
    # What reviews found is never public: one school's theme is hidden.
    assert report.themes and all(figure.hidden for figure in report.themes)


def test_the_foreword_is_written_once_a_year_and_refused_blank(partnership_a, scope_of):
    coordinator = member(partnership_a, Role.COORDINATOR)
    with scope_of(partnership_a):
        with pytest.raises(ValidationError, match="Write the foreword"):
            foreword_save(partnership=partnership_a, year=YEAR, text="   ", actor=coordinator)
        with pytest.raises(ValidationError, match="academic year"):
            foreword_save(partnership=partnership_a, year=1999, text="Hello", actor=coordinator)
        assert not AnnualReportForeword.objects.exists()
        foreword_save(partnership=partnership_a, year=YEAR, text="A good year.", actor=coordinator)
        foreword_save(partnership=partnership_a, year=YEAR, text="A very good year.", actor=coordinator)
        assert list(AnnualReportForeword.objects.values_list("text", flat=True)) == ["A very good year."]
        with pytest.raises(IntegrityError), transaction.atomic():
            AnnualReportForeword.objects.create(partnership=partnership_a, year=YEAR, text="Twice")


ROLES = [Role.COORDINATOR, Role.BOARD_MEMBER, Role.HEADTEACHER, Role.SENIOR_LEADER, Role.GOVERNOR, Role.STAFF]


@pytest.mark.parametrize("role", ROLES)
def test_coordinators_write_and_board_members_read(partnership_a, client_at, scope_of, role):
    client = client_at(partnership_a, member(partnership_a, role))
    path = reverse("improvement_annual_report", args=[YEAR])
    reads = role in (Role.COORDINATOR, Role.BOARD_MEMBER)
    page = client.get(path)
    assert page.status_code == (200 if reads else 404)
    assert client.get(reverse("improvement_annual_report_current")).status_code == (302 if reads else 404)
    if reads:
        assert ("Save the foreword" in page.content.decode()) == (role == Role.COORDINATOR)
    response = client.post(path, {"text": "Our year."})
    assert response.status_code == (302 if role == Role.COORDINATOR else 404)
    with scope_of(partnership_a):
        assert AnnualReportForeword.objects.exists() == (role == Role.COORDINATOR)


def test_the_coordinator_saves_the_foreword_and_bad_input_changes_nothing(partnership_a, client_at, scope_of):
    client = client_at(partnership_a, member(partnership_a, Role.COORDINATOR))
    path = reverse("improvement_annual_report", args=[YEAR])
    assert "Write the foreword." in client.post(path, {"text": ""}).content.decode()
    assert "10,000 characters" in client.post(path, {"text": "x" * 10_001}).content.decode()
    assert client.get(reverse("improvement_annual_report", args=[1999])).status_code == 404
    with scope_of(partnership_a):
        assert not AnnualReportForeword.objects.exists()
    assert client.post(path, {"text": "Twelve schools reviewed."}).status_code == 302
    assert client.post(path, {"text": "Twelve schools reviewed."}).status_code == 302
    page = client.get(path).content.decode()
    assert "Twelve schools reviewed." in page and "Annual report 2025/26" in page
    with scope_of(partnership_a):
        assert AnnualReportForeword.objects.count() == 1
    assert 'href="/improvement/annual-report/"' in client.get(reverse("improvement_index")).content.decode()


def test_another_partnership_gets_a_404(partnership_a, partnership_b, client_at, scope_of):
    with scope_of(partnership_b):
        foreword_save(partnership=partnership_b, year=YEAR, text="Secret foreword", actor=None)
    for role in (Role.COORDINATOR, Role.BOARD_MEMBER):
        outsider = client_at(partnership_a, member(partnership_b, role))
        path = reverse("improvement_annual_report", args=[YEAR])
        assert outsider.get(path).status_code == 404
        assert outsider.post(path, {"text": "Hijack"}).status_code == 404
    own = client_at(partnership_a, member(partnership_a, Role.COORDINATOR))
    assert "Secret foreword" not in own.get(reverse("improvement_annual_report", args=[YEAR])).content.decode()
    with scope_of(partnership_b):
        assert AnnualReportForeword.objects.get().text == "Secret foreword"


@pytest.mark.parametrize("schools", [3, 40])
def test_the_report_reads_in_a_bounded_number_of_queries(
    partnership_a, client_at, django_assert_max_num_queries, schools
):
    reported_scenario(partnership_a, "final")
    phases = [School.Phase.PRIMARY, School.Phase.SECONDARY, School.Phase.SPECIAL]
    for number in range(schools):
        SchoolFactory(partnership=partnership_a, phase=phases[number % 3])
    with partnership_scope(partnership_a):
        foreword_save(partnership=partnership_a, year=YEAR, text="A year.", actor=None)
    client = client_at(partnership_a, member(partnership_a, Role.COORDINATOR))
    # 14 at both sizes: the session, roles and shell (6), the foreword, and one query per table of figures (8).
    with django_assert_max_num_queries(14):
        assert client.get(reverse("improvement_annual_report", args=[YEAR])).status_code == 200


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.BOARD_MEMBER, Role.HEADTEACHER, Role.GOVERNOR])
def test_the_pdf_is_for_coordinators_and_the_board(partnership_a, partnership_b, client_at, scope_of, role):
    with scope_of(partnership_a):
        foreword_save(partnership=partnership_a, year=YEAR, text="Our foreword.", actor=None)
    client = client_at(partnership_a, member(partnership_a, role))
    path = reverse("improvement_annual_report_pdf", args=[YEAR])
    response = client.get(path)
    if role not in (Role.COORDINATOR, Role.BOARD_MEMBER):
        assert response.status_code == 404
        return
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert "Our foreword." in reader.pages[0].extract_text()
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged, for screen readers
    assert "2025-26.pdf" in response["Content-Disposition"]
    outsider = client_at(partnership_a, member(partnership_b, role))
    assert outsider.get(path).status_code == 404


def test_board_members_find_the_report_from_their_home_page(partnership_a, client_at):
    client = client_at(partnership_a, member(partnership_a, Role.BOARD_MEMBER))
    assert 'href="/improvement/annual-report/"' in client.get("/").content.decode()
