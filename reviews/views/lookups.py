"""Finding the review a page is about, for every view of the review."""

from collections.abc import Callable

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect

from partnership.accounts.models import User

from ..middleware import ArchivedReviewRefused
from ..models import Review
from ..permissions import can_view_review, in_archived_cycle
from ..selectors.reviews import review_for_page
from ..services.archived import archived_message

Permission = Callable[[User, Review], bool]


def review_or_404(
    pk: int, user: User, may: Permission | None = None, *, visible_to: Permission = can_view_review
) -> Review:
    """The review when the user may see it (`visible_to`: the whole review unless a page shows less, such as a
    report to the school's governors) and, when given, `may` do what the page does; a 404 otherwise, the same
    page as a review that does not exist, so that nobody learns it does."""
    review = review_for_page(pk)
    if review is None or not visible_to(user, review):
        raise Http404
    if may is not None and not may(user, review):
        refuse_if_archived(review)
        raise Http404
    return review


def refuse_if_archived(review: Review) -> None:
    """Someone who may see the review is told that its cycle is archived (on the review's page), not sent a 404."""
    if in_archived_cycle(review):
        raise ArchivedReviewRefused(review.pk, archived_message(review.cycle))


def review_for_step(request, pk: int, may: Permission, *, done_at: str, done: str) -> Review | HttpResponse:
    """The review for a workflow step's page, or, when the step has already been taken (a double press, the Back
    button, a colleague who pressed first), a redirect to the review's page that says so rather than a 404 for
    someone who may see the review. Anyone else gets the 404."""
    review = review_or_404(pk, request.user)
    if may(request.user, review):
        return review
    if review.has_reached(done_at):
        messages.info(request, done)
        return redirect("review_detail", pk=review.pk)
    refuse_if_archived(review)
    raise Http404
