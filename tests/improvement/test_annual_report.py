"""The partnership's annual report: figures for an academic year under the small-group rule, the coordinator's
foreword (once a year, refused blank), coordinators and board members only (the board reads), another partnership's
people get a 404, and a bounded number of queries at two data sizes."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from pypdf import PdfReader

from improvement.models import AnnualReportForeword, AnnualReportPdf, PdfStatus
from improvement.selectors.annual_report import annual_report
from improvement.services.annual_report import annual_report_pdf_request, foreword_save
from improvement.services.grants import grant_create
from improvement.tasks import render_annual_report_task
from partnership.audit.models import AuditAction, AuditEvent
from partnership.governance.models import PublicPages
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
    # 16 at both sizes: the session, roles and shell (6), the foreword, one query per table of figures (9) and
    # the latest PDF.
    with django_assert_max_num_queries(16):
        assert client.get(reverse("improvement_annual_report", args=[YEAR])).status_code == 200


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.BOARD_MEMBER, Role.HEADTEACHER, Role.GOVERNOR])
def test_the_pdf_is_for_coordinators_and_the_board(
    partnership_a, partnership_b, client_at, scope_of, django_capture_on_commit_callbacks, role
):
    with scope_of(partnership_a):
        foreword_save(partnership=partnership_a, year=YEAR, text="Our foreword.", actor=None)
    client = client_at(partnership_a, member(partnership_a, role))
    path = reverse("improvement_annual_report_pdf", args=[YEAR])
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.get(path)
    if role not in (Role.COORDINATOR, Role.BOARD_MEMBER):
        assert response.status_code == 404 and not queued
        return
    # The request only asks for it: the PDF is laid out by a worker, and the page shows its progress.
    assert response.status_code == 302 and response.url.endswith(f"/improvement/annual-report/{YEAR}/#pdf")
    assert len(queued) == 1
    page = client.get(response.url).content.decode()
    assert "The PDF is being prepared" in page
    with scope_of(partnership_a):
        assert AnnualReportPdf.objects.get().status == PdfStatus.QUEUED
    with django_capture_on_commit_callbacks(execute=True):
        queued[0]()  # the worker (Celery runs eagerly in tests)
    with scope_of(partnership_a):
        stored = AnnualReportPdf.objects.get()
        assert stored.status == PdfStatus.READY and stored.size > 0
    response = client.get(path)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    with scope_of(partnership_a):
        assert AnnualReportPdf.objects.count() == 1  # unchanged: not laid out again
        assert AuditEvent.objects.filter(action=AuditAction.REPORT_DOWNLOADED).count() == 1
    reader = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    assert "Our foreword." in reader.pages[0].extract_text()
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged, for screen readers
    assert "2025-26.pdf" in response["Content-Disposition"]
    outsider = client_at(partnership_a, member(partnership_b, role))
    assert outsider.get(path).status_code == 404


def test_board_members_find_the_report_from_their_home_page(partnership_a, client_at):
    client = client_at(partnership_a, member(partnership_a, Role.BOARD_MEMBER))
    assert 'href="/improvement/annual-report/"' in client.get("/").content.decode()


def test_the_coordinator_publishes_the_report_after_confirming_and_the_public_reads_it(
    partnership_a, partnership_b, client_at, scope_of
):
    SchoolFactory.create_batch(5, partnership=partnership_a, phase=School.Phase.PRIMARY)
    SchoolFactory(partnership=partnership_a, phase=School.Phase.SPECIAL)
    coordinator = member(partnership_a, Role.COORDINATOR)
    with scope_of(partnership_a):
        PublicPages.objects.create(partnership=partnership_a, enabled=True)
    client = client_at(partnership_a, coordinator)
    publish = reverse("improvement_annual_report_publish", args=[YEAR])
    public = reverse("public_annual_report", args=[YEAR])
    anyone = client_at(partnership_a)
    # No foreword yet: refused, nothing published.
    client.post(publish)
    assert anyone.get(public).status_code == 404
    with scope_of(partnership_a):
        foreword_save(partnership=partnership_a, year=YEAR, text="Our year together.", actor=None)
    confirm = client.get(publish)
    assert confirm.status_code == 200 and "Publish the annual report 2025/26?" in confirm.content.decode()
    assert anyone.get(public).status_code == 404  # asking is not publishing
    assert client.post(publish).status_code == 302
    page = anyone.get(public).content.decode()
    assert "Our year together." in page and "[c]" in page  # the one special school stays hidden
    assert "Annual report 2025/26" in anyone.get(reverse("public_annual_reports")).content.decode()
    assert anyone.get(reverse("public_annual_report", args=[YEAR - 1])).status_code == 404
    # Others may not publish; the unpublished report leaves the public pages.
    for role in (Role.BOARD_MEMBER, Role.HEADTEACHER):
        assert client_at(partnership_a, member(partnership_a, role)).get(publish).status_code == 404
    assert client_at(partnership_a, member(partnership_b, Role.COORDINATOR)).get(publish).status_code == 404
    assert client.post(reverse("improvement_annual_report_unpublish", args=[YEAR])).status_code == 302
    assert anyone.get(public).status_code == 404
    with scope_of(partnership_a):
        PublicPages.objects.update(enabled=False)
    assert anyone.get(reverse("public_annual_reports")).status_code == 404


def test_the_report_draws_bars_and_totals_the_years_grants(partnership_a, client_at, scope_of):
    SchoolFactory.create_batch(6, partnership=partnership_a, phase=School.Phase.PRIMARY)
    SchoolFactory.create_batch(3, partnership=partnership_a, phase=School.Phase.SECONDARY)
    with scope_of(partnership_a):
        for amount in ("1000", "2500.40"):
            grant_create(
                partnership=partnership_a,
                kind="grant",
                party="A local partnership",
                cluster=None,
                purpose="Pump-priming",
                amount=Decimal(amount),
                conditions="",
                starts_on=datetime.date(YEAR, 10, 1),
                ends_on=datetime.date(YEAR + 1, 7, 1),
                report_due_on=None,
                actor=None,
            )
        report = annual_report(YEAR)
    assert figures(report.grants) == {
        "Grants given": "2",
        "Amount granted": "£3,500",
        "Pieces of work commissioned": "0",
        "Amount of commissioned work": "£0",
    }
    [membership] = [rows for title, rows, drawn in report.tables() if title == "Member schools by phase"]
    assert [(row.figure.label, row.percent) for row in membership] == [
        ("Primary", 67),
        ("Secondary", 33),
        ("All member schools", 100),
    ]
    page = client_at(partnership_a, member(partnership_a, Role.COORDINATOR)).get(
        reverse("improvement_annual_report", args=[YEAR])
    )
    assert 'style="width: 67%"' in page.content.decode()


def test_a_pdf_that_fails_says_why_and_is_tried_again_when_asked(partnership_a, scope_of, monkeypatch):
    with scope_of(partnership_a):
        pdf, queued = annual_report_pdf_request(partnership=partnership_a, year=YEAR, actor=None)
        assert queued
        monkeypatch.setattr("reviews.reports.render.render_html", lambda html: 1 / 0)
        render_annual_report_task.run(pdf_id=pdf.pk)
        pdf.refresh_from_db()
        assert pdf.status == PdfStatus.FAILED and "ZeroDivisionError" in pdf.error
        again, queued = annual_report_pdf_request(partnership=partnership_a, year=YEAR, actor=None)
        assert again.pk == pdf.pk and queued and again.status == PdfStatus.QUEUED
