"""Reads for scheduling: a review's proposals, the visits a person takes part in, the items waiting for them."""

import datetime

from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.utils import timezone

from partnership.accounts.models import User
from partnership.tenancy.models import Partnership

from ..calendar import SchoolCalendar, calendar_for_partnership
from ..models import Notification, NotificationKind, Review, ReviewStatus, ReviewTeamMember, VisitProposal
from ..services.notifications import overdue_label
from .reviews import school_ids_led_by

# A proposal that was accepted at some time (and perhaps later replaced by new dates) has been answered without
# being declined; each one is a version of the review's visit in calendar feeds.
EVER_ACCEPTED = Q(visit_proposals__responded_at__isnull=False) & ~Q(
    visit_proposals__status=VisitProposal.Status.DECLINED
)


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
    """The home page's "What needs your attention" section (partnership/tenancy/home.py)."""
    return attention_items(user)
