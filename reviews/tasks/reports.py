"""Celery tasks for review reports. Rendering runs on the `pdf` queue (see partnership/celery.py task_routes),
in a worker started with `--max-tasks-per-child` so that memory stays bounded (see the Procfile).

The task names keep their old module path (`reviews.tasks_reports.*`) so that tasks already queued still run.
"""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.utils.time import get_exponential_backoff_interval
from django.conf import settings
from django.db import InterfaceError, OperationalError

from partnership.tenancy.tasks import TenantTask, for_each_partnership

from ..services.reports import report_mark_failed, report_mark_retrying, report_render, reports_resend_stalled

logger = logging.getLogger(__name__)

PDF_QUEUE = "pdf"
MAX_RETRIES = 5
# Storage and database hiccups pass; anything else (a template or layout error) will not, so it fails at once.
TRANSIENT_ERRORS = (OSError, OperationalError, InterfaceError)


def pdf_queue() -> str:
    return PDF_QUEUE


def describe(error: BaseException) -> str:
    text = str(error).strip()
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


@shared_task(
    base=TenantTask,
    bind=True,
    name="reviews.tasks_reports.render_report",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    max_retries=MAX_RETRIES,
)
def render_report_task(self, *, render_id: int) -> None:
    try:
        report_render(render_id=render_id)
    except SoftTimeLimitExceeded:
        report_mark_failed(
            render_id=render_id,
            reason=f"Preparing the report took longer than {settings.CELERY_TASK_SOFT_TIME_LIMIT} seconds, so it "
            "was stopped. Try again; if it fails again, the report may be unusually long.",
        )
    except TRANSIENT_ERRORS as error:
        if self.request.retries >= self.max_retries:
            report_mark_failed(
                render_id=render_id,
                reason=f"A temporary problem did not clear after {self.max_retries + 1} attempts: {describe(error)}",
            )
            logger.exception("Giving up on report render %s", render_id)
            return
        countdown = max(
            1, get_exponential_backoff_interval(factor=5, retries=self.request.retries, maximum=600, full_jitter=True)
        )
        reason = f"Trying again in {countdown} seconds after a temporary problem: {describe(error)}"
        report_mark_retrying(render_id=render_id, reason=reason)
        raise self.retry(exc=error, countdown=countdown) from error
    except Exception as error:
        logger.exception("Report render %s failed", render_id)
        report_mark_failed(render_id=render_id, reason=f"The report could not be laid out: {describe(error)}")


@shared_task(name="reviews.tasks_reports.resend_stalled_reports", ignore_result=True)
def resend_stalled_reports() -> int:
    """Beat: send again every report the broker never received (it was down) or a lost worker dropped."""
    return sum(for_each_partnership(lambda partnership_id: reports_resend_stalled()))
