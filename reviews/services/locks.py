"""Row locks that the review's services share."""

from ..models import Review
from .archived import ensure_not_archived


def lock_review(review: Review) -> Review:
    """The review again, its row locked until the transaction ends: every service that changes a review's status
    or its team takes this lock first, so two such changes to one review run one after the other.

    Only the review's own row is locked (`of=("self",)`), not the cycle and school rows joined for reading. The
    services read those to check a rule, never change them; locking them too (as a plain select_for_update of the
    join would) made every team change in a cycle wait for every other one, blocked the school's GIAS import and
    the cycle's settings meanwhile, and took the three locks in an order other transactions do not share, which
    can deadlock.

    A review of an archived cycle is read-only: taking the lock refuses (ValidationError) before anything changes."""
    locked = Review.objects.select_for_update(of=("self",)).select_related("cycle", "school").get(pk=review.pk)
    ensure_not_archived(locked.cycle)
    return locked
