"""Reports through a real Celery worker process (prefork, as in production) and the real Redis broker."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection
from pypdf import PdfReader

from partnership.celery import app as celery_app
from partnership.tenancy.scoping import partnership_scope
from reviews.models import RenderStatus, ReportRender, ReviewStatus
from reviews.services.reports import report_enqueue, report_request
from reviews.tasks import reports as tasks_reports
from tests.reviews.factories_reports import SECTION_HEADINGS, edit_report, reported_scenario

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def start_worker(tmp_path, media_root, queue: str, *, module: list[str], extra_env: dict | None = None):
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "MEDIA_ROOT": str(media_root),
        "CONN_MAX_AGE": "0",
        "PORTAL_PORT": "",
        **(extra_env or {}),
    }
    log = (tmp_path / "worker.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            *module,
            "-Q",
            queue,
            "--pool",
            "prefork",
            "--concurrency",
            "1",
            "--max-tasks-per-child",
            "50",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-l",
            "info",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    return process, log


@pytest.fixture
def pdf_worker(tmp_path, media_root, monkeypatch):
    """A worker on a queue of its own (other people's workers share this Redis), using the test database."""
    queue = f"test-pdf-{uuid.uuid4().hex}"
    monkeypatch.setattr(tasks_reports, "PDF_QUEUE", queue)
    started = []

    def start(*, dies_once: bool = False, extra_env: dict[str, str] | None = None):
        module = (
            ["-m", "tests.reviews.report_worker_dies_once"]
            if dies_once
            else ["-m", "celery", "-A", "partnership", "worker"]
        )
        extra = {"REPORT_WORKER_KILL_MARKER": str(tmp_path / "killed")} if dies_once else {}
        extra.update(extra_env or {})
        process, log = start_worker(tmp_path, media_root, queue, module=module, extra_env=extra)
        started.append((process, log))
        return process

    celery_app.conf.task_always_eager = False
    yield start
    celery_app.conf.task_always_eager = True
    for process, log in started:
        process.terminate()
        process.wait(timeout=30)
        log.close()
    print((tmp_path / "worker.log").read_text()[-4000:])


def wait_for(render: ReportRender, *statuses: str, timeout: float = 120) -> ReportRender:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with partnership_scope(render.partnership_id):
            render.refresh_from_db()
        if render.status in statuses:
            return render
        time.sleep(0.25)
    raise AssertionError(f"render {render.pk} is still {render.status} after {timeout}s")


def test_a_report_is_rendered_by_the_worker_once_and_a_change_makes_a_new_version(pdf_worker, media_root):
    s = reported_scenario(None, ReviewStatus.SHARED)
    pdf_worker()
    with partnership_scope(s.partnership):
        render = report_request(review=s.review, requested_by=s.governor)  # commits, then sends to the queue
    assert render.enqueued_at is not None
    render = wait_for(render, RenderStatus.READY, RenderStatus.FAILED)
    assert render.status == RenderStatus.READY, render.error
    path = media_root / render.file.name
    text = subprocess.run(["/usr/bin/pdftotext", "-layout", str(path), "-"], capture_output=True, check=True).stdout
    text = text.decode()
    assert "Kingsmead Primary School" in text
    # A section with nothing recorded is left out (issue 12): this school's self-review is not shared (so no lines of
    # enquiry) and it sent no response.
    empty = ("Lines of enquiry", "The school's response")
    for heading in SECTION_HEADINGS:
        assert (heading in text) == (heading not in empty), heading
    reader = PdfReader(path)
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog and bool(catalog["/MarkInfo"]["/Marked"]) and catalog["/Lang"] == "en-GB"
    assert 'pdfuaid:part="1"' in catalog["/Metadata"].get_object().get_data().decode()
    assert reader.metadata.title == "Peer review report: Kingsmead Primary School"
    modified = path.stat().st_mtime_ns

    # Unchanged: asking again reuses the version, and even a duplicate message renders nothing.
    with partnership_scope(s.partnership):
        again = report_request(review=s.review, requested_by=s.head)
        assert again.pk == render.pk
        assert report_enqueue([again])
    time.sleep(3)  # time for the worker to take the duplicate message
    with partnership_scope(s.partnership):
        render.refresh_from_db()
    assert render.attempts == 1 and path.stat().st_mtime_ns == modified

    # Changed: a new version, rendered by the worker; the old one is kept.
    edit_report(s.review, area_of_excellence="Mathematics mastery across the school.")
    with partnership_scope(s.partnership):
        second = report_request(review=s.review, requested_by=s.head)
    second = wait_for(second, RenderStatus.READY, RenderStatus.FAILED)
    assert second.status == RenderStatus.READY and second.version == 2
    assert path.exists() and (media_root / second.file.name).exists()
    second_text = subprocess.run(
        ["/usr/bin/pdftotext", str(media_root / second.file.name), "-"], capture_output=True, check=True
    ).stdout.decode()
    assert "Mathematics mastery across the school." in second_text
    with partnership_scope(s.partnership):
        assert ReportRender.objects.count() == 2


def test_a_worker_killed_mid_render_leaves_no_broken_file_and_the_report_is_made_once(pdf_worker, media_root, tmp_path):
    s = reported_scenario(None, ReviewStatus.FINAL)
    pdf_worker(dies_once=True)
    with partnership_scope(s.partnership):
        render = report_request(review=s.review, requested_by=s.coordinator)
    render = wait_for(render, RenderStatus.READY, RenderStatus.FAILED, timeout=180)
    assert (tmp_path / "killed").exists(), "the first attempt was killed before moving its file into place"
    assert render.status == RenderStatus.READY, render.error
    assert render.attempts == 2 and render.interrupted == 1, "killed once, then done once"
    folder = media_root / "reports" / str(s.partnership.pk) / str(s.review.pk)
    pdfs = sorted(path.name for path in folder.iterdir() if path.suffix == ".pdf")
    assert pdfs == [Path(render.file.name).name]
    assert (folder / pdfs[0]).read_bytes().startswith(b"%PDF-1.7")
    strays = [path for path in folder.iterdir() if path.name.endswith(".partial")]
    assert len(strays) <= 1, "at most the killed attempt's temporary file, never under a report's name"
    log = (tmp_path / "worker.log").read_text()
    assert "WorkerLostError" in log or "SIGKILL" in log or "signal 9" in log
