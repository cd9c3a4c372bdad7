"""Review reports: asking for one (or a cycle's worth), rendering in the worker, retrying, recording downloads.

The life of a report version (`ReportRender`):
1. Someone asks (`report_request`, `report_batch_create`): the content snapshot is built and hashed. If a
   version with that hash exists it is reused, whatever its state; otherwise a new version is written, PENDING.
   The row is committed before anything is sent to Celery, so a request is never lost: when the broker is down
   the row stays PENDING with no `enqueued_at`, the person is told, and the beat task sends it later.
2. A worker renders it (`report_render`, from reviews/tasks/reports.py on the `pdf` queue) while holding the
   row's lock, writes the file atomically under a name that depends only on the version, and marks it READY in
   the same transaction. A worker killed mid-render loses its lock with its connection; the message comes back
   (acks_late, reject_on_worker_lost) and the next attempt produces the one file.
3. People download it through a permission-checking view, which records each download (`report_download_record`).
"""

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, F, Max, PositiveSmallIntegerField, Q, When
from django.utils import timezone
from kombu.exceptions import KombuError
from redis.exceptions import RedisError

from partnership.accounts.models import User
from partnership.audit.services import AuditAction, audit_record
from partnership.tenancy.scoping import partnership_scope

from ..models import Cycle, Review
from ..models.reports import (
    RenderStatus,
    ReportBatch,
    ReportBatchItem,
    ReportDownload,
    ReportKind,
    ReportRender,
)
from ..reports.content import FINAL_STATUSES, report_contents
from ..reports.hashing import content_hash
from ..reports.storage import report_file_name, write_atomically

logger = logging.getLogger(__name__)

BROKER_ERRORS = (KombuError, RedisError, OSError)
# Fail fast when the broker is down: the request is already saved and the beat task will send it.
BROKER_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
RESEND_PENDING_AFTER = datetime.timedelta(minutes=15)
# A report whose worker keeps dying (e.g. out of memory) is not handed back for ever.
MAX_INTERRUPTED = 3


def report_storage():
    return ReportRender._meta.get_field("file").storage


@dataclass
class Prepared:
    render: ReportRender
    created: bool


def _ensure_renders(pairs: list[tuple[Review, dict]], *, requested_by: User | None) -> list[Prepared]:
    """A version for each (review, content): the existing one with the same hash, or a new PENDING one."""
    if not pairs:
        return []
    hashes = {review.pk: content_hash(content) for review, content in pairs}

    def existing() -> dict[int, ReportRender]:
        query = Q()
        for review_id, digest in hashes.items():
            query |= Q(review_id=review_id, content_hash=digest)
        return {render.review_id: render for render in ReportRender.objects.filter(query).defer("content")}

    found = existing()
    missing = [(review, content) for review, content in pairs if review.pk not in found]
    created_ids: set[int] = set()
    if missing:
        with transaction.atomic():
            # Versions are numbered per review: hold the reviews' rows while numbering them.
            list(
                Review.objects.select_for_update()
                .filter(pk__in=[review.pk for review, _ in missing])
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            found = existing()
            missing = [(review, content) for review, content in missing if review.pk not in found]
            latest = {
                (row["review_id"], row["kind"]): row["latest"]
                for row in ReportRender.objects.filter(review_id__in=[review.pk for review, _ in missing])
                .values("review_id", "kind")
                .annotate(latest=Max("version"))
                .order_by()
            }
            new = ReportRender.objects.bulk_create(
                ReportRender(
                    partnership_id=review.partnership_id,
                    review=review,
                    kind=content["kind"],
                    version=latest.get((review.pk, content["kind"]), 0) + 1,
                    content_hash=hashes[review.pk],
                    content=content,
                    requested_by=requested_by,
                )
                for review, content in missing
            )
            for render in new:
                found[render.review_id] = render
                created_ids.add(render.pk)
    return [Prepared(found[review.pk], found[review.pk].pk in created_ids) for review, _ in pairs]


def report_enqueue(renders: Iterable[ReportRender]) -> bool:
    """Hand renders to Celery's `pdf` queue. False (and nothing lost) when the broker cannot be reached."""
    from ..tasks.reports import pdf_queue, render_report_task

    renders = list(renders)
    sent: list[ReportRender] = []
    try:
        for render in renders:
            render_report_task.apply_async(
                kwargs={"partnership_id": render.partnership_id, "render_id": render.pk},
                queue=pdf_queue(),
                retry=True,
                retry_policy=BROKER_RETRY_POLICY,
            )
            sent.append(render)
    except BROKER_ERRORS as error:
        logger.warning(
            "Could not reach the Celery broker to render %d report(s); they stay pending for the beat task: %s",
            len(renders) - len(sent),
            error,
        )
    now = timezone.now()
    for partnership_id in {render.partnership_id for render in sent}:
        # On-commit callbacks may run after the request's scope has closed: name the partnership.
        with partnership_scope(partnership_id):
            ReportRender.objects.filter(
                pk__in=[render.pk for render in sent if render.partnership_id == partnership_id]
            ).update(enqueued_at=now)
    for render in sent:
        render.enqueued_at = now
    return len(sent) == len(renders)


def _enqueue_on_commit(renders: list[ReportRender]) -> None:
    if renders:
        transaction.on_commit(lambda: report_enqueue(renders))


def _needs_sending(prepared: Prepared) -> bool:
    render = prepared.render
    return prepared.created or (render.status == RenderStatus.PENDING and render.enqueued_at is None)


def report_request(*, review: Review, requested_by: User | None) -> ReportRender | None:
    """The current version of a review's report (draft or final, by its state), asked for if not yet rendered.

    None when the review has no report yet. The render is sent to Celery once the request is committed;
    `render.waiting_for_broker` then says whether the broker took it.
    """
    pairs = report_contents(Review.objects.filter(pk=review.pk))
    if not pairs:
        return None
    (prepared,) = _ensure_renders(pairs, requested_by=requested_by)
    if _needs_sending(prepared):
        _enqueue_on_commit([prepared.render])
    return prepared.render


def report_current(*, review: Review) -> ReportRender | None:
    """The version that matches the review's content now, if anyone has asked for it (read only)."""
    pairs = report_contents(Review.objects.filter(pk=review.pk))
    if not pairs:
        return None
    return ReportRender.objects.filter(review=review, content_hash=content_hash(pairs[0][1])).first()


def report_retry(*, render: ReportRender, actor: User | None) -> ReportRender:
    """Try a failed version again (or send again one the broker never received)."""
    with transaction.atomic():
        render = ReportRender.objects.select_for_update().get(pk=render.pk)
        if render.status == RenderStatus.READY:
            return render
        if render.status == RenderStatus.RENDERING:
            raise ValidationError("This report is being prepared right now.")
        render.status = RenderStatus.PENDING
        render.error = ""
        render.interrupted = 0
        render.enqueued_at = None
        render.requested_by = actor or render.requested_by
        render.save(update_fields=["status", "error", "interrupted", "enqueued_at", "requested_by"])
        _enqueue_on_commit([render])
    return render


@transaction.atomic
def report_batch_create(*, cycle: Cycle, actor: User | None) -> ReportBatch:
    """Ask for the final report of every final (or shared) review in the cycle, in one action."""
    reviews = Review.objects.filter(cycle=cycle, status__in=FINAL_STATUSES)
    pairs = report_contents(reviews, kind=ReportKind.FINAL)
    if not pairs:
        raise ValidationError(f"{cycle.name} has no final reviews yet, so there are no final reports to prepare.")
    batch = ReportBatch.objects.create(partnership_id=cycle.partnership_id, cycle=cycle, requested_by=actor)
    prepared = _ensure_renders(pairs, requested_by=actor)
    ReportBatchItem.objects.bulk_create(
        ReportBatchItem(partnership_id=cycle.partnership_id, batch=batch, review_id=p.render.review_id, render=p.render)
        for p in prepared
    )
    _enqueue_on_commit([p.render for p in prepared if _needs_sending(p)])
    return batch


def report_render(*, render_id: int) -> ReportRender | None:
    """Render one version (in a worker). Idempotent: a READY version is left alone, a repeat writes one file."""
    started = (
        ReportRender.objects.filter(pk=render_id)
        .exclude(status=RenderStatus.READY)
        .update(
            status=RenderStatus.RENDERING,
            attempts=F("attempts") + 1,
            # Still "rendering" at a new start: the previous attempt's worker died before it finished.
            interrupted=Case(
                When(status=RenderStatus.RENDERING, then=F("interrupted") + 1),
                default=F("interrupted"),
                output_field=PositiveSmallIntegerField(),
            ),
            started_at=timezone.now(),
        )
    )
    if not started:
        return ReportRender.objects.filter(pk=render_id).defer("content").first()
    from ..reports.render import render_report  # WeasyPrint loads Pango: only worker processes need it

    with transaction.atomic():
        # The lock is held until the file is in place and the row says so; a worker that dies drops it.
        render = ReportRender.objects.select_for_update().get(pk=render_id)
        if render.status == RenderStatus.READY:
            return render
        if render.interrupted >= MAX_INTERRUPTED:
            render.status = RenderStatus.FAILED
            render.error = (
                f"The worker stopped {render.interrupted} times while preparing this report (for example, it ran "
                "out of memory), so it was not tried again automatically."
            )
            render.save(update_fields=["status", "error"])
            return render
        rendered = render_report(render.content)
        name = report_file_name(
            partnership_id=render.partnership_id,
            review_id=render.review_id,
            kind=render.kind,
            version=render.version,
            content_hash=render.content_hash,
        )
        render.file.name = write_atomically(report_storage(), name, rendered.pdf)
        render.status = RenderStatus.READY
        render.size = len(rendered.pdf)
        render.page_count = rendered.page_count
        render.render_seconds = round(rendered.seconds, 3)
        render.rendered_at = timezone.now()
        render.error = ""
        render.save(update_fields=["file", "status", "size", "page_count", "render_seconds", "rendered_at", "error"])
    logger.info("Rendered %s (%d pages, %d bytes) in %.2fs", render, rendered.page_count, render.size, rendered.seconds)
    return render


def report_mark_failed(*, render_id: int, reason: str) -> None:
    ReportRender.objects.filter(pk=render_id).exclude(status=RenderStatus.READY).update(
        status=RenderStatus.FAILED, error=reason[:2000]
    )


def report_mark_retrying(*, render_id: int, reason: str) -> None:
    ReportRender.objects.filter(pk=render_id).exclude(status=RenderStatus.READY).update(
        status=RenderStatus.PENDING, error=reason[:2000], enqueued_at=timezone.now()
    )


def report_file_missing(*, render: ReportRender) -> ReportRender:
    """The stored file of a READY version has gone (e.g. restored storage): render it again."""
    ReportRender.objects.filter(pk=render.pk).update(
        status=RenderStatus.PENDING, file="", size=None, enqueued_at=None, error="The stored file was missing."
    )
    render.refresh_from_db()
    _enqueue_on_commit([render])
    return render


def reports_resend_stalled(*, now: datetime.datetime | None = None) -> int:
    """Beat, inside one partnership's scope: send again what the broker never got or a lost worker dropped."""
    now = now or timezone.now()
    stale_render = now - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
    stalled = list(
        ReportRender.objects.filter(
            Q(status=RenderStatus.PENDING, enqueued_at__isnull=True)
            | Q(status=RenderStatus.PENDING, enqueued_at__lt=now - RESEND_PENDING_AFTER)
            | Q(status=RenderStatus.RENDERING, started_at__lt=stale_render)
        )
        .defer("content")
        .order_by("requested_at")[:1000]
    )
    if stalled:
        report_enqueue(stalled)
    return len(stalled)


def report_download_record(
    *, render: ReportRender, user: User, ip_address: str | None, user_agent: str
) -> ReportDownload:
    audit_record(
        action=AuditAction.REPORT_DOWNLOADED,
        partnership=render.partnership_id,
        actor=user,
        subject=str(render)[:300],
    )
    return ReportDownload.objects.create(
        partnership_id=render.partnership_id,
        render=render,
        review_id=render.review_id,
        user=user,
        user_name=user.get_full_name() or user.email,
        user_email=user.email,
        ip_address=ip_address or None,
        user_agent=(user_agent or "")[:500],
    )


@transaction.atomic
def report_zip_downloads_record(
    *, cycle: Cycle, renders: list[ReportRender], user: User, ip_address: str | None, user_agent: str
) -> None:
    """A cycle's ZIP of final reports: every report in it goes on its review's record of downloads, as if it had been
    downloaded on its own, and the audit log records the ZIP with the reports it held. A fixed number of queries
    whatever the number of reports."""
    audit_record(
        action=AuditAction.REPORT_DOWNLOADED,
        partnership=cycle.partnership_id,
        actor=user,
        subject=f"Final reports of {cycle.name}: {len(renders)} in one ZIP"[:300],
        detail={"cycle": cycle.name, "reports": [str(render)[:200] for render in renders]},
    )
    ReportDownload.objects.bulk_create(
        ReportDownload(
            partnership_id=render.partnership_id,
            render=render,
            review_id=render.review_id,
            user=user,
            user_name=user.get_full_name() or user.email,
            user_email=user.email,
            ip_address=ip_address or None,
            user_agent=(user_agent or "")[:500],
        )
        for render in renders
    )


def report_render_synchronously(*, review: Review, requested_by: User | None = None) -> ReportRender | None:
    """Ask for a review's current report and render it here, without Celery: for management commands (the
    demo data), never for web requests."""
    pairs = report_contents(Review.objects.filter(pk=review.pk))
    if not pairs:
        return None
    (prepared,) = _ensure_renders(pairs, requested_by=requested_by)
    if prepared.render.status != RenderStatus.READY:
        return report_render(render_id=prepared.render.pk)
    return prepared.render
