"""Scheduling a visit: the reviewed school proposes 1-3 days, the review team accepts or asks for other dates.

Nobody can book an impossible date. `visit_date_problems` lists every reason the days will not do, each naming the
day and the reason; proposing checks them, and accepting checks them again (the world may have changed since).
Proposing new dates for a scheduled review cancels the agreed days and returns the review to "grouped" until the
team accepts the new ones.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from partnership.accounts.models import User, new_calendar_token
from partnership.common.text import short_date
from partnership.tenancy.models import Membership
from partnership.tenancy.roles import Role

from ..calendar import SchoolCalendar, calendar_for_partnership
from ..models import (
    Notification,
    NotificationKind,
    Review,
    ReviewStatus,
    ReviewTeamMember,
    VisitDay,
    VisitProposal,
)
from ..permissions import can_view_review
from .notifications import notifications_resolve, notify_dates_answered, notify_dates_proposed
from .workflow import lock_review, review_step

MAX_VISIT_DAYS = 3
NOTE_MAX_LENGTH = 2000


@dataclass(frozen=True)
class DateProblem:
    """One reason the proposed days will not do; `day` is None when the problem is not about one day."""

    message: str
    day: datetime.date | None = None


class VisitDatesRefusedError(ValidationError):
    """The days cannot be booked; `problems` says why, every reason at once."""

    def __init__(self, problems: list[DateProblem]):
        super().__init__([problem.message for problem in problems])
        self.problems = problems


class ProposalAlreadyAnsweredError(ValidationError):
    """Someone else answered (or the school withdrew) the proposal first."""


def _person(user: User) -> str:
    return user.get_full_name() or user.email


def _school_ids_of(user_ids: set[int]) -> dict[int, list[Membership]]:
    memberships: dict[int, list[Membership]] = {}
    for membership in Membership.objects.filter(
        user_id__in=user_ids, ended_on__isnull=True, school__isnull=False
    ).select_related("school__trust", "school__federation"):
        memberships.setdefault(membership.user_id, []).append(membership)
    return memberships


def _team_composition_problems(review: Review, seats: list[ReviewTeamMember]) -> list[DateProblem]:
    """A reviewer from the reviewed school, or from its trust or federation when the cycle keeps trusts apart."""
    reviewed = review.school
    memberships = _school_ids_of({seat.user_id for seat in seats})
    problems = []
    for seat in seats:
        schools = {m.school.pk: m.school for m in memberships.get(seat.user_id, [])}
        if seat.school is not None:
            schools[seat.school.pk] = seat.school
        name = _person(seat.user)
        if reviewed.pk in schools:
            problems.append(
                DateProblem(
                    f"{name} is from {reviewed.name}, the school being reviewed: a coordinator needs to change the "
                    "review team before a visit can be booked."
                )
            )
            continue
        if not review.cycle.separate_trusts:
            continue
        for school in sorted(schools.values(), key=lambda s: s.name):
            shared = None
            if reviewed.trust_id and school.trust_id == reviewed.trust_id:
                shared = ("trust", reviewed.trust)
            elif reviewed.federation_id and school.federation_id == reviewed.federation_id:
                shared = ("federation", reviewed.federation)
            if shared:
                kind, body = shared
                problems.append(
                    DateProblem(
                        f"{name} is from {school.name}, in the same {kind} as {reviewed.name} ({body.name}): this "
                        "cycle keeps trusts and federations apart, so a coordinator needs to change the review team "
                        "before a visit can be booked."
                    )
                )
                break
    return problems


def _clash_problems(
    review: Review, seats: list[ReviewTeamMember], days: list[datetime.date], viewer: User
) -> list[DateProblem]:
    """A reviewer already on another visit, or hosting their own school's visit, on one of the days."""
    names = {seat.user_id: _person(seat.user) for seat in seats}
    if not names:
        return []
    booked: set[tuple[int, int, datetime.date]] = set()
    rows = (
        VisitDay.objects.filter(date__in=days, review__team__user_id__in=list(names))
        .exclude(review_id=review.pk)
        .values_list("review__team__user_id", "review_id", "date")
    )
    booked.update((user_id, review_id, day) for user_id, review_id, day in rows if user_id in names)
    led = {
        (m.user_id, m.school_id)
        for ms in _school_ids_of(set(names)).values()
        for m in ms
        if m.role in (Role.HEADTEACHER, Role.SENIOR_LEADER)
    }
    hosting: set[tuple[int, int, datetime.date]] = set()
    if led:
        for school_id, review_id, day in (
            VisitDay.objects.filter(date__in=days, review__school_id__in={school for _, school in led})
            .exclude(review_id=review.pk)
            .values_list("review__school_id", "review_id", "date")
        ):
            hosting.update((user_id, review_id, day) for user_id, school in led if school == school_id)
    other_ids = {review_id for _, review_id, _ in booked | hosting}
    others = {r.pk: r for r in Review.objects.filter(pk__in=other_ids).select_related("school")}
    problems = []
    for user_id, review_id, day in sorted(booked, key=lambda row: (row[2], names[row[0]])):
        other = others[review_id]
        if can_view_review(viewer, other):
            text = f"{names[user_id]} is already on the visit to {other.school.name} on {short_date(day)}."
        else:
            text = f"{names[user_id]} is already booked on another visit on {short_date(day)}."
        problems.append(DateProblem(text, day))
    for user_id, review_id, day in sorted(hosting - booked, key=lambda row: (row[2], names[row[0]])):
        other = others[review_id]
        if can_view_review(viewer, other):
            text = (
                f"{names[user_id]} is needed at {other.school.name} on {short_date(day)}: "
                "its own review visit is that day."
            )
        else:
            text = f"{names[user_id]} is already booked on another visit on {short_date(day)}."
        problems.append(DateProblem(text, day))
    return problems


def visit_date_problems(
    *,
    review: Review,
    days: list[datetime.date],
    viewer: User,
    today: datetime.date | None = None,
    calendar: SchoolCalendar | None = None,
) -> list[DateProblem]:
    """Every reason these days cannot be the review's visit; an empty list means they can.

    `viewer` is the person who will read the reasons: another visit's school is named only if they may see it.
    """
    today = today or timezone.localdate()
    calendar = calendar or calendar_for_partnership()
    cycle = review.cycle
    problems = []
    if not 1 <= len(days) <= MAX_VISIT_DAYS:
        problems.append(DateProblem(f"Choose between 1 and {MAX_VISIT_DAYS} visit days."))
    if len(set(days)) != len(days):
        problems.append(DateProblem("Enter each visit day once."))
    for day in sorted(set(days)):
        if day < today:
            problems.append(DateProblem(f"{short_date(day)} is in the past.", day))
        if not cycle.visit_window_starts_on <= day <= cycle.visit_window_ends_on:
            problems.append(
                DateProblem(
                    f"{short_date(day)} is outside the visit window for {cycle.name} "
                    f"({short_date(cycle.visit_window_starts_on)} to {short_date(cycle.visit_window_ends_on)}).",
                    day,
                )
            )
        if (reason := calendar.why_not_a_working_day(day)) is not None:
            problems.append(DateProblem(f"{short_date(day)} is {reason}.", day))
    seats = list(
        ReviewTeamMember.objects.filter(review=review).select_related("user", "school__trust", "school__federation")
    )
    problems += _clash_problems(review, seats, sorted(set(days)), viewer)
    problems += _team_composition_problems(review, seats)
    return problems


def team_booked_days(review: Review, *, today: datetime.date | None = None) -> list[tuple[datetime.date, str]]:
    """Days left in the visit window on which a member of the review team is already on another visit, with who
    (never which school): shown to the person proposing so they can avoid them."""
    cycle = review.cycle
    names = {seat.user_id: _person(seat.user) for seat in review.team.all()}
    if not names:
        return []
    rows = (
        VisitDay.objects.filter(
            review__team__user_id__in=list(names),
            date__gte=max(cycle.visit_window_starts_on, today or timezone.localdate()),
            date__lte=cycle.visit_window_ends_on,
        )
        .exclude(review_id=review.pk)
        .values_list("date", "review__team__user_id")
    )
    booked: dict[datetime.date, set[str]] = {}
    for day, user_id in rows:
        if user_id in names:
            booked.setdefault(day, set()).add(names[user_id])
    return [(day, ", ".join(sorted(people))) for day, people in sorted(booked.items())]


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


def answered_message(proposal: VisitProposal) -> str:
    """Why a proposal no longer waits for an answer, naming who answered and when."""
    who = _person(proposal.responded_by) if proposal.responded_by else "Someone"
    when = timezone.localtime(proposal.responded_at) if proposal.responded_at else None
    at = f" at {when:%H:%M} on {when.day} {when:%B}" if when else ""
    if proposal.status == VisitProposal.Status.ACCEPTED:
        return f"{who} accepted these dates{at}: the visit is booked. Nothing else was changed."
    if proposal.status == VisitProposal.Status.DECLINED:
        return f"{who} asked for other dates{at}. Nothing else was changed."
    return "The school has withdrawn these dates, for example by proposing others. Nothing was changed."


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
