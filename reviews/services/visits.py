"""The visit programme: activities on the agreed visit days, planned jointly by the school's leaders and the team."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from partnership.accounts.models import User

from ..models import Activity, ActivityKind, Review, ReviewStatus
from ..selectors.visits import programme_people
from .archived import ensure_not_archived


def _check_plannable(review: Review) -> None:
    ensure_not_archived(review.cycle)
    if review.has_reached(ReviewStatus.DRAFT):
        raise ValidationError("The report is being written: the visit programme can no longer be changed.")


def _validated(
    review: Review,
    *,
    kind: str,
    title: str,
    date: datetime.date | None,
    starts_at: datetime.time | None,
    ends_at: datetime.time | None,
    participant_ids: list[int],
    others_taking_part: str,
    location: str,
) -> dict:
    errors: dict[str, str] = {}
    if kind not in ActivityKind.values:
        errors["kind"] = "Choose the kind of activity."
    visit_days = list(review.visit_days.values_list("date", flat=True))
    if not visit_days:
        raise ValidationError("Agree the visit dates before planning the programme.")
    if date is None:
        errors["date"] = "Choose the day of the visit."
    elif date not in visit_days:
        errors["date"] = "Choose one of the visit days."
    if starts_at is None:
        errors["starts_at"] = "Enter the time the activity starts."
    if ends_at is None:
        errors["ends_at"] = "Enter the time the activity ends."
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:
        errors["ends_at"] = "The activity must end after it starts."
    allowed_people = {person.pk for person, _ in programme_people(review)}
    if not set(participant_ids) <= allowed_people:
        errors["participants"] = "Choose people from the review team or the school."
    if errors:
        raise ValidationError(errors)
    return {
        "kind": kind,
        "title": title.strip(),
        "date": date,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "others_taking_part": others_taking_part.strip(),
        "location": location.strip(),
    }


@transaction.atomic
def activity_create(*, review: Review, actor: User, participant_ids: list[int], **fields) -> Activity:
    _check_plannable(review)
    values = _validated(review, participant_ids=participant_ids, **fields)
    activity = Activity.objects.create(partnership_id=review.partnership_id, review=review, **values)
    activity.participants.set(participant_ids)
    return activity


@transaction.atomic
def activity_update(*, activity: Activity, actor: User, participant_ids: list[int], **fields) -> Activity:
    _check_plannable(activity.review)
    values = _validated(activity.review, participant_ids=participant_ids, **fields)
    for name, value in values.items():
        setattr(activity, name, value)
    activity.save()
    activity.participants.set(participant_ids)
    return activity


@transaction.atomic
def activity_delete(*, activity: Activity, actor: User) -> int:
    """Delete an activity; its evidence notes are kept as general notes. Returns how many notes that was."""
    _check_plannable(activity.review)
    kept = activity.notes.count()
    activity.delete()
    return kept
