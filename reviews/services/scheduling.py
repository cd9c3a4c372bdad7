"""Scheduling a visit: the reviewed school proposes 1-3 days, the review team accepts or asks for other dates.

Nobody can book an impossible date. `visit_date_problems` lists every reason the days will not do, each naming the
day and the reason; proposing checks them, and accepting checks them again (the world may have changed since).
Proposing new dates for a scheduled review cancels the agreed days and returns the review to "grouped" until the
team accepts the new ones.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from partnership.accounts.models import User, new_calendar_token
from partnership.common.text import short_date

from ..calendar import SchoolCalendar
from ..models import (
    Notification,
    NotificationKind,
    Review,
    ReviewStatus,
    ReviewTeamMember,
    VisitDay,
    VisitProposal,
)
from ..selectors.scheduling import DateProblem, visit_date_problems
from ..wording import answered_message
from .notifications import notifications_resolve, notify_dates_answered, notify_dates_proposed
from .workflow import lock_review, review_step

NOTE_MAX_LENGTH = 2000


class VisitDatesRefusedError(ValidationError):
    """The days cannot be booked; `problems` says why, every reason at once."""

    def __init__(self, problems: list[DateProblem]):
        super().__init__([problem.message for problem in problems])
        self.problems = problems


class ProposalAlreadyAnsweredError(ValidationError):
    """Someone else answered (or the school withdrew) the proposal first."""


def _lock_team_users(review: Review) -> None:
    """Serialise bookings that share a reviewer, so two visits accepted at once cannot both take their day."""
    user_ids = list(ReviewTeamMember.objects.filter(review=review).values_list("user_id", flat=True))
    list(User.objects.select_for_update().filter(pk__in=user_ids).order_by("pk").values_list("pk", flat=True))


@transaction.atomic
def visit_dates_propose(
    *,
    review: Review,
    actor: User,
    days: list[datetime.date],
    note: str = "",
    today: datetime.date | None = None,
    calendar: SchoolCalendar | None = None,
) -> VisitProposal:
    """Propose the visit days. An open proposal is withdrawn; for a scheduled review the agreed days are cancelled
    and the review goes back to "grouped" until the team accepts the new days. Refused (changing nothing) with every
    reason at once."""
    review = lock_review(review)
    if review.status not in (ReviewStatus.GROUPED, ReviewStatus.SCHEDULED):
        raise ValidationError(
            f"This review is {review.get_status_display().lower()}: its visit dates can no longer be changed."
        )
    note = note.strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError(f"Keep the note to {NOTE_MAX_LENGTH} characters or fewer.")
    days = sorted(days)
    problems = visit_date_problems(review=review, days=days, viewer=actor, today=today, calendar=calendar)
    if problems:
        raise VisitDatesRefusedError(problems)

    open_proposals = VisitProposal.objects.select_for_update().filter(
        review=review, status=VisitProposal.Status.PROPOSED
    )
    withdrawn_ids = list(open_proposals.values_list("pk", flat=True))
    open_proposals.update(status=VisitProposal.Status.WITHDRAWN)
    replaced_days: list[datetime.date] = []
    if review.status == ReviewStatus.SCHEDULED:
        replaced_days = list(review.visit_days.order_by("date").values_list("date", flat=True))
        VisitProposal.objects.filter(review=review, status=VisitProposal.Status.ACCEPTED).update(
            status=VisitProposal.Status.WITHDRAWN
        )
        review.visit_days.all().delete()
        review_step(
            review=review,
            to_status=ReviewStatus.GROUPED,
            actor=actor,
            note="Visit on " + ", ".join(short_date(d) for d in replaced_days) + " cancelled: new dates proposed",
        )
        review.self_review_due_on = None
        review.save(update_fields=["status", "status_changed_at", "self_review_due_on"])
    proposal = VisitProposal.objects.create(
        partnership_id=review.partnership_id, review=review, days=days, note=note, proposed_by=actor
    )
    # What the withdrawn dates and the cancelled visit asked of people is no longer needed.
    notifications_resolve(
        Notification.objects.filter(dedupe_key__in=[f"proposal-{pk}:proposed" for pk in withdrawn_ids])
        | Notification.objects.filter(
            review=review, kind__in=[NotificationKind.VISIT_SOON, NotificationKind.SELF_REVIEW_DUE]
        )
    )
    notify_dates_proposed(proposal=proposal, actor=actor, replaced_days=replaced_days)
    return proposal


def _lock_open_proposal(review: Review, proposal: VisitProposal) -> VisitProposal:
    proposal = (
        VisitProposal.objects.select_for_update(of=("self",))
        .select_related("responded_by")
        .get(pk=proposal.pk, review=review)
    )
    if proposal.status != VisitProposal.Status.PROPOSED:
        raise ProposalAlreadyAnsweredError(answered_message(proposal))
    return proposal


@transaction.atomic
def visit_dates_accept(
    *,
    proposal: VisitProposal,
    actor: User,
    today: datetime.date | None = None,
    calendar: SchoolCalendar | None = None,
) -> VisitProposal:
    """The team (or a coordinator) accepts: the days are booked, the review is scheduled and the self-review's due
    date is set. The rules are checked again first."""
    review = lock_review(proposal.review)
    _lock_team_users(review)
    proposal = _lock_open_proposal(review, proposal)
    if review.status != ReviewStatus.GROUPED:
        raise ProposalAlreadyAnsweredError(
            f"This review is {review.get_status_display().lower()}, so these dates cannot be accepted."
        )
    problems = visit_date_problems(
        review=review, days=list(proposal.days), viewer=actor, today=today, calendar=calendar
    )
    if problems:
        raise VisitDatesRefusedError(problems)
    proposal.status = VisitProposal.Status.ACCEPTED
    proposal.responded_by = actor
    proposal.responded_at = timezone.now()
    proposal.save(update_fields=["status", "responded_by", "responded_at"])
    VisitDay.objects.bulk_create(
        VisitDay(partnership_id=review.partnership_id, review=review, date=day) for day in sorted(proposal.days)
    )
    review_step(review=review, to_status=ReviewStatus.SCHEDULED, actor=actor)
    review.self_review_due_on = min(proposal.days) - datetime.timedelta(
        days=review.cycle.self_review_due_days_before_visit
    )
    review.save(update_fields=["status", "status_changed_at", "self_review_due_on"])
    proposal.review = review
    notify_dates_answered(proposal=proposal, actor=actor)
    return proposal


@transaction.atomic
def visit_dates_ask_for_other(*, proposal: VisitProposal, actor: User, reason: str) -> VisitProposal:
    """The team (or a coordinator) cannot do these days: the school is told why and proposes others."""
    reason = reason.strip()
    if not reason:
        raise ValidationError("Say why these dates do not work for the review team.")
    if len(reason) > NOTE_MAX_LENGTH:
        raise ValidationError(f"Keep the reason to {NOTE_MAX_LENGTH} characters or fewer.")
    review = lock_review(proposal.review)
    proposal = _lock_open_proposal(review, proposal)
    proposal.status = VisitProposal.Status.DECLINED
    proposal.response_note = reason
    proposal.responded_by = actor
    proposal.responded_at = timezone.now()
    proposal.save(update_fields=["status", "response_note", "responded_by", "responded_at"])
    proposal.review = review
    notify_dates_answered(proposal=proposal, actor=actor)
    return proposal


@transaction.atomic
def calendar_token_regenerate(*, user: User) -> User:
    """A new secret calendar address; the old one stops working at once (in every partnership)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    user.calendar_token = new_calendar_token()
    user.save(update_fields=["calendar_token"])
    return user
