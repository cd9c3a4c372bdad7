import datetime

from django.db.models import Prefetch, Q, QuerySet

from partnership.accounts.models import User
from partnership.tenancy.models import Partnership
from partnership.tenancy.permissions import is_coordinator
from partnership.tenancy.roles import Role
from partnership.tenancy.selectors import active_memberships

from ..models import Cycle, Review, ReviewTeamMember


def school_ids_led_by(user: User, partnership: Partnership) -> set[int]:
    """Schools where the user is headteacher or senior leader: their reviews are theirs to see."""
    return {
        m.school_id for m in active_memberships(user, partnership) if m.role in (Role.HEADTEACHER, Role.SENIOR_LEADER)
    }


def reviews_visible_to(user: User, partnership: Partnership) -> QuerySet[Review]:
    """Every review the user may open (reviews/permissions.py can_view_review, as one query)."""
    reviews = Review.objects.all()
    if not is_coordinator(user, partnership):
        led = school_ids_led_by(user, partnership)
        seats = ReviewTeamMember.objects.filter(user=user).values("review_id")
        reviews = reviews.filter(Q(school_id__in=led) | Q(pk__in=seats))
    return reviews


def with_list_details(reviews: QuerySet[Review]) -> QuerySet[Review]:
    return reviews.select_related("school", "cycle", "group").prefetch_related(
        Prefetch("team", queryset=ReviewTeamMember.objects.select_related("user", "school")),
        "visit_days",
    )


def has_any_review(user: User, partnership: Partnership) -> bool:
    return reviews_visible_to(user, partnership).exists()


def current_cycle() -> Cycle | None:
    """The newest cycle that is not archived (an archived cycle stays readable, but is no longer current)."""
    return Cycle.objects.filter(archived_at__isnull=True).order_by("-academic_year_start", "-created_at").first()


def review_for_page(pk: int) -> Review | None:
    return (
        Review.objects.select_related("school", "cycle", "group", "school__trust")
        .prefetch_related(
            Prefetch("team", queryset=ReviewTeamMember.objects.select_related("user", "school")),
            "visit_days",
        )
        .filter(pk=pk)
        .first()
    )


def last_visit_day(review: Review) -> datetime.date | None:
    return review.visit_days.order_by("-date").values_list("date", flat=True).first()
