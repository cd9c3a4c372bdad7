"""A review's history: one ReviewEvent per step of its workflow and per change worth a line in its timeline."""

from partnership.accounts.models import User

from ..models import Review, ReviewEvent


def review_event(
    review: Review, *, actor: User | None, note: str = "", to_status: str | None = None, from_status: str | None = None
) -> ReviewEvent:
    """An unsaved event (for bulk_create): from and to the review's current status unless given."""
    return ReviewEvent(
        partnership_id=review.partnership_id,
        review=review,
        from_status=review.status if from_status is None else from_status,
        to_status=review.status if to_status is None else to_status,
        actor=actor,
        note=note,
    )


def review_event_record(
    *, review: Review, actor: User | None, note: str = "", to_status: str | None = None
) -> ReviewEvent:
    """Record a step to `to_status`, or (without it) something that happened while the review stayed as it is."""
    event = review_event(review, actor=actor, note=note, to_status=to_status)
    event.save()
    return event
