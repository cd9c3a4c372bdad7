"""Issue 12: every final report of a cycle downloads as one ZIP, for coordinators only; each report in it is one the
coordinator may have, and each is recorded as downloaded, as a single download is."""

import io
import zipfile

import pytest

from partnership.audit.models import AuditAction
from partnership.tenancy.roles import Role
from partnership.tenancy.scoping import partnership_scope
from reviews.models import ReportDownload, ReviewStatus
from reviews.reports.archive import zip_stream
from tests.audit.helpers import events
from tests.factories import member
from tests.reviews.factories import PEOPLE_IN_A_SCENARIO, ReviewFactory, visit_on, write_findings
from tests.reviews.factories_reports import STUB_PDF, VISIT_DAYS, reported_scenario, stub_rendered

pytestmark = pytest.mark.django_db


def zip_url(s) -> str:
    return f"/reports/cycles/{s.review.cycle_id}/final-reports.zip"


def final_reviews(s, count: int, status=ReviewStatus.SHARED):
    made = []
    for _ in range(count):
        review = ReviewFactory(group=s.review.group, status=status)
        visit_on(review, *VISIT_DAYS)
        write_findings(review)
        made.append(review)
    return made


def unzip(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


@pytest.mark.parametrize("extra", [1, 8])
def test_a_coordinator_downloads_every_ready_final_report_in_one_zip(
    partnership_a, client_at, scope_of, media_root, django_assert_max_num_queries, extra
):
    s = reported_scenario(partnership_a, ReviewStatus.SHARED)
    others = final_reviews(s, extra)
    for review in [s.review, *others]:
        stub_rendered(review, requested_by=s.coordinator)
    not_ready = final_reviews(s, 1)[0]  # final, but its report was never prepared: left out
    draft = final_reviews(s, 1, status=ReviewStatus.DRAFT)[0]  # not final: never in the ZIP
    client = client_at(partnership_a, s.coordinator)
    assert zip_url(s).encode() in client.get(f"/reports/?cycle={s.review.cycle_id}").content
    with django_assert_max_num_queries(14):
        response = client.get(zip_url(s))
        archive = unzip(response)
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="')
    names = archive.namelist()
    assert len(names) == extra + 1
    assert all(name.endswith("(final, v1).pdf") for name in names), names
    assert any(name.startswith("Kingsmead Primary School - peer review report") for name in names)
    assert all(archive.read(name) == STUB_PDF for name in names)
    assert archive.testzip() is None
    with scope_of(partnership_a):
        recorded = set(ReportDownload.objects.filter(user=s.coordinator).values_list("review_id", flat=True))
    assert recorded == {s.review.pk, *(r.pk for r in others)}
    assert not_ready.pk not in recorded and draft.pk not in recorded
    (logged,) = events(action=AuditAction.REPORT_DOWNLOADED, actor=s.coordinator)
    assert logged.subject.endswith(f"{extra + 1} in one ZIP") and len(logged.detail["reports"]) == extra + 1


def test_nothing_ready_says_so_and_records_nothing(partnership_a, client_at, scope_of, media_root):
    s = reported_scenario(partnership_a, ReviewStatus.FINAL)
    response = client_at(partnership_a, s.coordinator).get(zip_url(s), follow=True)
    assert "No final report of" in response.content.decode()
    with scope_of(partnership_a):
        assert not ReportDownload.objects.exists()


def test_a_report_missing_from_storage_is_named_in_a_note(partnership_a, client_at, scope_of, media_root):
    s = reported_scenario(partnership_a, ReviewStatus.SHARED)
    other = final_reviews(s, 1)[0]
    stub_rendered(s.review, requested_by=s.coordinator)
    gone = stub_rendered(other, requested_by=s.coordinator)
    gone.file.storage.delete(gone.file.name)
    archive = unzip(client_at(partnership_a, s.coordinator).get(zip_url(s)))
    assert len([n for n in archive.namelist() if n.endswith(".pdf")]) == 1
    note = archive.read("Reports not included.txt").decode()
    assert other.school.name in note


@pytest.mark.parametrize("person", [p for p in PEOPLE_IN_A_SCENARIO if p != "coordinator"])
def test_only_coordinators_get_the_zip(partnership_a, client_at, scope_of, media_root, person):
    s = reported_scenario(partnership_a, ReviewStatus.SHARED)
    stub_rendered(s.review, requested_by=s.coordinator)
    response = client_at(partnership_a, getattr(s, person)).get(zip_url(s))
    assert response.status_code == 404
    with scope_of(partnership_a):
        assert not ReportDownload.objects.exists()


def test_another_partnerships_coordinator_gets_a_404(partnership_a, partnership_b, client_at, media_root):
    s = reported_scenario(partnership_a, ReviewStatus.SHARED)
    stub_rendered(s.review, requested_by=s.coordinator)
    outsider = member(partnership_b, Role.COORDINATOR)
    assert client_at(partnership_b, outsider).get(zip_url(s)).status_code == 404
    assert client_at(partnership_a, outsider).get(zip_url(s)).status_code == 404
    with partnership_scope(partnership_a):
        assert not ReportDownload.objects.exists()


def test_the_zip_is_written_as_it_is_sent():
    """The stream starts before the last file is read: a cycle of hundreds of reports never sits in memory."""
    opened = []

    def opener(name: str, size: int):
        def open_it():
            opened.append(name)
            return io.BytesIO(b"x" * size)

        return open_it

    stream = zip_stream([(f"{n}.pdf", opener(f"{n}.pdf", 300_000)) for n in range(3)])
    first = next(stream)
    assert first and opened == ["0.pdf"]
    archive = zipfile.ZipFile(io.BytesIO(first + b"".join(stream)))
    assert [info.file_size for info in archive.infolist()] == [300_000] * 3
