"""Optimistic concurrency for text that several people edit: evidence notes, findings and the report draft.

Each form carries the `version` it was loaded at; a save is one conditional UPDATE ... WHERE version = N that also
increments the version. When nobody else saved in between, it updates one row. Otherwise it updates none, and
the service raises `EditConflict` with the row as it now is, so that the view can show the other person's text
beside what this person typed (which it keeps), and let them merge and save again against the new version.
"""

from typing import Any

from django.db.models import F, Model, QuerySet
from django.utils import timezone


class EditConflict(Exception):  # noqa: N818 (a conflict is an outcome the view handles, not a programming error)
    """Someone else saved (or deleted) the object since this person loaded it. `current` is None when deleted."""

    def __init__(self, current: Model | None):
        self.current = current
        super().__init__("Someone else saved this since you opened it.")


def update_if_unchanged(queryset: QuerySet, *, pk: int, version: int, **values: Any) -> Model:
    """Update the row with this pk only if it is still at `version`; return it as saved, or raise EditConflict."""
    updated = queryset.filter(pk=pk, version=version).update(
        **values, version=F("version") + 1, updated_at=timezone.now()
    )
    if not updated:
        raise EditConflict(queryset.filter(pk=pk).first())
    return queryset.get(pk=pk)
