"""Minutes, decisions and actions. Minutes are approved at a later meeting of the same body that has been held,
and are locked from then on (a database trigger); a correction after approval is a recorded amendment."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from partnership.accounts.models import User
from partnership.accounts.selectors import wants_email
from partnership.governance.email_topics import EMAIL_ACTION_REMINDERS
from partnership.tenancy.hosts import partnership_url

from ..models import (
    Action,
    AgendaItem,
    Attendance,
    BodyMembership,
    Decision,
    Meeting,
    Minutes,
    MinutesAmendment,
    MinutesSection,
)
from ..quorum import QuorumStatus, quorum_status
from .meetings import email_members


def _held(meeting: Meeting) -> bool:
    return meeting.status == Meeting.Status.PUBLISHED and meeting.starts_at <= timezone.now()


def _unlocked_minutes(meeting: Meeting) -> Minutes:
    if not _held(meeting):
        raise ValidationError("Minutes are written once the meeting has been held.")
    minutes, _ = Minutes.objects.get_or_create(partnership_id=meeting.partnership_id, meeting=meeting)
    if minutes.is_approved:
        raise ValidationError("These minutes are approved and locked: record an amendment instead.")
    return minutes


@transaction.atomic
def minutes_section_save(*, item: AgendaItem, text: str) -> MinutesSection:
    minutes = _unlocked_minutes(item.meeting)
    section, _ = MinutesSection.objects.update_or_create(
        partnership_id=item.partnership_id, minutes=minutes, item=item, defaults={"text": text.strip()}
    )
    return section


def item_quorum(item: AgendaItem) -> QuorumStatus:
    meeting = item.meeting
    present = set(
        Attendance.objects.filter(meeting=meeting, status=Attendance.Status.PRESENT).values_list(
            "membership_id", flat=True
        )
    )
    declared = frozenset(item.interests.values_list("membership_id", flat=True))
    memberships = list(BodyMembership.objects.filter(body_id=meeting.body_id))
    return quorum_status(meeting.body, memberships, timezone.localdate(meeting.starts_at), present, declared)


@transaction.atomic
def decision_record(
    *, item: AgendaItem, motion: str, votes_for: int, votes_against: int, abstentions: int, casting_vote: str = ""
) -> Decision:
    _unlocked_minutes(item.meeting)
    motion = motion.strip()
    if not motion:
        raise ValidationError({"motion": "Enter the motion voted on."})
    if min(votes_for, votes_against, abstentions) < 0:
        raise ValidationError({"votes_for": "Votes cannot be negative."})
    quorum = item_quorum(item)
    if not quorum.quorate:
        raise ValidationError(
            f"{quorum} for this item (members who declared an interest do not count), so no decision can be made."
        )
    if votes_for + votes_against + abstentions > quorum.present:
        raise ValidationError(
            {
                "votes_for": f"{votes_for + votes_against + abstentions} votes were recorded but only "
                f"{quorum.present} voting members are present and not declaring an interest."
            }
        )
    if casting_vote not in Decision.CastingVote.values:
        raise ValidationError({"casting_vote": "Choose for, against or none."})
    if casting_vote and votes_for != votes_against:
        raise ValidationError({"casting_vote": "The chair has a casting vote only when the votes are tied."})
    carried = votes_for > votes_against or (votes_for == votes_against and casting_vote == "for")
    return Decision.objects.create(
        partnership_id=item.partnership_id,
        item=item,
        motion=motion,
        votes_for=votes_for,
        votes_against=votes_against,
        abstentions=abstentions,
        casting_vote=casting_vote,
        carried=carried,
        voting_present=quorum.present,
        quorum_required=quorum.required,
    )


@transaction.atomic
def action_add(
    *, meeting: Meeting, description: str, owner: User, due_on: datetime.date, item: AgendaItem | None = None
) -> Action:
    if not _held(meeting):
        raise ValidationError("Actions are recorded once the meeting has been held.")
    description = description.strip()
    if not description:
        raise ValidationError({"description": "Say what is to be done."})
    if due_on < timezone.localdate(meeting.starts_at):
        raise ValidationError({"due_on": "The action cannot be due before the meeting that set it."})
    if item is not None and item.meeting_id != meeting.pk:
        raise ValidationError({"item": "Choose an item of this meeting."})
    return Action.objects.create(
        partnership_id=meeting.partnership_id,
        body_id=meeting.body_id,
        meeting=meeting,
        item=item,
        description=description,
        owner=owner,
        due_on=due_on,
    )


@transaction.atomic
def action_close(*, action: Action, status: str, on: datetime.date | None = None) -> Action:
    if status not in (Action.Status.DONE, Action.Status.DROPPED):
        raise ValidationError({"status": "Choose done or dropped."})
    action.status = status
    action.completed_on = on or timezone.localdate()
    action.save(update_fields=["status", "completed_on"])
    return action


@transaction.atomic
def minutes_approve(*, minutes: Minutes, at_meeting: Meeting, by: User) -> Minutes:
    """Approve a meeting's minutes at a later meeting of the same body, once that meeting is under way."""
    minutes = Minutes.objects.select_for_update().get(pk=minutes.pk)
    if minutes.is_approved:
        raise ValidationError("These minutes are already approved.")
    if at_meeting.body_id != minutes.meeting.body_id or at_meeting.starts_at <= minutes.meeting.starts_at:
        raise ValidationError("Minutes are approved at a later meeting of the same body.")
    if not _held(at_meeting):
        raise ValidationError("Minutes are approved at a meeting that has been held: this one has not started yet.")
    minutes.approved_at = timezone.now()
    minutes.approved_by = by
    minutes.approved_at_meeting = at_meeting
    minutes.save(update_fields=["approved_at", "approved_by", "approved_at_meeting"])
    return minutes


@transaction.atomic
def minutes_amend(*, minutes: Minutes, text: str, by: User) -> MinutesAmendment:
    if not minutes.is_approved:
        raise ValidationError("Draft minutes are corrected directly; amendments are for approved minutes.")
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Say what the correction is."})
    return MinutesAmendment.objects.create(
        partnership_id=minutes.partnership_id, minutes=minutes, text=text, made_by=by
    )


CIRCULATE_AGAIN_AFTER = datetime.timedelta(minutes=10)


@transaction.atomic
def minutes_circulate(*, minutes: Minutes, now: datetime.datetime | None = None) -> Minutes:
    """Send the draft minutes to the members (again after a correction); approved minutes are not re-sent."""
    now = now or timezone.now()
    minutes = Minutes.objects.select_for_update().select_related("meeting").get(pk=minutes.pk)
    if minutes.is_approved:
        raise ValidationError("These minutes are approved: members see them on the meeting's page.")
    if minutes.circulated_at and now - minutes.circulated_at < CIRCULATE_AGAIN_AFTER:
        raise ValidationError(
            f"The draft went to the members at {timezone.localtime(minutes.circulated_at):%H:%M}: "
            "wait a few minutes before sending it again."
        )
    minutes.circulated_at = now
    minutes.save(update_fields=["circulated_at"])
    transaction.on_commit(lambda: _enqueue_circulation(minutes))
    return minutes


def _enqueue_circulation(minutes: Minutes) -> None:
    from ..tasks import notify_minutes_circulated_task

    notify_minutes_circulated_task.delay(partnership_id=minutes.partnership_id, minutes_id=minutes.pk)


def minutes_circulated_notify(*, minutes: Minutes) -> int:
    return email_members(minutes.meeting, "Draft minutes of", "governance/email/minutes_circulated.txt")


@transaction.atomic
def minutes_set_public(*, minutes: Minutes, public: bool) -> Minutes:
    if public and not minutes.is_approved:
        raise ValidationError("Only approved minutes can be published.")
    minutes.is_public = public
    minutes.save(update_fields=["is_public"])
    return minutes


REMIND_DAYS_BEFORE = 3


def action_reminders_send(*, today: datetime.date | None = None) -> int:
    """Remind each owner, once, of their open actions due within three days (or already overdue and never
    reminded); returns how many emails went."""
    today = today or timezone.localdate()
    due = (
        Action.objects.filter(
            status=Action.Status.OPEN,
            reminded_at__isnull=True,
            due_on__lte=today + datetime.timedelta(days=REMIND_DAYS_BEFORE),
        )
        .select_related("owner", "body__partnership")
        .order_by("owner_id", "due_on")
    )
    sent = 0
    for action in due:
        if not action.owner.email:
            continue
        if not wants_email(action.owner, EMAIL_ACTION_REMINDERS):
            continue  # turned off on "Your account"; the action still shows on the board's page
        with transaction.atomic():
            locked = Action.objects.select_for_update().filter(pk=action.pk, reminded_at__isnull=True).first()
            if locked is None:
                continue
            partnership = action.body.partnership
            send_mail(
                subject=f"Action for {action.body.name} due {action.due_on:%-d %B %Y}",
                message=render_to_string(
                    "governance/email/action_reminder.txt",
                    {
                        "action": action,
                        "partnership": partnership,
                        "url": partnership_url(partnership, reverse("governance_body", args=[action.body_id])),
                        "overdue": action.due_on < today,
                    },
                ),
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[action.owner.email],
            )
            locked.reminded_at = timezone.now()
            locked.save(update_fields=["reminded_at"])
            sent += 1
    return sent
