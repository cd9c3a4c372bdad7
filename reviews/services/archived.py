"""An archived cycle is read-only: its settings, focus areas, enrolment, groups, review teams and reviews (dates,
self-review, programme, evidence, findings, report steps) can be read but not changed, until a coordinator brings
it back from the archive (`cycle_set_archived`). Every service that writes to a cycle or one of its reviews calls
`ensure_not_archived` (reviews through `lock_review`, which every review step takes first)."""

from django.core.exceptions import ValidationError

from ..models import Cycle


def archived_message(cycle: Cycle) -> str:
    return (
        f"{cycle.name} is archived, so nothing in it can change: its settings, groups and reviews stay as they are "
        "and can still be read. A coordinator can bring it back from the archive on the cycle's overview page."
    )


def ensure_not_archived(cycle: Cycle) -> None:
    """Refuse (ValidationError, nothing changed) when the cycle is archived."""
    if cycle.archived_at is not None:
        raise ValidationError(archived_message(cycle))
