"""axe-core finds no violation on any kind of page that demo people reach by following links from their home page
(one address of each kind of page per person: the journeys check pages in the middle of a task, this checks the
pages nobody wrote a journey for)."""

from collections import deque

import pytest
from django.core.management import call_command

from partnership.tenancy.models import Partnership
from tests.e2e.test_sign_in_journey import sign_in
from tests.test_links import view_name

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PEOPLE = (
    ("northshire", "coordinator"),
    ("northshire", "head"),
    ("northshire", "board"),
    ("riverside", "governor"),
    ("riverside", "deputy"),
)
# Files, feeds and downloads rather than pages.
NOT_PAGES = {
    "account_logout",
    "report_download",
    "report_cycle_zip",
    "report_downloads_csv",
    "review_attachment_download",
    "calendar_feed",
    "visit_ics",
    "dashboard_csv",
    "cpd_invoice_csv",
    "cpd_certificate_pdf",
    "cpd_invoice_pdf",
    "cpd_credit_note_csv",
    "cpd_credit_note_pdf",
    "cpd_record_pdf",
    "cpd_event_evaluations_csv",
    "school_export",
    "audit_log_export",
    "governance_paper_download",
    "governance_pack_download",
    "governance_terms_download",
    "governance_resource_download",
    "improvement_annual_report_pdf",
    "public_annual_report_pdf",
}


def test_every_kind_of_page_a_demo_person_reaches_has_no_accessibility_violation(
    page, site, axe, settings, media_root, tmp_path, capsys
):
    settings.DEBUG = True  # the demo command refuses to run otherwise
    call_command("demo_data", gias_dir=tmp_path)
    settings.DEBUG = False
    capsys.readouterr()
    violations, checked = [], {}
    for slug, person in PEOPLE:
        partnership = Partnership.objects.get(slug=slug)
        page.context.clear_cookies()
        page.goto(site(partnership, "/accounts/login/"))
        sign_in(page, f"{person}@{slug}.example", "portal-demo-2026")
        seen_kinds: set[str] = set()
        queue = deque(["/"])
        while queue:
            path = queue.popleft()
            kind = view_name(path.split("?")[0])
            if kind is None or kind in NOT_PAGES or kind in seen_kinds:
                continue
            seen_kinds.add(kind)
            response = page.goto(site(partnership, path))
            assert response is not None and response.ok, f"{person}@{slug}: {path}"
            try:
                axe(page)
            except AssertionError as report:
                violations.append(f"{person}@{slug} on {path}: {report}")
            for href in page.eval_on_selector_all("a[href]", "links => links.map(link => link.getAttribute('href'))"):
                if href.startswith("/") and not href.startswith(settings.STATIC_URL):
                    queue.append(href.split("#")[0])
        checked[f"{person}@{slug}"] = len(seen_kinds)
    assert checked["coordinator@northshire"] >= 40 and min(checked.values()) >= 8, checked
    assert violations == []
