"""Celery tasks for boards: they take ids, load what they need inside the partnership's scope, call a service."""

from celery import shared_task

from partnership.tenancy.tasks import RETRY_WHEN_UNREACHABLE, TenantTask, for_each_partnership

from .models import AgendaChange, Meeting, Minutes
from .services.meetings import meeting_cancelled_notify, meeting_changed_notify, pack_published_notify
from .services.minutes import action_reminders_send, minutes_circulated_notify
from .services.pack import pack_assemble


@shared_task(base=TenantTask, name="governance.tasks.assemble_pack", acks_late=True, ignore_result=True)
def assemble_pack_task(*, pack_id: int) -> None:
    pack_assemble(pack_id=pack_id)


@shared_task(
    base=TenantTask,
    name="governance.tasks.notify_pack_published",
    ignore_result=True,
    **RETRY_WHEN_UNREACHABLE,
)
def notify_pack_published_task(*, meeting_id: int) -> None:
    meeting = Meeting.objects.select_related("body__partnership").filter(pk=meeting_id).first()
    if meeting is not None and meeting.status == Meeting.Status.PUBLISHED:
        pack_published_notify(meeting=meeting)


@shared_task(
    base=TenantTask,
    name="governance.tasks.notify_meeting_changed",
    ignore_result=True,
    **RETRY_WHEN_UNREACHABLE,
)
def notify_meeting_changed_task(*, change_id: int) -> None:
    change = AgendaChange.objects.select_related("meeting__body__partnership").filter(pk=change_id).first()
    if change is not None and change.meeting.status == Meeting.Status.PUBLISHED:
        meeting_changed_notify(change=change)


@shared_task(
    base=TenantTask,
    name="governance.tasks.notify_meeting_cancelled",
    ignore_result=True,
    **RETRY_WHEN_UNREACHABLE,
)
def notify_meeting_cancelled_task(*, meeting_id: int) -> None:
    meeting = Meeting.objects.select_related("body__partnership").filter(pk=meeting_id).first()
    if meeting is not None and meeting.status == Meeting.Status.CANCELLED:
        meeting_cancelled_notify(meeting=meeting)


@shared_task(
    base=TenantTask,
    name="governance.tasks.notify_minutes_circulated",
    ignore_result=True,
    **RETRY_WHEN_UNREACHABLE,
)
def notify_minutes_circulated_task(*, minutes_id: int) -> None:
    minutes = Minutes.objects.select_related("meeting__body__partnership").filter(pk=minutes_id).first()
    if minutes is not None and not minutes.is_approved:
        minutes_circulated_notify(minutes=minutes)


@shared_task(base=TenantTask, name="governance.tasks.remind_action_owners", ignore_result=True)
def remind_action_owners_task() -> int:
    return action_reminders_send()


@shared_task(name="governance.tasks.send_action_reminders")
def send_action_reminders() -> int:
    """Beat, once a day: a reminders task per partnership."""
    return len(
        for_each_partnership(lambda partnership_id: remind_action_owners_task.delay(partnership_id=partnership_id))
    )
