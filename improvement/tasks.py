"""Celery tasks for school improvement: they take ids, run inside the partnership's scope, call a service."""

from celery import shared_task

from partnership.tenancy.tasks import TenantTask, for_each_partnership

from .services.grants import grant_reminders_send


@shared_task(base=TenantTask, name="improvement.tasks.remind_grant_reports", ignore_result=True)
def remind_grant_reports_task() -> int:
    return grant_reminders_send()


@shared_task(name="improvement.tasks.send_grant_reminders")
def send_grant_reminders() -> int:
    """Beat, once a day: a reminders task per partnership."""
    return len(
        for_each_partnership(lambda partnership_id: remind_grant_reports_task.delay(partnership_id=partnership_id))
    )
