"""Notification emails and reminders. Each loads by id inside its partnership's scope (TenantTask) and calls a
service; the beat tasks fan out one task per partnership."""

from celery import shared_task
from django.utils import timezone

from partnership.tenancy.tasks import RETRY_WHEN_UNREACHABLE, TenantTask, for_each_partnership

from ..selectors.notifications import unsent_notification_ids
from ..services import notifications


@shared_task(
    base=TenantTask,
    bind=True,
    name="reviews.tasks.send_notification_email",
    **RETRY_WHEN_UNREACHABLE,
)
def send_notification_email(self, *, notification_id: int) -> bool:
    return notifications.notification_email_send(notification_id=notification_id)


@shared_task(base=TenantTask, name="reviews.tasks.create_reminders")
def create_reminders() -> int:
    """One partnership's reminders for today, then every email of it still unsent."""
    created = notifications.reminders_create(today=timezone.localdate())
    notifications.notification_emails_send_unsent()
    return len(created)


@shared_task(name="reviews.tasks.send_daily_reminders")
def send_daily_reminders() -> int:
    """Beat, once a day: a reminders task per partnership."""
    return len(for_each_partnership(lambda partnership_id: create_reminders.delay(partnership_id=partnership_id)))


@shared_task(name="reviews.tasks.send_unsent_notification_emails")
def send_unsent_notification_emails() -> int:
    """Beat: emails whose task never ran (e.g. the broker was down when the notification was recorded)."""

    def queue_unsent(partnership_id: int) -> int:
        ids = unsent_notification_ids()
        for notification_id in ids:
            send_notification_email.delay(partnership_id=partnership_id, notification_id=notification_id)
        return len(ids)

    return sum(for_each_partnership(queue_unsent))
