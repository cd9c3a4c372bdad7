"""Evidence notes written by the review team during the visit, tagged to focus areas.

Any member of the team may correct any note, so two of them may edit the same note at once: saves are
conditional on the version the form was loaded at (reviews/services/concurrency.py) and the second save is
told, never silently lost or overwriting.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from partnership.accounts.models import User

from ..models import Activity, EvidenceNote, FocusArea, Review, ReviewStatus
from .archived import ensure_not_archived
from .concurrency import EditConflict, update_if_unchanged

RECORDING_STATUSES = (ReviewStatus.SCHEDULED, ReviewStatus.VISITED, ReviewStatus.DRAFT)
MAX_NOTE_LENGTH = 10_000


def _check_recording(review: Review) -> None:
    ensure_not_archived(review.cycle)
    if review.status not in RECORDING_STATUSES:
        raise ValidationError("Evidence can be recorded from the time the visit is scheduled until the draft is sent.")


def _validated(review: Review, *, text: str, activity_id: int | None, focus_area_ids: list[int]) -> dict:
    errors: dict[str, str] = {}
    text = text.strip()
    if not text:
        errors["text"] = "Enter the evidence you saw or heard."
    elif len(text) > MAX_NOTE_LENGTH:
        errors["text"] = f"Keep a note to {MAX_NOTE_LENGTH:,} characters or fewer: split it into two notes."
    activity = None
    if activity_id is not None:
        activity = Activity.objects.filter(review=review, pk=activity_id).first()
        if activity is None:
            errors["activity"] = "Choose an activity of this visit's programme, or 'General'."
    focus_areas = list(FocusArea.objects.filter(cycle_id=review.cycle_id, pk__in=set(focus_area_ids)))
    if len(focus_areas) != len(set(focus_area_ids)):
        errors["focus_areas"] = "Choose focus areas from this cycle's list."
    if errors:
        raise ValidationError(errors)
    return {"text": text, "activity": activity, "focus_areas": focus_areas}


@transaction.atomic
def evidence_note_create(
    *, review: Review, actor: User, text: str, activity_id: int | None, focus_area_ids: list[int]
) -> EvidenceNote:
    _check_recording(review)
    values = _validated(review, text=text, activity_id=activity_id, focus_area_ids=focus_area_ids)
    note = EvidenceNote.objects.create(
        partnership_id=review.partnership_id,
        review=review,
        activity=values["activity"],
        text=values["text"],
        author=actor,
        updated_by=actor,
    )
    note.focus_areas.set(values["focus_areas"])
    return note


@transaction.atomic
def evidence_note_update(
    *,
    note: EvidenceNote,
    actor: User,
    version: int,
    text: str,
    activity_id: int | None,
    focus_area_ids: list[int],
) -> EvidenceNote:
    """Save the note only if nobody has saved it since `version`; otherwise raise EditConflict with their note."""
    review = note.review
    _check_recording(review)
    values = _validated(review, text=text, activity_id=activity_id, focus_area_ids=focus_area_ids)
    saved = update_if_unchanged(
        EvidenceNote.objects.filter(review=review),
        pk=note.pk,
        version=version,
        text=values["text"],
        activity=values["activity"],
        updated_by=actor,
    )
    saved.focus_areas.set(values["focus_areas"])
    return saved


@transaction.atomic
def evidence_note_delete(*, note: EvidenceNote, actor: User, version: int) -> None:
    """Delete the note as the person saw it: if someone saved it since, they are told instead."""
    _check_recording(note.review)
    deleted, _ = EvidenceNote.objects.filter(pk=note.pk, version=version).delete()
    if not deleted:
        raise EditConflict(EvidenceNote.objects.filter(pk=note.pk).first())
