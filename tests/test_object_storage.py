"""The portal with its files in S3-compatible object storage (S3_BUCKET), end to end against a real S3-compatible HTTP
server on loopback (moto's server): the portal's own storage backend (django-storages over boto3) talks to it over
HTTP, as it would to any S3 service. Upload, render, download and delete: review documents, the partnership's logo,
meeting papers and their assembled pack, and a report rendered by a separate Celery worker process that shares only
the database, Redis and the bucket with the web."""

import http.client
import uuid

import boto3
import pytest
from django.conf import settings as django_settings
from django.core.files.storage import default_storage
from django.test import Client
from moto.server import ThreadedMotoServer

from partnership.governance.models import MeetingPack, Paper
from partnership.governance.services.meetings import meeting_publish
from partnership.settings import object_storage
from partnership.tenancy.models import Partnership
from partnership.tenancy.roles import Role
from partnership.tenancy.scoping import partnership_scope
from reviews.models import Attachment, RenderStatus, ReportRender, ReviewStatus
from reviews.services.reports import report_request
from tests.factories import member
from tests.governance.factories import make_board, pdf_upload, scheduled_meeting
from tests.reviews.factories import review_scenario
from tests.reviews.factories_reports import reported_scenario
from tests.reviews.factories_visit import docx_bytes, upload
from tests.reviews.test_report_worker import pdf_worker, start_worker, wait_for  # noqa: F401 (a fixture)
from tests.servers import database_env, free_port, gunicorn
from tests.tenancy.test_settings import form, png

CREDENTIALS = {
    "S3_ACCESS_KEY_ID": "portal-test",
    "S3_SECRET_ACCESS_KEY": "portal-test-secret",
    "S3_REGION": "eu-west-2",
}


@pytest.fixture(scope="session")
def s3_server():
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


class Bucket:
    def __init__(self, endpoint: str):
        self.name = f"portal-{uuid.uuid4().hex[:12]}"
        self.endpoint = endpoint
        self.client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            aws_access_key_id=CREDENTIALS["S3_ACCESS_KEY_ID"],
            aws_secret_access_key=CREDENTIALS["S3_SECRET_ACCESS_KEY"],
            region_name=CREDENTIALS["S3_REGION"],
        )
        self.client.create_bucket(
            Bucket=self.name, CreateBucketConfiguration={"LocationConstraint": CREDENTIALS["S3_REGION"]}
        )

    @property
    def env(self) -> dict[str, str]:
        """What a web process or worker on another machine is given to share this bucket."""
        return {"S3_BUCKET": self.name, "S3_ENDPOINT_URL": self.endpoint, **CREDENTIALS}

    def keys(self) -> list[str]:
        return [item["Key"] for item in self.client.list_objects_v2(Bucket=self.name).get("Contents", [])]

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()


@pytest.fixture
def bucket(s3_server, settings, monkeypatch, tmp_path):
    """A bucket of the test's own, as the default storage (MEDIA_ROOT points at an empty folder to prove that
    nothing is written locally)."""
    made = Bucket(s3_server)
    for name, value in made.env.items():
        monkeypatch.setenv(name, value)
    settings.MEDIA_ROOT = tmp_path / "never-used"
    settings.STORAGES = {**settings.STORAGES, "default": object_storage(made.name)}
    assert type(default_storage._setup() or default_storage._wrapped).__name__ == "S3Storage"
    yield made
    assert not (tmp_path / "never-used").exists(), "a file was written to the local folder"


@pytest.mark.django_db
def test_review_documents_upload_download_and_delete_through_object_storage(
    bucket, partnership_a, client_at, scope_of, django_capture_on_commit_callbacks
):
    s = review_scenario(partnership_a, status=ReviewStatus.SCHEDULED)
    client = client_at(s.partnership, s.head)
    response = client.post(
        f"/reviews/{s.review.pk}/documents/add/", {"kind": "sip", "file": upload("Our SIP.docx", docx_bytes())}
    )
    assert response.status_code == 302
    with scope_of(s.partnership):
        attachment = Attachment.objects.get()
    assert bucket.keys() == [attachment.file.name]
    assert bucket.read(attachment.file.name) == docx_bytes()

    response = client.get(f"/reviews/{s.review.pk}/documents/{attachment.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == docx_bytes()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/reviews/{s.review.pk}/documents/{attachment.pk}/delete/")
    assert response.status_code == 302
    assert bucket.keys() == []


@pytest.mark.django_db
def test_the_logo_is_stored_served_and_replaced_in_object_storage(
    bucket, partnership_a, client_at, django_capture_on_commit_callbacks
):
    client = client_at(partnership_a, member(partnership_a, Role.COORDINATOR))
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/settings/", form(logo=png())).status_code == 302
    first = Partnership.objects.get(pk=partnership_a.pk).logo.name
    assert bucket.keys() == [first]
    response = client.get("/branding/logo")
    assert response.status_code == 200 and b"".join(response.streaming_content) == bucket.read(first)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/settings/", form(logo=png()))
    second = Partnership.objects.get(pk=partnership_a.pk).logo.name
    assert second != first and bucket.keys() == [second]  # the old logo went once the change was committed


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_report_rendered_by_a_worker_process_is_stored_in_the_bucket_and_downloaded_by_the_web(
    bucket,
    pdf_worker,  # noqa: F811 (the fixture imported above)
    client_at,
):
    s = reported_scenario(None, ReviewStatus.SHARED)
    pdf_worker(extra_env=bucket.env)
    with partnership_scope(s.partnership):
        render = report_request(review=s.review, requested_by=s.governor)
    render = wait_for(render, RenderStatus.READY, RenderStatus.FAILED)
    assert render.status == RenderStatus.READY, render.error
    assert bucket.keys() == [render.file.name]
    stored = bucket.read(render.file.name)
    assert stored.startswith(b"%PDF")

    response = client_at(s.partnership, s.governor).get(f"/reviews/{s.review.pk}/pdf/{render.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == stored


def get(port: int, path: str, *, host: str, session: str) -> tuple[int, bytes]:
    conversation = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conversation.request(
        "GET", path, headers={"Host": host, "Cookie": f"{django_settings.SESSION_COOKIE_NAME}={session}"}
    )
    response = conversation.getresponse()
    body = response.read()
    conversation.close()
    return response.status, body


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_two_web_processes_and_two_workers_share_only_the_database_redis_and_the_bucket(bucket, tmp_path):
    """As on separate machines: nothing on a shared disk. A report asked for on one web process is rendered by
    whichever worker takes it and downloaded from the other web process."""
    s = reported_scenario(None, ReviewStatus.SHARED)
    client = Client()
    client.force_login(s.governor)
    session = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    host = f"{s.partnership.slug}.localhost"
    env = {**database_env(), **bucket.env}
    workers = []
    for name in ("worker-one", "worker-two"):
        folder = tmp_path / name
        (folder / "media").mkdir(parents=True)
        workers.append(
            start_worker(
                folder,
                folder / "media",
                "pdf",
                module=["-m", "celery", "-A", "partnership", "worker"],
                extra_env={**bucket.env, "CELERY_WORKER_NAME": name},
            )
        )
    try:
        with (
            gunicorn(tmp_path / "web-one.log", env=env) as web_one,
            gunicorn(tmp_path / "web-two.log", env=env) as web_two,
        ):
            assert web_one != web_two
            status, _ = get(web_one, f"/reviews/{s.review.pk}/pdf/", host=host, session=session)
            assert status == 302  # asked for, and on its way to a worker: the page shows its progress
            with partnership_scope(s.partnership):
                render = ReportRender.objects.get(review=s.review)
            render = wait_for(render, RenderStatus.READY, RenderStatus.FAILED)
            assert render.status == RenderStatus.READY, render.error
            status, body = get(web_two, f"/reviews/{s.review.pk}/pdf/{render.pk}/", host=host, session=session)
            assert status == 200 and body.startswith(b"%PDF") and body == bucket.read(render.file.name)
    finally:
        for process, log in workers:
            process.terminate()
            process.wait(timeout=30)
            log.close()
    left = [str(p) for name in ("worker-one", "worker-two") for p in (tmp_path / name / "media").rglob("*")]
    assert left == []


@pytest.mark.django_db
def test_meeting_papers_and_the_assembled_pack_are_stored_in_and_downloaded_from_object_storage(
    bucket, partnership_a, client_at, django_capture_on_commit_callbacks
):
    board = make_board(partnership_a)
    meeting = scheduled_meeting(board, papers=0)
    with partnership_scope(partnership_a):
        item = meeting.items.get(title="Budget")
    clerk = client_at(partnership_a, board.clerk)
    paper = pdf_upload("budget.pdf", pages=2)
    response = clerk.post(f"/meetings/{meeting.pk}/items/{item.pk}/papers/new/", {"title": "Budget", "file": paper})
    assert response.status_code == 302
    with partnership_scope(partnership_a):
        stored = Paper.objects.get()
        meeting = meeting_publish(meeting=meeting).meeting
    assert bucket.keys() == [stored.file.name]
    paper.seek(0)
    assert bucket.read(stored.file.name) == paper.read()

    member_client = client_at(partnership_a, board.members[1])
    response = member_client.get(f"/meetings/{meeting.pk}/papers/{stored.pk}/")
    assert b"".join(response.streaming_content) == bucket.read(stored.file.name)
    with django_capture_on_commit_callbacks(execute=True):  # the pack's task runs eagerly, reading from the bucket
        assert member_client.post(f"/meetings/{meeting.pk}/pack/").status_code == 302
    with partnership_scope(partnership_a):
        pack = MeetingPack.objects.get()
    assert pack.status == MeetingPack.Status.READY and pack.page_count == 3  # the agenda and two pages of paper
    assert sorted(bucket.keys()) == sorted([stored.file.name, pack.file.name])
    response = member_client.get(f"/meetings/{meeting.pk}/pack/download/")
    assert b"".join(response.streaming_content) == bucket.read(pack.file.name)
def test_a_certificate_is_stored_in_the_bucket_and_downloaded_from_it(bucket, partnership_a, client_at, scope_of):
    from cpd.models import Certificate
    from cpd.services.certificates import certificate_render, certificates_release
    from tests.cpd.factories import NOW
    from tests.cpd.test_certificates import run_course

    with scope_of(partnership_a):
        event, people, boss = run_course(partnership_a, n=1)
        certificate = certificates_release(event=event, by=boss, now=NOW)[0]
        assert certificate_render(certificate_id=certificate.pk, partnership=partnership_a)
        certificate = Certificate.objects.get(pk=certificate.pk)
    assert bucket.keys() == [certificate.pdf.name]
    stored = bucket.read(certificate.pdf.name)
    assert stored.startswith(b"%PDF")
    response = client_at(partnership_a, people[0]).get(f"/cpd/certificates/{certificate.pk}/certificate.pdf")
    assert response.status_code == 200 and b"".join(response.streaming_content) == stored


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_certificates_released_are_rendered_by_a_worker_process_into_the_bucket(
    bucket,
    pdf_worker,  # noqa: F811 (the fixture imported above)
    client_at,
    partnership_a,
):
    import time

    from cpd.models import Certificate
    from cpd.services.certificates import certificates_release
    from tests.cpd.factories import NOW
    from tests.cpd.test_certificates import run_course

    pdf_worker(extra_env=bucket.env)
    with partnership_scope(partnership_a):
        event, people, boss = run_course(partnership_a, n=3)
        made = certificates_release(event=event, by=boss, now=NOW)  # commits, then queues the batch
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        with partnership_scope(partnership_a):
            if Certificate.objects.filter(event=event, rendered_at__isnull=False).count() == len(made):
                break
        time.sleep(0.25)
    with partnership_scope(partnership_a):
        names = sorted(Certificate.objects.filter(event=event).values_list("pdf", flat=True))
    assert all(names) and sorted(bucket.keys()) == names
    mine = next(c for c in made if c.user_id == people[0].pk)
    with partnership_scope(partnership_a):
        mine = Certificate.objects.get(pk=mine.pk)
    response = client_at(partnership_a, people[0]).get(f"/cpd/certificates/{mine.pk}/certificate.pdf")
    assert response.status_code == 200 and b"".join(response.streaming_content) == bucket.read(mine.pdf.name)


def test_a_published_annual_reports_pdf_is_stored_in_the_bucket_and_downloaded_by_the_public(
    bucket, partnership_a, client_at, scope_of, django_capture_on_commit_callbacks
):
    from improvement.models import AnnualReportPdf
    from improvement.services.annual_report import annual_report_publish, foreword_save
    from partnership.governance.models import PublicPages

    with scope_of(partnership_a):
        PublicPages.objects.create(partnership=partnership_a, enabled=True)
        foreword_save(partnership=partnership_a, year=2025, text="Our year.", actor=None)
        annual_report_publish(partnership=partnership_a, year=2025, actor=None)
    anyone = client_at(partnership_a)
    with django_capture_on_commit_callbacks(execute=True):  # the worker (Celery runs eagerly in tests)
        assert anyone.get("/public/annual-reports/2025/pdf/").status_code == 302
    with scope_of(partnership_a):
        pdf = AnnualReportPdf.objects.get()
    assert bucket.keys() == [pdf.file.name]
    stored = bucket.read(pdf.file.name)
    response = anyone.get("/public/annual-reports/2025/pdf/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == stored
