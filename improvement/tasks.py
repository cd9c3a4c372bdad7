"""Celery tasks for school improvement: they take ids, run inside the partnership's scope, call a service."""

import logging

from celery import shared_task

from partnership.tenancy.tasks import TenantTask, for_each_partnership

from .services.annual_report import annual_report_pdf_failed, annual_report_pdf_render
from .services.grants import grant_reminders_send
from .services.reminders import support_reminders_send

logger = logging.getLogger(__name__)


@shared_task(base=TenantTask, name="improvement.tasks.remind_grant_reports", ignore_result=True)
def remind_grant_reports_task() -> int:
    return grant_reminders_send()


@shared_task(name="improvement.tasks.send_grant_reminders")
def send_grant_reminders() -> int:
    """Beat, once a day: a reminders task per partnership."""
    return len(
        for_each_partnership(lambda partnership_id: remind_grant_reports_task.delay(partnership_id=partnership_id))
    )


@shared_task(base=TenantTask, name="improvement.tasks.remind_support_next_steps", ignore_result=True)
def remind_support_next_steps_task() -> int:
    """The partnership's support reminders (the task loads everything by itself, inside its partnership's scope)."""
    return support_reminders_send()


@shared_task(name="improvement.tasks.send_support_reminders")
def send_support_reminders() -> int:
    """Beat, once a day: a support reminders task per partnership."""
    return len(
        for_each_partnership(lambda partnership_id: remind_support_next_steps_task.delay(partnership_id=partnership_id))
    )


@shared_task(
    base=TenantTask,
    name="improvement.tasks.render_annual_report",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)
def render_annual_report_task(*, pdf_id: int) -> None:
    """On the `pdf` queue (partnership/celery.py task_routes)."""
    try:
        annual_report_pdf_render(pdf_id=pdf_id)
    except Exception as error:
        logger.exception("Annual report PDF %s failed", pdf_id)
        annual_report_pdf_failed(pdf_id=pdf_id, reason=f"The report could not be laid out: {type(error).__name__}")
