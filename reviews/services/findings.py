"""Findings per focus area and the report's narrative, written by the review team after the visit.

The first save moves a visited review into drafting (review_start_draft). During the factual-accuracy check only
the lead reviewer corrects them (the view checks who; these services check the review's state under its row
lock, so nothing is written once the report is final). Saves are conditional on the version the form was loaded
at: version 0 means "nothing saved yet when I opened it".
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from partnership.accounts.models import User

from ..models import Finding, FocusArea, ReportDraft, Review, ReviewStatus
from .concurrency import EditConflict, update_if_unchanged
from .workflow import lock_review, review_start_draft

WRITING_STATUSES = (ReviewStatus.VISITED, ReviewStatus.DRAFT, ReviewStatus.FACTUAL_ACCURACY)
MAX_TEXT_LENGTH = 20_000
REPORT_FIELDS = ("context", "area_of_excellence", "recommendations", "next_steps")


def _locked_for_writing(review: Review) -> Review:
    locked = lock_review(review)
    if locked.status not in WRITING_STATUSES:
        if locked.has_reached(ReviewStatus.FINAL):
            raise ValidationError("The report is final: its findings can no longer be changed.")
        raise ValidationError("Findings are written after the visit: mark the visit as visited first.")
    return locked


def _check_lengths(values: dict[str, str]) -> None:
    too_long = {
        name: f"Keep this to {MAX_TEXT_LENGTH:,} characters or fewer."
        for name, value in values.items()
        if len(value) > MAX_TEXT_LENGTH
    }
    if too_long:
        raise ValidationError(too_long)


def _save_versioned(model, *, review: Review, lookup: dict, version: int, actor: User, values: dict):
    """Create the row (version 0) or update it if still at `version`; EditConflict otherwise."""
    existing = model.objects.filter(review=review, **lookup).first()
    if existing is None and version != 0:
        raise EditConflict(None)
    if existing is None:
        try:
            with transaction.atomic():
                return model.objects.create(
                    partnership_id=review.partnership_id, review=review, updated_by=actor, **lookup, **values
                )
        except IntegrityError:
            raise EditConflict(model.objects.filter(review=review, **lookup).first()) from None
    return update_if_unchanged(
        model.objects.filter(review=review), pk=existing.pk, version=version, updated_by=actor, **values
    )


@transaction.atomic
def finding_save(
    *,
    review: Review,
    focus_area: FocusArea,
    actor: User,
    version: int,
    strengths: str,
    areas_for_development: str,
    grade: str = "",
) -> Finding:
    review = _locked_for_writing(review)
    if focus_area.cycle_id != review.cycle_id:
        raise ValidationError("Choose a focus area of this review's cycle.")
    values = {"strengths": strengths.strip(), "areas_for_development": areas_for_development.strip()}
    _check_lengths(values)
    grade = grade.strip()
    if grade and not review.cycle.uses_grades:
        raise ValidationError({"grade": "This cycle does not use grades."})
    if grade and grade not in review.cycle.grades:
        raise ValidationError({"grade": f"Choose a grade on the cycle's scale: {', '.join(review.cycle.grades)}."})
    values["grade"] = grade
    if not any(values.values()):
        # Nothing typed and no grade: saying "saved" would tell the team the focus area is written up when it is not.
        raise ValidationError(
            {"strengths": "Enter the strengths or the areas for development for this focus area before saving."}
        )
    finding = _save_versioned(
        Finding, review=review, lookup={"focus_area": focus_area}, version=version, actor=actor, values=values
    )
    review_start_draft(review=review, actor=actor)
    return finding


@transaction.atomic
def report_draft_save(*, review: Review, actor: User, version: int, **texts: str) -> ReportDraft:
    """Save the report's narrative (context, area of excellence, recommendations, next steps)."""
    unknown = set(texts) - set(REPORT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown report fields: {', '.join(sorted(unknown))}")
    review = _locked_for_writing(review)
    values = {name: texts.get(name, "").strip() for name in REPORT_FIELDS}
    _check_lengths(values)
    report = _save_versioned(ReportDraft, review=review, lookup={}, version=version, actor=actor, values=values)
    review_start_draft(review=review, actor=actor)
    return report
