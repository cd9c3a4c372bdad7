"""What the review workflow adds to a person's home page (declared in reviews/portal.py)."""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.urls import reverse

from partnership.accounts.models import User
from partnership.tenancy.models import Membership, Partnership
from partnership.tenancy.roles import Role

from .models import ReportDraft, Review, ReviewStatus, ReviewTeamMember, SelfReview, VisitProposal
from .permissions import (
    can_edit_self_review,
    can_propose_visit_dates,
    can_respond_to_factual_accuracy,
    can_share_with_governors,
)
from .selectors.reports import shared_reports_of_schools
from .selectors.reviews import current_cycle, school_ids_led_by, with_list_details


def governor_reports_home_context(user: User, partnership: Partnership, memberships: list[Membership]) -> dict:
    """The final reports shared with the governors of the person's schools (one query: the schools come from the
    memberships already loaded)."""
    school_ids = sorted({m.school_id for m in memberships if m.role == Role.GOVERNOR and m.school_id})
    return {"reports": shared_reports_of_schools(school_ids)}


@dataclass(frozen=True)
class Waiting:
    """An action waiting on the person for one review of their school: what, where, by when."""

    text: str
    url: str
    due: datetime.date | None = None


def waiting_on(user: User, review: Review) -> Waiting | None:
    """The next thing the school's leader has to do for this review, if any (issue 12): propose dates, start or
    share the self-review, check the draft, share the final report. Reads the review's annotations (see
    reviews_home_context) and the person's roles already loaded, so it costs no query."""
    pk = review.pk
    status = review.status
    if status == ReviewStatus.GROUPED and not review.has_open_proposal and can_propose_visit_dates(user, review):
        return Waiting("Propose dates for the visit", reverse("visit_dates_propose", args=[pk]))
    if status == ReviewStatus.SCHEDULED and not review.self_review_shared and can_edit_self_review(user, review):
        text = "Share your self-review with the review team" if review.has_self_review else "Start your self-review"
        return Waiting(text, reverse("review_self_review", args=[pk]), review.self_review_due_on)
    if (
        status == ReviewStatus.FACTUAL_ACCURACY
        and not review.accuracy_replied
        and can_respond_to_factual_accuracy(user, review)
    ):
        return Waiting(
            "Check the draft report for factual accuracy and reply",
            reverse("review_factual_accuracy", args=[pk]),
            review.factual_accuracy_due_on,
        )
    if status == ReviewStatus.FINAL and can_share_with_governors(user, review):
        return Waiting("Share the final report with governors", reverse("review_share", args=[pk]))
    return None


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
    ).annotate(
        has_open_proposal=Exists(
            VisitProposal.objects.filter(review=OuterRef("pk"), status=VisitProposal.Status.PROPOSED)
        ),
        has_self_review=Exists(SelfReview.objects.filter(review=OuterRef("pk"))),
        self_review_shared=Exists(SelfReview.objects.filter(review=OuterRef("pk"), shared_at__isnull=False)),
        accuracy_replied=Exists(
            ReportDraft.objects.filter(review=OuterRef("pk"), factual_accuracy_responded_at__isnull=False)
        ),
    )
    rows = []
    for review in reviews.order_by("school__name"):
        if review.school_id in led:
            relation = "your school"
        elif seats.get(review.pk):
            relation = "you are the lead reviewer"
        else:
            relation = "you are a reviewer"
        rows.append((review, relation, waiting_on(user, review) if review.school_id in led else None))
    return {"cycle": cycle, "reviews": rows}
