"""A governor downloads their school's final report; a coordinator prepares a cycle's reports and watches the
progress update itself. Chromium through Playwright, axe-core on every page visited."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from partnership.tenancy.scoping import partnership_scope
from reviews.models import RenderStatus, ReportRender, ReviewStatus
from reviews.services import reports as services
from reviews.services.reports import report_render, report_render_synchronously
from tests.e2e.test_sign_in_journey import sign_in
from tests.factories import PartnershipFactory
from tests.reviews.factories import ReviewFactory, visit_on, write_findings
from tests.reviews.factories_reports import VISIT_DAYS, reported_scenario

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def partnership():
    return PartnershipFactory(slug="northvale", name="Northvale Schools Partnership", colour="#005a5b")


@pytest.fixture
def queued_without_a_worker(monkeypatch):
    """The broker takes each render, and no worker runs until the test plays the worker's part."""

    def broker_accepts(renders):
        for render in renders:
            with partnership_scope(render.partnership_id):
                ReportRender.objects.filter(pk=render.pk).update(enqueued_at=timezone.now())
        return True

    monkeypatch.setattr(services, "report_enqueue", broker_accepts)


def test_a_governor_opens_reports_and_downloads_the_final_report(page, site, axe, partnership, media_root):
    s = reported_scenario(partnership, ReviewStatus.SHARED)
    with partnership_scope(partnership):
        report_render_synchronously(review=s.review)

    page.goto(site(partnership, "/accounts/login/"))
    sign_in(page, s.governor.email)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    # The home page says a report is ready (issue 12), and links to it.
    section = page.get_by_role("region", name="Peer review reports for governors")
    expect(section).to_contain_text("Kingsmead Primary School")
    expect(section.get_by_role("link", name=re.compile("Download the final report"))).to_be_visible()
    axe(page)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reports")
    expect(page.get_by_role("heading", name="Reports of the schools you govern")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Kingsmead Primary School"))).to_be_visible()
    axe(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Download the final report")).click()
    download = download_info.value
    assert download.suggested_filename == "Kingsmead Primary School - peer review report 2026-27 (final, v1).pdf"
    path = download.path()
    with open(path, "rb") as handle:
        assert handle.read(8) == b"%PDF-1.7"
    with partnership_scope(partnership):
        record = s.review.report_downloads.get()
    assert record.user == s.governor and record.ip_address == "127.0.0.1" and "Chrome" in record.user_agent

    # The school's headteacher sees who downloaded it, on the review's page.
    page.context.clear_cookies()
    page.goto(site(partnership, "/accounts/login/"))
    sign_in(page, s.head.email)
    page.goto(site(partnership, f"/reviews/{s.review.pk}/"))
    downloads = page.get_by_role("table", name="Who has downloaded the report")
    expect(downloads).to_contain_text(s.governor.email)
    expect(downloads).to_contain_text("Final v1")
    axe(page)


def test_the_progress_page_updates_itself_until_the_report_is_ready(
    page, site, axe, partnership, media_root, queued_without_a_worker
):
    s = reported_scenario(partnership, ReviewStatus.FACTUAL_ACCURACY)
    page.goto(site(partnership, "/accounts/login/"))
    sign_in(page, s.head.email)
    page.goto(site(partnership, f"/reviews/{s.review.pk}/"))
    expect(page.get_by_role("heading", name="Report", exact=True)).to_be_visible()
    axe(page)
    page.get_by_role("button", name="Prepare the draft report (PDF)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Draft report for Kingsmead Primary School")
    expect(page.locator(".portal-poll")).to_contain_text("The report is waiting to be prepared.")
    expect(page.get_by_text("check again")).to_be_hidden()  # JavaScript polls instead
    axe(page)

    with partnership_scope(partnership):
        render = ReportRender.objects.get()
        report_render(render_id=render.pk)  # the worker's part
    expect(page.locator(".portal-poll")).to_contain_text("The report is ready.", timeout=20000)
    expect(page.locator("[data-poll-announce]")).to_have_text("The report is ready.")
    axe(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Download the report")).click()
    assert download_info.value.suggested_filename.endswith("(draft, v1).pdf")


def test_a_coordinator_prepares_every_final_report_and_watches_the_progress(
    page, site, axe, partnership, media_root, queued_without_a_worker
):
    s = reported_scenario(partnership, ReviewStatus.SHARED)
    other = ReviewFactory(group=s.review.group, status=ReviewStatus.FINAL)
    visit_on(other, *VISIT_DAYS)
    write_findings(other)

    page.goto(site(partnership, "/accounts/login/"))
    sign_in(page, s.coordinator.email)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Reports").click()
    expect(page.get_by_text("2 reviews in this cycle are final; 0 of them have a final report ready")).to_be_visible()
    axe(page)
    page.get_by_role("button", name=re.compile("Prepare every final report of")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Final reports of")
    expect(page.locator(".portal-poll")).to_contain_text("0 of 2 reports ready, 2 still to prepare.")
    axe(page)

    with partnership_scope(partnership):
        for render in ReportRender.objects.filter(status=RenderStatus.PENDING):
            report_render(render_id=render.pk)
    expect(page.locator(".portal-poll")).to_contain_text("2 of 2 reports ready.", timeout=20000)
    expect(page.locator("[data-poll-announce]")).to_have_text("2 of 2 reports ready.")
    expect(page.get_by_role("link", name=re.compile("Download the report for Kingsmead"))).to_be_visible()
    axe(page)
