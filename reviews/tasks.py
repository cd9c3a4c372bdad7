"""Peer review tasks. Each loads by id inside its partnership's scope (TenantTask) and calls a service."""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.utils import timezone

from partnership.tenancy.models import Partnership
from partnership.tenancy.scoping import partnership_scope
from partnership.tenancy.tasks import TenantTask

from .services import notifications
from .services.groups import grouping_run_execute, grouping_run_fail


@shared_task(base=TenantTask, bind=True)
def propose_review_groups(self, *, run_id: int) -> str | None:
    """Work out review groups for a cycle (several seconds for hundreds of schools) and keep the proposal."""
    try:
        run = grouping_run_execute(run_id=run_id)
    except SoftTimeLimitExceeded:
        grouping_run_fail(
            run_id=run_id,
            reason="Working out the groups took longer than the time allowed, so nothing was changed. "
            "Lock the groups you are happy with and propose the rest again.",
        )
        return "failed"
    except Exception:
        grouping_run_fail(
            run_id=run_id,
            reason="Something went wrong while working out the groups, so nothing was changed. Try again; if it "
            "happens again, tell the portal's administrator.",
        )
        raise
    return run.status if run is not None else None


@shared_task(base=TenantTask, bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_notification_email(self, *, notification_id: int) -> bool:
    return notifications.notification_email_send(notification_id=notification_id)


@shared_task(base=TenantTask)
def create_reminders() -> int:
    """One partnership's reminders for today, then every email of it still unsent."""
    created = notifications.reminders_create(today=timezone.localdate())
    notifications.notification_emails_send_unsent()
    return len(created)


@shared_task
def send_daily_reminders() -> int:
    """Beat, once a day: a reminders task per partnership."""
    partnership_ids = list(Partnership.objects.order_by("pk").values_list("pk", flat=True))
    for partnership_id in partnership_ids:
        create_reminders.delay(partnership_id=partnership_id)
    return len(partnership_ids)


@shared_task
def send_unsent_notification_emails() -> int:
    """Beat: emails whose task never ran (e.g. the broker was down when the notification was recorded)."""
    queued = 0
    for partnership_id in Partnership.objects.order_by("pk").values_list("pk", flat=True):
        with partnership_scope(partnership_id):
            ids = notifications.unsent_notification_ids()
        for notification_id in ids:
            send_notification_email.delay(partnership_id=partnership_id, notification_id=notification_id)
            queued += 1
    return queued
