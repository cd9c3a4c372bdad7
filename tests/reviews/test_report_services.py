"""Asking for reports, rendering each content once, versions, bulk preparation, failures, retries and a broker
outage. Celery runs eagerly here (tests/conftest.py); test_report_worker.py uses a real worker and Redis."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from partnership.celery import app as celery_app
from reviews.models import RenderStatus, ReportBatchItem, ReportKind, ReportRender, ReviewStatus
from reviews.reports import render as render_module
from reviews.reports import storage as storage_module
from reviews.services import reports as services
from reviews.services.reports import (
    report_batch_create,
    report_render,
    report_request,
    report_retry,
    reports_resend_stalled,
)
from reviews.tasks import reports as tasks_reports
from reviews.tasks.reports import resend_stalled_reports
from tests.reviews.factories import ReviewFactory, visit_on, write_findings
from tests.reviews.factories_reports import VISIT_DAYS, edit_report, reported_scenario, set_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the on-commit callbacks (the enqueueing) as a real commit would."""

    def run(function, **kwargs):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            result = function(**kwargs)
        run.callbacks = callbacks
        return result

    return run


def renders(partnership):
    return ReportRender.objects.with_scope(partnership=partnership.pk)


def test_a_request_is_recorded_then_rendered_once(partnership_a, scope_of, media_root, committed):
    s = reported_scenario(partnership_a, ReviewStatus.FINAL)
    with scope_of(partnership_a):
        render = committed(report_request, review=s.review, requested_by=s.head)
        render.refresh_from_db()
        assert render.status == RenderStatus.READY and render.kind == ReportKind.FINAL and render.version == 1
        assert render.attempts == 1 and render.enqueued_at is not None and render.requested_by == s.head
        assert render.page_count >= 2 and render.size > 1000
        path = media_root / render.file.name
        assert path.read_bytes().startswith(b"%PDF-1.7")
        modified = path.stat().st_mtime_ns

        again = committed(report_request, review=s.review, requested_by=s.coordinator)
        assert again.pk == render.pk
        assert committed.callbacks == [], "an unchanged report is not sent to the worker again"
        again.refresh_from_db()
        assert again.attempts == 1 and path.stat().st_mtime_ns == modified
        assert renders(partnership_a).count() == 1


def test_a_changed_report_becomes_a_new_version_and_the_old_one_is_kept(partnership_a, scope_of, media_root, committed):
    s = reported_scenario(partnership_a, ReviewStatus.FINAL)
    with scope_of(partnership_a):
        first = committed(report_request, review=s.review, requested_by=s.head)
        edit_report(s.review, recommendations="- Publish the new reading spine.\n- Train every adult in it.")
        second = committed(report_request, review=s.review, requested_by=s.head)
        first.refresh_from_db()
        second.refresh_from_db()
    assert second.pk != first.pk and second.version == 2 and second.content_hash != first.content_hash
    assert first.status == second.status == RenderStatus.READY
    assert (media_root / first.file.name).exists() and (media_root / second.file.name).exists()
    assert "Publish the new reading spine." in second.content["recommendations"][0]["ul"]


def test_a_draft_and_the_final_report_are_numbered_separately(partnership_a, scope_of, media_root, committed):
    s = reported_scenario(partnership_a, ReviewStatus.FACTUAL_ACCURACY)
    with scope_of(partnership_a):
        draft = committed(report_request, review=s.review, requested_by=s.lead_reviewer)
        set_status(s.review, ReviewStatus.FINAL)
        final = committed(report_request, review=s.review, requested_by=s.coordinator)
    assert (draft.kind, draft.version) == (ReportKind.DRAFT, 1)
    assert (final.kind, final.version) == (ReportKind.FINAL, 1)
    assert draft.content_hash != final.content_hash


def test_a_review_without_a_report_yet_has_nothing_to_request(partnership_a, scope_of):
    s = reported_scenario(partnership_a, ReviewStatus.VISITED)
    with scope_of(partnership_a):
        assert report_request(review=s.review, requested_by=s.head) is None


def test_rendering_again_a_ready_version_does_nothing(partnership_a, scope_of, media_root, committed):
    s = reported_scenario(partnership_a, ReviewStatus.FINAL)
    with scope_of(partnership_a):
        render = committed(report_request, review=s.review, requested_by=s.head)
        again = report_render(render_id=render.pk)
    assert again.status == RenderStatus.READY and again.attempts == 1


def test_a_render_stopped_before_its_file_was_in_place_is_produced_once_when_run_again(
    partnership_a, scope_of, media_root, monkeypatch
):
    s = reported_scenario(partnership_a, ReviewStatus.FINAL)
    with scope_of(partnership_a):
        render = report_request(review=s.review, requested_by=s.head)  # no commit: nothing sent to Celery
        assert render.status == RenderStatus.PENDING and render.enqueued_at is None

        def stopped(source, target):
            raise SystemExit("worker stopped between writing and renaming")

        monkeypatch.setattr(storage_module, "replace", stopped)
        with pytest.raises(SystemExit):
            report_render(render_id=render.pk)
        render.refresh_from_db()
        assert render.status == RenderStatus.RENDERING and render.attempts == 1 and not render.file
        folder = media_root / "reports" / str(partnership_a.pk) / str(s.review.pk)
        assert list(folder.iterdir()) == []

        monkeypatch.undo()
        report_render(render_id=render.pk)
        render.refresh_from_db()
        assert render.status == RenderStatus.READY and render.attempts == 2
        assert [path.name for path in folder.iterdir()] == [render.file.name.rsplit("/", 1)[1]]
        assert renders(partnership_a).count() == 1


def test_bulk_preparation_asks_for_every_final_report_of_the_cycle(partnership_a, scope_of, media_root, committed):
    s = reported_scenario(partnership_a, ReviewStatus.SHARED)
    cycle = s.review.cycle
    others = []
    for status in (ReviewStatus.FINAL, ReviewStatus.FINAL, ReviewStatus.DRAFT):
        review = ReviewFactory(group=s.review.group, status=status)
        visit_on(review, *VISIT_DAYS)
        write_findings(review)
        others.append(review)
    with scope_of(partnership_a):
        batch = committed(report_batch_create, cycle=cycle, actor=s.coordinator)
        items = list(ReportBatchItem.objects.filter(batch=batch).select_related("render"))
        assert {item.review_id for item in items} == {s.review.pk, others[0].pk, others[1].pk}
        assert {item.render.kind for item in items} == {ReportKind.FINAL}
        assert all(item.render.status == RenderStatus.READY for item in ReportBatchItem.objects.filter(batch=batch))

        second = committed(report_batch_create, cycle=cycle, actor=s.coordinator)
        assert committed.callbacks == [], "nothing unchanged is rendered again"
        assert set(ReportBatchItem.objects.filter(batch=second).values_list("render_id", flat=True)) == {
            item.render_id for item in items
        }
        assert renders(partnership_a).filter(attempts=1).count() == 3


def test_bulk_preparation_needs_final_reviews(partnership_a, scope_of):
    s = reported_scenario(partnership_a, ReviewStatus.DRAFT)
    with scope_of(partnership_a), pytest.raises(ValidationError, match="no final reviews yet"):
        report_batch_create(cycle=s.review.cycle, actor=s.coordinator)


def test_a_failure_is_recorded_with_its_reason_and_can_be_retried(
    partnership_a, scope_of, media_root, committed, monkeypatch
):
    s = reported_scenario(partnership_a, ReviewStatus.FINAL)
    real = render_module.render_report

    def broken(content, **kwargs):
        raise ValueError("the layout engine could not place the cover")

    monkeypatch.setattr(render_module, "render_report", broken)
    with scope_of(partnership_a):
        render = committed(report_request, review=s.review, requested_by=s.head)
        render.refresh_from_db()
        assert render.status == RenderStatus.FAILED
        assert render.error == (
            "The report could not be laid out: ValueError: the layout engine could not place the cover"
        )

        monkeypatch.setattr(render_module, "render_report", real)
        committed(report_retry, render=render, actor=s.coordinator)
        render.refresh_from_db()
        assert render.status == RenderStatus.READY and render.error == "" and render.attempts == 2


def test_a_temporary_storage_problem_is_retried_with_back_off(partnership_a, scope_of, media_root, monkeypatch):
    s = reported_scenario(partnership_a, ReviewStatus.FINAL)
    real = services.write_atomically
    failures = []

    def flaky(storage, name, data):
        if len(failures) < 2:
            failures.append(name)
            raise OSError("storage unavailable")
        return real(storage, name, data)

    monkeypatch.setattr(services, "write_atomically", flaky)
    backoffs = []
    real_backoff = tasks_reports.get_exponential_backoff_interval

    def recording_backoff(**kwargs):
        backoffs.append(kwargs["retries"])
        return real_backoff(**kwargs)

    monkeypatch.setattr(tasks_reports, "get_exponential_backoff_interval", recording_backoff)
    celery_app.conf.task_eager_propagates = False  # let eager apply() follow the retries (conftest resets it)
    task = tasks_reports.render_report_task
    with scope_of(partnership_a):
        render = report_request(review=s.review, requested_by=s.head)
    result = task.apply(kwargs={"partnership_id": partnership_a.pk, "render_id": render.pk})
    assert result.state == "SUCCESS"
    assert backoffs == [0, 1], "two retries, each with a longer back-off"
    with scope_of(partnership_a):
        render.refresh_from_db()
    assert render.status == RenderStatus.READY and render.attempts == 3 and render.error == ""
    assert task.acks_late and task.reject_on_worker_lost and task.max_retries == tasks_reports.MAX_RETRIES


def test_a_temporary_problem_that_does_not_clear_ends_as_a_failure(partnership_a, scope_of, monkeypatch):
    s = reported_scenario(partnership_a, ReviewStatus.FINAL)

    def down(storage, name, data):
        raise OSError("storage unavailable")

    monkeypatch.setattr(services, "write_atomically", down)
    with scope_of(partnership_a):
        render = report_request(review=s.review, requested_by=s.head)
    kwargs = {"partnership_id": partnership_a.pk, "render_id": render.pk}
    tasks_reports.render_report_task.apply(kwargs=kwargs, retries=tasks_reports.MAX_RETRIES)
    with scope_of(partnership_a):
        render.refresh_from_db()
    assert render.status == RenderStatus.FAILED
    assert render.error.startswith("A temporary problem did not clear after 6 attempts: OSError")


def test_task_routes_send_renders_to_the_pdf_queue():
    route = celery_app.amqp.router.route({}, "reviews.tasks_reports.render_report")
    assert route["queue"].name == "pdf"
    assert "resend-stalled-reports" in celery_app.conf.beat_schedule


class BrokerOutage:
    """The real Redis client pointed at a port where nothing listens, as when Redis is down."""

    DEAD = "redis://127.0.0.1:9/0"

    def __init__(self):
        self.saved = None

    def start(self):
        conf = celery_app.conf
        self.saved = (conf.broker_url, conf.task_always_eager)
        conf.broker_url, conf.task_always_eager = self.DEAD, False
        self._reset_pools()

    def stop(self):
        if self.saved is not None:
            celery_app.conf.broker_url, celery_app.conf.task_always_eager = self.saved
            self.saved = None
            self._reset_pools()

    @staticmethod
    def _reset_pools():
        celery_app.amqp._producer_pool = None
        celery_app._pool = None


@pytest.fixture
def broker_outage():
    outage = BrokerOutage()
    yield outage
    outage.stop()


def test_when_the_broker_is_down_the_request_is_kept_and_sent_later(
    partnership_a, scope_of, media_root, committed, broker_outage
):
    s = reported_scenario(partnership_a, ReviewStatus.FINAL)
    broker_outage.start()
    with scope_of(partnership_a):
        render = committed(report_request, review=s.review, requested_by=s.head)
        render.refresh_from_db()
        assert render.status == RenderStatus.PENDING and render.enqueued_at is None and render.waiting_for_broker

    broker_outage.stop()  # Redis is back (and Celery runs eagerly again in this test)
    assert resend_stalled_reports() == 1
    with scope_of(partnership_a):
        render.refresh_from_db()
    assert render.status == RenderStatus.READY and render.enqueued_at is not None
    assert resend_stalled_reports() == 0


def test_the_beat_task_sends_again_only_what_is_stalled(partnership_a, scope_of, monkeypatch):
    s = reported_scenario(partnership_a, ReviewStatus.FINAL)
    sent = []
    monkeypatch.setattr(services, "report_enqueue", lambda found: sent.extend(r.pk for r in found) or True)
    now = timezone.now()
    with scope_of(partnership_a):
        render = report_request(review=s.review, requested_by=s.head)
        base = ReportRender.objects.filter(pk=render.pk)

        base.update(status=RenderStatus.PENDING, enqueued_at=now - datetime.timedelta(minutes=1))
        assert reports_resend_stalled(now=now) == 0, "recently queued: still waiting its turn"
        base.update(enqueued_at=None)
        assert reports_resend_stalled(now=now) == 1, "never reached the broker"
        base.update(enqueued_at=now - datetime.timedelta(minutes=30))
        assert reports_resend_stalled(now=now) == 1, "queued long ago: the message may be lost"
        base.update(status=RenderStatus.RENDERING, started_at=now - datetime.timedelta(seconds=30))
        assert reports_resend_stalled(now=now) == 0, "being rendered right now"
        base.update(started_at=now - datetime.timedelta(hours=1))
        assert reports_resend_stalled(now=now) == 1, "a worker died without giving the message back"
        base.update(status=RenderStatus.FAILED)
        assert reports_resend_stalled(now=now) == 0, "failures wait for a person to retry"
    assert sent == [render.pk] * 3


def test_a_report_whose_worker_keeps_dying_is_not_handed_back_for_ever(partnership_a, scope_of, media_root):
    s = reported_scenario(partnership_a, ReviewStatus.FINAL)
    with scope_of(partnership_a):
        render = report_request(review=s.review, requested_by=s.head)
        # Two earlier attempts died mid-render (the row still says "rendering" when the next one starts).
        ReportRender.objects.filter(pk=render.pk).update(status=RenderStatus.RENDERING, interrupted=2, attempts=2)
        report_render(render_id=render.pk)
        render.refresh_from_db()
        assert render.status == RenderStatus.FAILED and render.interrupted == 3
        assert render.error.startswith("The worker stopped 3 times while preparing this report")

        report_retry(render=render, actor=s.coordinator)  # a person decides to try again
        render.refresh_from_db()
        assert render.interrupted == 0 and render.status == RenderStatus.PENDING
        report_render(render_id=render.pk)
        render.refresh_from_db()
    assert render.status == RenderStatus.READY and render.interrupted == 0
