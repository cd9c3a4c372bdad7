"""Reads for scheduling: a review's proposals, the visits a person takes part in, the items waiting for them, and
why visit dates would break the rules (`visit_date_problems`, which the scheduling services enforce)."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.utils import timezone

from partnership.accounts.models import User
from partnership.common.text import short_date
from partnership.tenancy.models import Membership, Partnership
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
from ..wording import overdue_label, person_name
from .cycles import calendar_page
from .reviews import school_ids_led_by

# A proposal that was accepted at some time (and perhaps later replaced by new dates) has been answered without
# being declined; each one is a version of the review's visit in calendar feeds.
EVER_ACCEPTED = Q(visit_proposals__responded_at__isnull=False) & ~Q(
    visit_proposals__status=VisitProposal.Status.DECLINED
)

MAX_VISIT_DAYS = 3


def proposals_of(review: Review) -> list[VisitProposal]:
    return list(
        VisitProposal.objects.filter(review=review)
        .select_related("proposed_by", "responded_by")
        .order_by("-proposed_at", "-pk")
    )


def open_proposal_of(review: Review) -> VisitProposal | None:
    return VisitProposal.objects.filter(review=review, status=VisitProposal.Status.PROPOSED).first()


def with_calendar_details(reviews: QuerySet[Review]) -> QuerySet[Review]:
    """What a calendar event needs: the school, the cycle, the days and the version of the schedule."""
    return (
        reviews.filter(visit_days__isnull=False)
        .distinct()
        .select_related("school", "cycle")
        .prefetch_related(
            "visit_days", Prefetch("team", queryset=ReviewTeamMember.objects.only("review_id", "user_id", "is_lead"))
        )
        .annotate(
            schedule_versions=Count("visit_proposals", filter=EVER_ACCEPTED, distinct=True),
            scheduled_at=Max(
                "visit_proposals__responded_at",
                filter=Q(visit_proposals__status=VisitProposal.Status.ACCEPTED),
            ),
        )
        .order_by("pk")
    )


def visits_of_person(user: User, partnership: Partnership) -> QuerySet[Review]:
    """Every visit the person takes part in, in the active partnership: as a reviewer on the team, or as headteacher
    or senior leader of the reviewed school."""
    led = school_ids_led_by(user, partnership)
    seats = ReviewTeamMember.objects.filter(user=user).values("review_id")
    reviews = Review.objects.filter(status__in=[s for s in ReviewStatus.values if s != ReviewStatus.GROUPED]).filter(
        Q(pk__in=seats) | Q(school_id__in=led)
    )
    return with_calendar_details(reviews)


def upcoming_visits_of_person(user: User, partnership: Partnership, today: datetime.date) -> list[Review]:
    reviews = [r for r in visits_of_person(user, partnership) if any(d.date >= today for d in r.visit_days.all())]
    return sorted(reviews, key=lambda r: min(d.date for d in r.visit_days.all()))


# What needs a person's attention ------------------------------------------------------------------------------------

HOME_ITEMS = 5
OVERDUE_KINDS = {NotificationKind.REPORT_OVERDUE, NotificationKind.FACTUAL_ACCURACY_OVERDUE}


def unread_notifications(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user, read_at__isnull=True).select_related("review__school")


def notifications_of(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).select_related("review__school")


def _live_overdue(notification: Notification, today: datetime.date, calendar: SchoolCalendar) -> str:
    review = notification.review
    if notification.kind == NotificationKind.REPORT_OVERDUE:
        due, still = review.report_due_on, review.status in (ReviewStatus.VISITED, ReviewStatus.DRAFT)
    else:
        due, still = review.factual_accuracy_due_on, review.status == ReviewStatus.FACTUAL_ACCURACY
    if not still or due is None or due >= today:
        return ""
    days = calendar.working_days_between(due, today)
    return overdue_label(days) if days >= 1 else ""


def attention_items(user: User, *, limit: int | None = HOME_ITEMS, today: datetime.date | None = None) -> dict:
    """The person's unread items, newest first, with a live "N working days overdue" on overdue ones still open."""
    unread = unread_notifications(user)
    items = list(unread[:limit] if limit else unread)
    total = len(items) if limit is None or len(items) < limit else unread.count()
    overdue = [n for n in items if n.kind in OVERDUE_KINDS and n.review is not None]
    if overdue:
        today = today or timezone.localdate()
        calendar = calendar_for_partnership()
        for notification in overdue:
            notification.overdue = _live_overdue(notification, today, calendar)
    return {"items": items, "total": total}


def attention_home_context(user: User, partnership: Partnership, memberships) -> dict:
    """The home page's "What needs your attention" section (declared in reviews/portal.py)."""
    return attention_items(user)


@dataclass(frozen=True)
class DateProblem:
    """One reason the proposed days will not do; `day` is None when the problem is not about one day."""

    message: str
    day: datetime.date | None = None


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
        name = person_name(seat.user)
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
    names = {seat.user_id: person_name(seat.user) for seat in seats}
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
    names = {seat.user_id: person_name(seat.user) for seat in review.team.all()}
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


# Which days are free, month by month (the calendar beside the date input) -------------------------------------------

DAY_LABELS = {
    # kind: (what the day's box says, in words as well as in colour)
    "free": "Free",
    "booked": "Booked",
    "weekend": "",
    "holiday": "Hol.",
    "bank-holiday": "BH",
    "closure": "Closed",
    "past": "",
    "outside": "",
}


@dataclass(frozen=True)
class CalendarDay:
    date: datetime.date
    kind: str
    reason: str  # in words, for everyone: "free", "a bank holiday (Boxing Day)", "review team booked: A, B"

    @property
    def label(self) -> str:
        return DAY_LABELS[self.kind]


@dataclass(frozen=True)
class ProposalCalendar:
    """The weekdays that cannot be visit days (as runs, for the list) and the months of the visit window still to
    come, each a list of weeks of seven `CalendarDay`s (None outside the month)."""

    runs: list
    months: list[dict]
    booked: list[tuple[datetime.date, str]]


def proposal_calendar(review: Review, *, today: datetime.date | None = None) -> ProposalCalendar:
    """Which days of the visit window are free for this review's visit: the cycle's calendar page (terms, closure
    days, bank holidays: reviews/selectors/cycles.py calendar_page) with the days the review team is already on
    another visit (`team_booked_days`). Three queries whatever the length of the window (terms, closure days, the
    team's other visit days; the team comes with the review, as `review_for_page` prefetches it)."""
    today = today or timezone.localdate()
    page = calendar_page(review.cycle)
    booked = team_booked_days(review, today=today)
    booked_by_day = dict(booked)
    months = []
    for month in page.months:
        last_day = datetime.date(month["month"].year, month["month"].month, 28) + datetime.timedelta(days=4)
        if last_day.replace(day=1) - datetime.timedelta(days=1) < today:
            continue  # a month wholly in the past
        weeks = []
        for week in month["weeks"]:
            days = []
            for cell in week:
                if cell is None:
                    days.append(None)
                    continue
                day, kind, reason = cell["date"], cell["kind"], cell["reason"]
                if kind == "outside":
                    pass
                elif day < today:
                    kind, reason = "past", "in the past"
                elif kind == "working" and day in booked_by_day:
                    kind, reason = "booked", f"review team booked: {booked_by_day[day]}"
                elif kind == "working":
                    kind, reason = "free", "free"
                days.append(CalendarDay(day, kind, reason))
            weeks.append(days)
        months.append({"month": month["month"], "weeks": weeks})
    runs = [run for run in page.runs if run.last >= today]
    return ProposalCalendar(runs=runs, months=months, booked=booked)

