"""Report pages and downloads, role by role: who gets which report, the audit of every download, progress while a
report is prepared, the Reports page and bulk preparation for a cycle."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from partnership.audit.models import AuditAction
from partnership.tenancy.roles import Role
from partnership.tenancy.scoping import partnership_scope
from reviews.models import RenderStatus, ReportDownload, ReportKind, ReportRender, ReviewStatus
from reviews.reports import render as render_module
from reviews.services import reports as services
from reviews.services.reports import report_render
from reviews.views.reports import BROKER_DOWN_MESSAGE
from tests.audit.helpers import events
from tests.factories import SchoolFactory, member
from tests.reviews.factories import PEOPLE_IN_A_SCENARIO, SEE_THE_REVIEW, ReviewFactory, visit_on, write_findings
from tests.reviews.factories_reports import (
    STUB_PDF,
    VISIT_DAYS,
    edit_report,
    reported_scenario,
    set_status,
    stub_rendered,
)
from tests.reviews.test_report_services import BrokerOutage

pytestmark = pytest.mark.django_db

EVERYONE = PEOPLE_IN_A_SCENARIO
SEES_THE_REVIEW = SEE_THE_REVIEW
GETS_THE_REPORT = {
    ReviewStatus.VISITED: set(),
    ReviewStatus.DRAFT: SEES_THE_REVIEW,
    ReviewStatus.FACTUAL_ACCURACY: SEES_THE_REVIEW,
    ReviewStatus.FINAL: SEES_THE_REVIEW,
    ReviewStatus.SHARED: SEES_THE_REVIEW | {"governor"},
}


def rendered(scenario, scope_of):
    return stub_rendered(scenario.review, requested_by=scenario.coordinator)


def downloads(partnership) -> list[ReportDownload]:
    """The partnership's download records, oldest first (read in its scope)."""
    with partnership_scope(partnership):
        return list(ReportDownload.objects.select_related("user", "render", "review").order_by("pk"))


def renders_of(partnership, **filters) -> list[ReportRender]:
    with partnership_scope(partnership):
        return list(ReportRender.objects.filter(**filters).order_by("pk"))


@pytest.mark.parametrize("status", list(GETS_THE_REPORT))
@pytest.mark.parametrize("person", EVERYONE)
def test_who_can_download_the_current_report(partnership_a, client_at, scope_of, media_root, status, person):
    s = reported_scenario(partnership_a, status)
    render = rendered(s, scope_of) if status != ReviewStatus.VISITED else None
    user = getattr(s, person)
    response = client_at(partnership_a, user).get(
        f"/reviews/{s.review.pk}/pdf/", HTTP_USER_AGENT="Mozilla/5.0 (Test browser)", REMOTE_ADDR="203.0.113.9"
    )
    if person not in GETS_THE_REPORT[status]:
        assert response.status_code == 404, f"{person} at {status}"
        assert not downloads(partnership_a)
        return
    assert response.status_code == 200, f"{person} at {status}"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Kingsmead Primary School - peer review report 2026-27" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == STUB_PDF
    (record,) = downloads(partnership_a)
    assert (record.user, record.render, record.review) == (user, render, s.review)
    assert (record.ip_address, record.user_agent) == ("203.0.113.9", "Mozilla/5.0 (Test browser)")
    assert record.user_email == user.email and record.downloaded_at is not None
    expected_kind = ReportKind.FINAL if status in (ReviewStatus.FINAL, ReviewStatus.SHARED) else ReportKind.DRAFT
    assert render.kind == expected_kind


def test_every_download_is_audited_separately(partnership_a, client_at, scope_of, media_root):
    s = reported_scenario(partnership_a, ReviewStatus.SHARED)
    rendered(s, scope_of)
    for person in ("governor", "governor", "head"):
        client = client_at(partnership_a, getattr(s, person))
        assert client.get(f"/reviews/{s.review.pk}/pdf/").status_code == 200
    assert [record.user.email for record in downloads(partnership_a)] == [
        s.governor.email,
        s.governor.email,
        s.head.email,
    ]
    # and each is in the partnership's audit log, with who and from where
    logged = events(partnership=partnership_a, action=AuditAction.REPORT_DOWNLOADED)
    assert [(event.actor, event.ip_address) for event in logged] == [
        (s.governor, "127.0.0.1"),
        (s.governor, "127.0.0.1"),
        (s.head, "127.0.0.1"),
    ]


@pytest.mark.parametrize(
    ("trusted_proxies", "recorded"),
    [
        # No proxy trusted: a client-written header is ignored, the connection's address is recorded.
        (0, "10.0.0.5"),
        # One proxy: the address it appended, never the part the client wrote on the left.
        (1, "198.51.100.20"),
        # Two proxies: the address the outer one appended.
        (2, "198.51.100.7"),
        # More proxies than the header has hops: the connection's address, not an error page.
        (4, "10.0.0.5"),
    ],
)
def test_the_audit_records_the_address_behind_trusted_proxies(
    partnership_a, client_at, scope_of, media_root, settings, trusted_proxies, recorded
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = trusted_proxies
    s = reported_scenario(partnership_a, ReviewStatus.SHARED)
    rendered(s, scope_of)
    response = client_at(partnership_a, s.governor).get(
        f"/reviews/{s.review.pk}/pdf/",
        REMOTE_ADDR="10.0.0.5",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7, 198.51.100.20",
    )
    assert response.status_code == 200
    assert [record.ip_address for record in downloads(partnership_a)] == [recorded]


def test_a_governor_never_gets_a_draft_nor_an_earlier_final_version(partnership_a, client_at, scope_of, media_root):
    s = reported_scenario(partnership_a, ReviewStatus.FACTUAL_ACCURACY)
    draft = rendered(s, scope_of)
    set_status(s.review, ReviewStatus.SHARED)
    first_final = rendered(s, scope_of)
    edit_report(s.review, next_steps="A follow-up visit in June.")
    second_final = rendered(s, scope_of)
    assert (draft.kind, first_final.version, second_final.version) == (ReportKind.DRAFT, 1, 2)
    governor = client_at(partnership_a, s.governor)
    head = client_at(partnership_a, s.head)
    for render in (draft, first_final):
        for suffix in ("", "progress/", "status/"):
            url = f"/reviews/{s.review.pk}/pdf/{render.pk}/{suffix}"
            assert governor.get(url).status_code == 404, url
            assert head.get(url).status_code == 200, url
    assert governor.get(f"/reviews/{s.review.pk}/pdf/{second_final.pk}/").status_code == 200
    assert governor.post(f"/reviews/{s.review.pk}/pdf/{draft.pk}/retry/").status_code == 404


def test_another_schools_governor_gets_404_everywhere(partnership_a, client_at, scope_of, media_root):
    s = reported_scenario(partnership_a, ReviewStatus.SHARED)
    render = rendered(s, scope_of)
    client = client_at(partnership_a, s.other_governor)
    for url in (
        f"/reviews/{s.review.pk}/pdf/",
        f"/reviews/{s.review.pk}/pdf/{render.pk}/",
        f"/reviews/{s.review.pk}/pdf/{render.pk}/progress/",
        f"/reviews/{s.review.pk}/pdf/{render.pk}/status/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/reviews/{s.review.pk}/pdf/prepare/").status_code == 404
    assert b"Kingsmead" not in client.get("/reports/").content


def test_a_version_of_another_review_is_not_found(partnership_a, client_at, scope_of, media_root):
    s = reported_scenario(partnership_a, ReviewStatus.SHARED)
    other = reported_scenario(partnership_a, ReviewStatus.SHARED)
    theirs = rendered(other, scope_of)
    response = client_at(partnership_a, s.coordinator).get(f"/reviews/{s.review.pk}/pdf/{theirs.pk}/")
    assert response.status_code == 404


def test_a_member_of_another_partnership_gets_404(partnership_a, partnership_b, client_at, scope_of, media_root):
    s = reported_scenario(partnership_a, ReviewStatus.SHARED)
    render = rendered(s, scope_of)
    outsider = member(partnership_b, Role.COORDINATOR)
    client = client_at(partnership_a, outsider)
    assert client.get(f"/reviews/{s.review.pk}/pdf/{render.pk}/").status_code == 404
    same_ids_elsewhere = client_at(partnership_b, outsider)
    assert same_ids_elsewhere.get(f"/reviews/{s.review.pk}/pdf/{render.pk}/").status_code == 404


def test_a_report_not_yet_rendered_is_asked_for_and_its_progress_shown(
    partnership_a, client_at, scope_of, media_root, monkeypatch, django_capture_on_commit_callbacks
):
    s = reported_scenario(partnership_a, ReviewStatus.SHARED)
    queued = []

    def broker_accepts(renders):  # the broker takes the message; no worker has picked it up yet
        queued.extend(renders)
        with partnership_scope(partnership_a):
            ReportRender.objects.filter(pk__in=[r.pk for r in renders]).update(enqueued_at=timezone.now())
        return True

    monkeypatch.setattr(services, "report_enqueue", broker_accepts)
    client = client_at(partnership_a, s.governor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(f"/reviews/{s.review.pk}/pdf/")
    (render,) = renders_of(partnership_a)
    assert response.status_code == 302, "never rendered inside the request"
    assert response["Location"] == f"/reviews/{s.review.pk}/pdf/{render.pk}/progress/"
    assert queued == [render], "sent to the pdf queue once the request is committed"
    page = client.get(response["Location"])
    assert b"The report is waiting to be prepared." in page.content
    assert b'data-poll-url="/reviews/' in page.content and b'data-finished="false"' in page.content
    assert not downloads(partnership_a)

    with scope_of(partnership_a):
        report_render(render_id=render.pk)  # what the worker does
    status = client.get(f"/reviews/{s.review.pk}/pdf/{render.pk}/status/")
    assert status["Cache-Control"] == "no-store"
    assert b'data-finished="true"' in status.content and b"The report is ready." in status.content
    assert f"/reviews/{s.review.pk}/pdf/{render.pk}/".encode() in status.content
    assert client.get(f"/reviews/{s.review.pk}/pdf/").status_code == 200


def test_a_failed_report_shows_its_reason_and_can_be_tried_again(
    partnership_a, client_at, scope_of, media_root, monkeypatch, django_capture_on_commit_callbacks
):
    s = reported_scenario(partnership_a, ReviewStatus.FINAL)
    real = render_module.render_report

    def broken(content, **kwargs):
        raise ValueError("no room for the cover")

    monkeypatch.setattr(render_module, "render_report", broken)
    client = client_at(partnership_a, s.head)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/reviews/{s.review.pk}/pdf/prepare/")
    page = client.get(response["Location"])
    assert b"Reason: The report could not be laid out: ValueError: no room for the cover" in page.content
    assert b"Try again" in page.content

    monkeypatch.setattr(render_module, "render_report", real)
    (render,) = renders_of(partnership_a)
    with django_capture_on_commit_callbacks(execute=True):
        retried = client.post(f"/reviews/{s.review.pk}/pdf/{render.pk}/retry/", {"next": "https://evil.example/"})
    assert retried["Location"] == f"/reviews/{s.review.pk}/pdf/{render.pk}/progress/"
    with scope_of(partnership_a):
        render.refresh_from_db()
    assert render.status == RenderStatus.READY


@pytest.mark.django_db(transaction=True)
def test_when_the_broker_is_down_the_person_is_told_and_the_request_kept(partnership_a, client_at, media_root):
    s = reported_scenario(partnership_a, ReviewStatus.SHARED)
    client = client_at(partnership_a, s.governor)
    outage = BrokerOutage()
    outage.start()
    try:
        response = client.get(f"/reviews/{s.review.pk}/pdf/", follow=True)
    finally:
        outage.stop()
    assert response.status_code == 200
    assert BROKER_DOWN_MESSAGE.encode() in response.content.replace(b"&#x27;", b"'")
    assert b"Your request is saved" in response.content
    (render,) = renders_of(partnership_a)
    assert render.status == RenderStatus.PENDING and render.enqueued_at is None


def test_the_review_page_shows_the_report_and_who_downloaded_it(partnership_a, client_at, scope_of, media_root):
    s = reported_scenario(partnership_a, ReviewStatus.SHARED)
    rendered(s, scope_of)
    client_at(partnership_a, s.governor).get(f"/reviews/{s.review.pk}/pdf/", REMOTE_ADDR="198.51.100.7")
    for person, sees_record in [
        ("head", True),
        ("coordinator", True),
        ("senior_leader", False),
        ("lead_reviewer", False),
    ]:
        page = client_at(partnership_a, getattr(s, person)).get(f"/reviews/{s.review.pk}/")
        assert page.status_code == 200
        assert b"Download the final report (PDF)" in page.content
        assert (b"Who has downloaded the report" in page.content) is sees_record, person
        assert (s.governor.email.encode() in page.content) is sees_record, person
        assert (b"198.51.100.7" in page.content) is sees_record, person


def test_each_person_who_downloaded_is_listed_once_with_how_often_and_the_full_record_is_a_csv(
    partnership_a, partnership_b, client_at, scope_of, media_root, django_assert_max_num_queries
):
    s = reported_scenario(partnership_a, ReviewStatus.SHARED)
    rendered(s, scope_of)
    governor = client_at(partnership_a, s.governor)
    for address in ("198.51.100.7", "198.51.100.8", "198.51.100.9"):
        assert governor.get(f"/reviews/{s.review.pk}/pdf/", REMOTE_ADDR=address).status_code == 200
    client_at(partnership_a, s.head).get(f"/reviews/{s.review.pk}/pdf/", REMOTE_ADDR="203.0.113.5")

    page = client_at(partnership_a, s.head).get(f"/reviews/{s.review.pk}/").content.decode()
    table = page[page.index('id="report-downloads-heading"') :]
    assert table.count(s.governor.email) == 1  # one row for three downloads: the latest, and how many
    assert "198.51.100.9" in table and "198.51.100.7" not in table
    assert '<td class="govuk-table__cell--numeric">3</td>' in table
    assert table.index(s.head.email) < table.index(s.governor.email)  # the most recent first

    url = f"/reviews/{s.review.pk}/pdf/downloads.csv"
    for person in PEOPLE_IN_A_SCENARIO:
        response = client_at(partnership_a, getattr(s, person)).get(url)
        assert response.status_code == (200 if person in ("head", "coordinator") else 404), person
    rows = list(csv.reader(io.StringIO(client_at(partnership_a, s.head).get(url).content.decode("utf-8-sig"))))
    assert rows[0] == ["Person", "Email", "Downloaded at", "Version", "Address", "Browser"]
    assert [row[4] for row in rows[1:]] == ["203.0.113.5", "198.51.100.9", "198.51.100.8", "198.51.100.7"]
    assert events(partnership=partnership_a, action=AuditAction.EXPORT)[-1].subject.startswith("Report downloads")

    outsider = member(partnership_b, Role.COORDINATOR)
    assert client_at(partnership_a, outsider).get(url).status_code == 404
    assert client_at(partnership_b, outsider).get(url).status_code == 404

    # The list costs the same queries however many times people downloaded.
    head = client_at(partnership_a, s.head)
    head.get(f"/reviews/{s.review.pk}/")
    with CaptureQueriesContext(connection) as few:
        head.get(f"/reviews/{s.review.pk}/")
    few = len(few)  # (read now: the next request empties the connection's log)
    for _ in range(5):
        governor.get(f"/reviews/{s.review.pk}/pdf/")
    with django_assert_max_num_queries(few):
        head.get(f"/reviews/{s.review.pk}/")


def test_the_review_page_offers_to_prepare_a_report_not_yet_rendered(partnership_a, client_at):
    s = reported_scenario(partnership_a, ReviewStatus.DRAFT)
    page = client_at(partnership_a, s.lead_reviewer).get(f"/reviews/{s.review.pk}/")
    assert b"Prepare the draft report (PDF)" in page.content
    assert b"Who has downloaded the report" not in page.content
    visited = reported_scenario(partnership_a, ReviewStatus.VISITED)
    page = client_at(partnership_a, visited.coordinator).get(f"/reviews/{visited.review.pk}/")
    assert b'id="report"' not in page.content


@pytest.mark.parametrize(
    ("person", "visible"),
    [
        ("coordinator", True),
        ("head", True),
        ("senior_leader", True),
        ("governor", True),
        ("staff", False),
        ("board_member", False),
    ],
)
def test_the_reports_page_and_its_menu_item(partnership_a, client_at, person, visible):
    s = reported_scenario(partnership_a, ReviewStatus.SHARED)
    client = client_at(partnership_a, getattr(s, person))
    response = client.get("/reports/")
    assert response.status_code == (200 if visible else 404)
    home = client.get("/")
    assert (b'href="/reports/"' in home.content) is visible


def test_a_governor_sees_the_final_report_of_each_school_they_govern(partnership_a, client_at, scope_of, media_root):
    s = reported_scenario(partnership_a, ReviewStatus.SHARED)
    rendered(s, scope_of)
    second_school = SchoolFactory(partnership=partnership_a, name="Marsh Lane Infant School")
    member(partnership_a, Role.GOVERNOR, user=s.governor, school=second_school)
    page = client_at(partnership_a, s.governor).get("/reports/")
    assert page.status_code == 200
    assert b"Reports of the schools you govern" in page.content
    assert b"Kingsmead Primary School" in page.content and b"Version 1, prepared" in page.content
    assert f'href="/reviews/{s.review.pk}/pdf/"'.encode() in page.content
    assert b"No final report has been shared with the governors of Marsh Lane Infant School yet." in page.content

    final_only = reported_scenario(partnership_a, ReviewStatus.FINAL)
    assert (
        f"/reviews/{final_only.review.pk}/report/".encode()
        not in client_at(partnership_a, final_only.governor).get("/reports/").content
    )


def test_a_head_sees_the_draft_of_their_schools_review(partnership_a, client_at):
    s = reported_scenario(partnership_a, ReviewStatus.FACTUAL_ACCURACY)
    page = client_at(partnership_a, s.head).get("/reports/")
    assert b"Download the draft" in page.content
    assert b"Not prepared yet" in page.content


def make_final_reviews(s, count: int) -> None:
    for _ in range(count):
        review = ReviewFactory(group=s.review.group, status=ReviewStatus.SHARED)
        visit_on(review, *VISIT_DAYS)
        write_findings(review)


@pytest.mark.parametrize("extra", [2, 12])
def test_the_coordinators_reports_page_has_bounded_queries(
    partnership_a, client_at, scope_of, media_root, django_assert_max_num_queries, extra
):
    s = reported_scenario(partnership_a, ReviewStatus.SHARED)
    make_final_reviews(s, extra)
    rendered(s, scope_of)
    client = client_at(partnership_a, s.coordinator)
    with django_assert_max_num_queries(16):
        page = client.get("/reports/")
    assert f"{extra + 1} final reviews".encode() in page.content
    assert b"Prepare every final report of" in page.content


@pytest.mark.parametrize("extra", [1, 10])
def test_bulk_preparation_with_live_progress(
    partnership_a, client_at, media_root, django_capture_on_commit_callbacks, django_assert_max_num_queries, extra
):
    s = reported_scenario(partnership_a, ReviewStatus.SHARED)
    make_final_reviews(s, extra)
    client = client_at(partnership_a, s.coordinator)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(f"/reports/cycles/{s.review.cycle_id}/prepare/")
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert f"0 of {extra + 1} reports ready".encode() in page.content
    status_url = response["Location"] + "status/"
    assert f'data-poll-url="{status_url}"'.encode() in page.content
    for callback in callbacks:
        callback()
    with django_assert_max_num_queries(12):
        status = client.get(status_url)
    assert f"{extra + 1} of {extra + 1} reports ready".encode() in status.content
    assert b'data-finished="true"' in status.content


def test_bulk_preparation_shows_each_failure_with_a_retry_button(
    partnership_a, client_at, media_root, monkeypatch, django_capture_on_commit_callbacks
):
    s = reported_scenario(partnership_a, ReviewStatus.SHARED)
    make_final_reviews(s, 2)
    real = render_module.render_report

    def fails_for_kingsmead(content, **kwargs):
        if content["school"]["name"] == "Kingsmead Primary School":
            raise RuntimeError("font missing")
        return real(content, **kwargs)

    monkeypatch.setattr(render_module, "render_report", fails_for_kingsmead)
    client = client_at(partnership_a, s.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/reports/cycles/{s.review.cycle_id}/prepare/")
    page = client.get(response["Location"])
    assert b"2 of 3 reports ready, 1 could not be prepared" in page.content
    assert b"The report could not be laid out: RuntimeError: font missing" in page.content
    (render,) = renders_of(partnership_a, status=RenderStatus.FAILED)
    retry_url = reverse("report_retry", args=[s.review.pk, render.pk])
    assert retry_url.encode() in page.content

    monkeypatch.setattr(render_module, "render_report", real)
    with django_capture_on_commit_callbacks(execute=True):
        back = client.post(retry_url, {"next": response["Location"]})
    assert back["Location"] == response["Location"]
    assert b"3 of 3 reports ready" in client.get(response["Location"]).content


def test_only_coordinators_prepare_a_cycles_reports(partnership_a, client_at):
    s = reported_scenario(partnership_a, ReviewStatus.SHARED)
    for person in ("head", "governor", "lead_reviewer"):
        client = client_at(partnership_a, getattr(s, person))
        assert client.post(f"/reports/cycles/{s.review.cycle_id}/prepare/").status_code == 404
    assert not renders_of(partnership_a)


def test_preparing_a_cycle_without_final_reviews_says_so(partnership_a, client_at):
    s = reported_scenario(partnership_a, ReviewStatus.DRAFT)
    client = client_at(partnership_a, s.coordinator)
    page = client.post(f"/reports/cycles/{s.review.cycle_id}/prepare/", follow=True)
    assert b"has no final reviews yet" in page.content


@pytest.mark.parametrize("schools", [1, 6])
def test_the_governors_reports_page_has_bounded_queries(
    partnership_a, client_at, scope_of, media_root, django_assert_max_num_queries, schools
):
    s = reported_scenario(partnership_a, ReviewStatus.SHARED)
    rendered(s, scope_of)
    for index in range(schools - 1):
        school = SchoolFactory(partnership=partnership_a, name=f"Governed School {index}")
        member(partnership_a, Role.GOVERNOR, user=s.governor, school=school)
        review = ReviewFactory(group=s.review.group, school=school, status=ReviewStatus.SHARED)
        visit_on(review, *VISIT_DAYS)
        write_findings(review)
        stub_rendered(review)
    client = client_at(partnership_a, s.governor)
    with django_assert_max_num_queries(12):
        page = client.get("/reports/")
    assert page.content.count(b"Download the final report") == schools


def test_the_download_name_is_safe_for_any_school_name(partnership_a, scope_of):
    from reviews.views.reports import download_filename

    s = reported_scenario(partnership_a, ReviewStatus.SHARED)
    render = stub_rendered(s.review)
    s.review.school.name = "St Mary's C/E: Primary*"
    assert download_filename(s.review, render) == "St Mary's C-E- Primary - peer review report 2026-27 (final, v1).pdf"
