"""What the review workflow adds to a person's home page (declared in reviews/portal.py)."""

from partnership.accounts.models import User
from partnership.tenancy.models import Membership, Partnership
from partnership.tenancy.roles import Role

from .models import Review, ReviewTeamMember
from .selectors.reports import shared_reports_of_schools
from .selectors.reviews import current_cycle, school_ids_led_by, with_list_details


def governor_reports_home_context(user: User, partnership: Partnership, memberships: list[Membership]) -> dict:
    """The final reports shared with the governors of the person's schools (one query: the schools come from the
    memberships already loaded)."""
    school_ids = sorted({m.school_id for m in memberships if m.role == Role.GOVERNOR and m.school_id})
    return {"reports": shared_reports_of_schools(school_ids)}


def reviews_home_context(user: User, partnership: Partnership, memberships: list[Membership]) -> dict:
    cycle = current_cycle()
    if cycle is None:
        return {"reviews": []}
    led = school_ids_led_by(user, partnership)
    seats = {
        seat.review_id: seat.is_lead
        for seat in ReviewTeamMember.objects.filter(user=user, review__cycle=cycle).only("review_id", "is_lead")
    }
    reviews = with_list_details(
        Review.objects.filter(cycle=cycle, pk__in=set(seats)) | Review.objects.filter(cycle=cycle, school_id__in=led)
    )
    rows = []
    for review in reviews.order_by("school__name"):
        if review.school_id in led:
            relation = "your school"
        elif seats.get(review.pk):
            relation = "you are the lead reviewer"
        else:
            relation = "you are a reviewer"
        rows.append((review, relation))
    return {"cycle": cycle, "reviews": rows}
