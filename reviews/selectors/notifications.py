"""Who is told what: the people a notification goes to, the emails still unsent, and the day's reminder
occasions (recorded by reviews/services/notifications.py, which writes them)."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Min, Q
from django.utils import timezone

from partnership.common.text import long_date
from partnership.tenancy.models import Membership
from partnership.tenancy.roles import Role

from ..calendar import SchoolCalendar
from ..models import Notification, NotificationKind, Review, ReviewStatus, ReviewTeamMember
from ..wording import due_phrase, overdue_label, review_path

SELF_REVIEW_REMINDER_DAYS_BEFORE_DUE = 7
VISIT_SOON_DAYS = 2
# An email that could not be sent for this long is no longer news; the item stays on the home page.
EMAIL_GIVE_UP_AFTER = datetime.timedelta(days=3)
# The beat sweep leaves fresh notifications to the task enqueued when they were made.
EMAIL_SWEEP_GRACE = datetime.timedelta(minutes=2)


def team_user_ids(review: Review) -> set[int]:
    return set(ReviewTeamMember.objects.filter(review=review).values_list("user_id", flat=True))


def school_user_ids(review: Review, roles: Iterable[str] = (Role.HEADTEACHER,)) -> set[int]:
    return set(
        Membership.objects.filter(school_id=review.school_id, role__in=list(roles), ended_on__isnull=True).values_list(
            "user_id", flat=True
        )
    )


def coordinator_user_ids() -> set[int]:
    return set(
        Membership.objects.filter(role=Role.COORDINATOR, ended_on__isnull=True).values_list("user_id", flat=True)
    )


@dataclass(frozen=True)
class Occasion:
    """One thing to tell some people: the same message, link and dedupe key for each of them."""

    kind: str
    review: Review | None
    message: str
    url: str
    dedupe_key: str
    user_ids: frozenset[int]


def unsent_notification_ids(*, now: datetime.datetime | None = None) -> list[int]:
    """Notifications of the active partnership whose email never left (e.g. the broker was down)."""
    now = now or timezone.now()
    return list(
        Notification.objects.filter(
            emailed_at__isnull=True,
            read_at__isnull=True,
            created_at__gte=now - EMAIL_GIVE_UP_AFTER,
            created_at__lt=now - EMAIL_SWEEP_GRACE,
        )
        .order_by("created_at")
        .values_list("pk", flat=True)
    )


def _people_by_school(school_ids: set[int], roles: set[str]) -> dict[int, set[int]]:
    people: dict[int, set[int]] = defaultdict(set)
    for school_id, user_id in Membership.objects.filter(
        school_id__in=school_ids, role__in=sorted(roles), ended_on__isnull=True
    ).values_list("school_id", "user_id"):
        people[school_id].add(user_id)
    return people


def _team_by_review(review_ids: set[int]) -> tuple[dict[int, set[int]], dict[int, set[int]]]:
    team: dict[int, set[int]] = defaultdict(set)
    leads: dict[int, set[int]] = defaultdict(set)
    for review_id, user_id, is_lead in ReviewTeamMember.objects.filter(review_id__in=review_ids).values_list(
        "review_id", "user_id", "is_lead"
    ):
        team[review_id].add(user_id)
        if is_lead:
            leads[review_id].add(user_id)
    return team, leads


def reminder_occasions(*, today: datetime.date, calendar: SchoolCalendar) -> list[Occasion]:
    """Every reminder that applies today in the active partnership (a bounded number of queries)."""
    scheduled = (
        Review.objects.filter(status=ReviewStatus.SCHEDULED)
        .annotate(first_day=Min("visit_days__date"))
        .filter(first_day__gt=today)
        .select_related("school")
    )
    self_review_due = list(
        scheduled.filter(
            self_review_due_on__isnull=False,
            self_review_due_on__lte=today + datetime.timedelta(days=SELF_REVIEW_REMINDER_DAYS_BEFORE_DUE),
        ).filter(Q(self_review__isnull=True) | Q(self_review__shared_at__isnull=True))
    )
    visit_soon = list(scheduled.filter(first_day__lte=today + datetime.timedelta(days=VISIT_SOON_DAYS)))
    report_overdue = [
        review
        for review in Review.objects.filter(
            status__in=[ReviewStatus.VISITED, ReviewStatus.DRAFT], report_due_on__lt=today
        ).select_related("school")
        if calendar.working_days_between(review.report_due_on, today) >= 1
    ]
    check_overdue = [
        review
        for review in Review.objects.filter(status=ReviewStatus.FACTUAL_ACCURACY, factual_accuracy_due_on__lt=today)
        .filter(Q(report__isnull=True) | Q(report__factual_accuracy_responded_at__isnull=True))
        .select_related("school")
        if calendar.working_days_between(review.factual_accuracy_due_on, today) >= 1
    ]
    reviews = self_review_due + visit_soon + report_overdue + check_overdue
    if not reviews:
        return []
    leaders = _people_by_school({r.school_id for r in reviews}, {Role.HEADTEACHER, Role.SENIOR_LEADER})
    heads = _people_by_school({r.school_id for r in check_overdue}, {Role.HEADTEACHER})
    team, leads = _team_by_review({r.pk for r in visit_soon + report_overdue})
    coordinators = coordinator_user_ids() if report_overdue or check_overdue else set()

    occasions = []
    for review in self_review_due:
        due = review.self_review_due_on
        occasions.append(
            Occasion(
                kind=NotificationKind.SELF_REVIEW_DUE,
                review=review,
                message=(
                    f"{review.school.name}'s self-review {due_phrase(due, today)}: share the school's focus, "
                    f"self-evaluation and improvement plan with the review team before the visit on "
                    f"{long_date(review.first_day)}."
                ),
                url=review_path(review),
                dedupe_key=f"self-review-due:review-{review.pk}:{due.isoformat()}",
                user_ids=frozenset(leaders[review.school_id]),
            )
        )
    for review in visit_soon:
        days = (review.first_day - today).days
        when = "tomorrow" if days == 1 else f"in {days} days"
        occasions.append(
            Occasion(
                kind=NotificationKind.VISIT_SOON,
                review=review,
                message=(
                    f"The peer review visit to {review.school.name} starts {when}, on {long_date(review.first_day)}."
                ),
                url=review_path(review),
                dedupe_key=f"visit-soon:review-{review.pk}:{review.first_day.isoformat()}",
                user_ids=frozenset(team[review.pk] | leaders[review.school_id]),
            )
        )
    for review in report_overdue:
        overdue = calendar.working_days_between(review.report_due_on, today)
        occasions.append(
            Occasion(
                kind=NotificationKind.REPORT_OVERDUE,
                review=review,
                message=(
                    f"The report on the peer review of {review.school.name} was due on "
                    f"{long_date(review.report_due_on)}: it is {overdue_label(overdue)}."
                ),
                url=review_path(review),
                dedupe_key=f"report-overdue:review-{review.pk}:{review.report_due_on.isoformat()}",
                user_ids=frozenset(leads[review.pk] | coordinators),
            )
        )
    for review in check_overdue:
        overdue = calendar.working_days_between(review.factual_accuracy_due_on, today)
        occasions.append(
            Occasion(
                kind=NotificationKind.FACTUAL_ACCURACY_OVERDUE,
                review=review,
                message=(
                    f"The factual-accuracy check of the draft report on {review.school.name} was due on "
                    f"{long_date(review.factual_accuracy_due_on)}: it is {overdue_label(overdue)}."
                ),
                url=review_path(review),
                dedupe_key=f"factual-accuracy-overdue:review-{review.pk}:{review.factual_accuracy_due_on.isoformat()}",
                user_ids=frozenset(heads[review.school_id] | coordinators),
            )
        )
    return occasions
