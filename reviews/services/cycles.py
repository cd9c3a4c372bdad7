"""Setting up a peer review cycle: the cycle itself, its focus areas, the partnership's calendar (terms and
closure days), enrolment and reviewer training.

Every function validates what a coordinator typed and raises ValidationError with a message they can act on
(keyed by form field where there is one); database constraints back the same rules and their IntegrityErrors
are turned into the same messages. Who may call these is decided by reviews/permissions.py can_manage_cycles.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from partnership.accounts.models import User
from partnership.audit.services import AuditAction, audit_record
from partnership.common.text import long_date
from partnership.tenancy.models import Membership, Partnership
from schools.models import Area, Cluster, School

from ..calendar import bank_holidays_of_england
from ..models import (
    ClosureDay,
    Cycle,
    Enrolment,
    Finding,
    FocusArea,
    GradingScale,
    Review,
    ReviewerTraining,
    ReviewGroupMember,
    Term,
    VisitDay,
)
from ..models.cycles import DEFAULT_FOCUS_AREAS
from ..selectors.cycles import focus_area_uses, previous_cycle
from .archived import ensure_not_archived

MIN_GROUP_SIZE, MAX_GROUP_SIZE = 2, 5
FOCUS_AREAS_OFSTED = "ofsted"
FOCUS_AREAS_PREVIOUS = "previous"
LIMITS = {
    # field: (lowest, highest, what the number counts)
    "self_review_due_days_before_visit": (1, 90, "days"),
    "report_due_working_days": (1, 60, "working days"),
    "factual_accuracy_working_days": (1, 30, "working days"),
    "impact_visit_months": (1, 24, "months"),
}
LIMIT_LABELS = {
    "self_review_due_days_before_visit": "The self-review deadline",
    "report_due_working_days": "The report deadline",
    "factual_accuracy_working_days": "The factual-accuracy window",
    "impact_visit_months": "The impact visit",
}


def _integrity_message(error: IntegrityError, messages: dict[str, str], fallback: str) -> str:
    text = str(error)
    for constraint, message in messages.items():
        if constraint in text:
            return message
    return fallback


def _save(instance, messages: dict[str, str], fallback: str) -> None:
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as error:
        raise ValidationError(_integrity_message(error, messages, fallback)) from error


def groups_published_error(cycle: Cycle) -> ValidationError:
    return ValidationError(
        f"The groups of {cycle.name} were published on {timezone.localtime(cycle.groups_published_at):%d %B %Y}; "
        "enrolment and groups can no longer change."
    )


def ensure_not_published(cycle: Cycle) -> None:
    if cycle.groups_published_at is not None:
        raise groups_published_error(cycle)


# Cycles -------------------------------------------------------------------------------------------------------


@dataclass
class CycleSettings:
    """What a coordinator sets on a cycle's form."""

    name: str
    academic_year_start: int | None
    visit_window_starts_on: datetime.date | None
    visit_window_ends_on: datetime.date | None
    grading_scale: str = GradingScale.NONE
    custom_grades: list[str] = field(default_factory=list)
    group_size: int | None = 3
    separate_trusts: bool = True
    self_review_due_days_before_visit: int | None = 14
    report_due_working_days: int | None = 18
    factual_accuracy_working_days: int | None = 5
    impact_visit_months: int | None = 6

    @classmethod
    def of(cls, cycle: Cycle) -> "CycleSettings":
        return cls(**{name: getattr(cycle, name) for name in cls.__dataclass_fields__})


def _validate_cycle(values: CycleSettings, cycle: Cycle | None) -> CycleSettings:
    errors: dict[str, str] = {}
    values.name = (values.name or "").strip()
    if not values.name:
        errors["name"] = "Enter a name for the cycle, for example Peer review 2026/27."
    elif len(values.name) > 120:
        errors["name"] = "The name must be 120 characters or fewer."
    elif Cycle.objects.filter(name__iexact=values.name).exclude(pk=getattr(cycle, "pk", None)).exists():
        errors["name"] = f"There is already a cycle called {values.name}; choose another name."

    year = values.academic_year_start
    if year is None:
        errors["academic_year_start"] = "Enter the year the academic year starts, for example 2026 for 2026/27."
    elif not 2000 <= year <= 2100:
        errors["academic_year_start"] = "Enter a year between 2000 and 2100, for example 2026 for 2026/27."

    starts, ends = values.visit_window_starts_on, values.visit_window_ends_on
    if starts is None:
        errors["visit_window_starts_on"] = "Enter the first day visits can take place."
    if ends is None:
        errors["visit_window_ends_on"] = "Enter the last day visits can take place."
    if starts and ends and ends < starts:
        errors["visit_window_ends_on"] = "The visit window must end on or after the day it starts."
    if starts and ends and year and "academic_year_start" not in errors and "visit_window_ends_on" not in errors:
        first, last = datetime.date(year, 9, 1), datetime.date(year + 1, 8, 31)
        if starts < first or ends > last:
            errors["visit_window_starts_on" if starts < first else "visit_window_ends_on"] = (
                f"The visit window must be inside the {year}/{(year + 1) % 100:02d} academic year "
                f"({long_date(first)} to {long_date(last)})."
            )

    if values.grading_scale not in GradingScale.values:
        errors["grading_scale"] = "Choose a grading scale, or no grades."
    elif values.grading_scale == GradingScale.CUSTOM:
        labels = [label.strip() for label in values.custom_grades if label.strip()]
        lowered = [label.lower() for label in labels]
        if len(labels) < 2:
            errors["custom_grades"] = "Enter at least two grades, one a line, best first."
        elif any(len(label) > 60 for label in labels):
            errors["custom_grades"] = "Each grade must be 60 characters or fewer."
        elif len(set(lowered)) != len(lowered):
            repeated = next(label for label in labels if lowered.count(label.lower()) > 1)
            errors["custom_grades"] = f"Each grade must be different: {repeated} is there twice."
        values.custom_grades = labels
    else:
        values.custom_grades = []

    if values.group_size is None or not MIN_GROUP_SIZE <= values.group_size <= MAX_GROUP_SIZE:
        errors["group_size"] = f"Choose a group size from {MIN_GROUP_SIZE} to {MAX_GROUP_SIZE} schools."

    for name, (low, high, unit) in LIMITS.items():
        value = getattr(values, name)
        if value is None:
            errors[name] = f"Enter a number of {unit} for {LIMIT_LABELS[name].lower()}."
        elif not low <= value <= high:
            errors[name] = f"{LIMIT_LABELS[name]} must be from {low} to {high} {unit}."

    if cycle is not None:
        errors.update(_changes_that_break_existing_work(values, cycle, errors))
    if errors:
        raise ValidationError(errors)
    return values


def _changes_that_break_existing_work(values: CycleSettings, cycle: Cycle, errors: dict) -> dict[str, str]:
    problems: dict[str, str] = {}
    new_grades = values.custom_grades if values.grading_scale == GradingScale.CUSTOM else None
    scale_changed = values.grading_scale != cycle.grading_scale or (
        new_grades is not None and new_grades != list(cycle.custom_grades)
    )
    if scale_changed and "grading_scale" not in errors:
        graded = Finding.objects.filter(review__cycle=cycle).exclude(grade="").count()
        if graded:
            problems["grading_scale"] = (
                f"{graded} finding{'s' if graded != 1 else ''} already {'have' if graded != 1 else 'has'} a grade "
                "on the current scale, so the scale can no longer change."
            )
    starts, ends = values.visit_window_starts_on, values.visit_window_ends_on
    if starts and ends and not {"visit_window_starts_on", "visit_window_ends_on"} & set(errors):
        outside = (
            VisitDay.objects.filter(review__cycle=cycle)
            .exclude(date__range=(starts, ends))
            .select_related("review__school")
            .order_by("date")
        )
        first = outside.first()
        if first is not None:
            count = outside.count()
            problems["visit_window_starts_on" if first.date < starts else "visit_window_ends_on"] = (
                f"{count} agreed visit day{'s' if count != 1 else ''} would fall outside the new window "
                f"(the first: {first.review.school.name} on {long_date(first.date)}). Move those visits first."
            )
    if values.group_size != cycle.group_size and cycle.groups_published_at is not None:
        problems["group_size"] = "The groups are published, so the group size can no longer change."
    if values.separate_trusts != cycle.separate_trusts and cycle.groups_published_at is not None:
        problems["separate_trusts"] = "The groups are published, so the trust and federation rule can no longer change."
    return problems


CYCLE_CONSTRAINT_MESSAGES = {
    "cycle_name_unique_in_partnership": "There is already a cycle with this name; choose another name.",
    "cycle_group_size_2_to_5": "Choose a group size from 2 to 5 schools.",
    "cycle_window_ordered": "The visit window must end on or after the day it starts.",
    "cycle_year_range": "Enter a year between 2000 and 2100.",
    "cycle_deadlines_positive": "Deadlines must be at least one working day.",
    "cycle_custom_scale_has_grades": "Enter at least two grades for the partnership's own scale.",
}


@transaction.atomic
def cycle_create(
    *, partnership: Partnership, actor: User | None, values: CycleSettings, focus_areas_from: str = FOCUS_AREAS_OFSTED
) -> Cycle:
    """Open a cycle with its focus areas: Ofsted's renewed framework areas, or a copy of the previous cycle's."""
    values = _validate_cycle(values, None)
    source = None
    if focus_areas_from == FOCUS_AREAS_PREVIOUS:
        source = previous_cycle()
        if source is None:
            raise ValidationError({"focus_areas_from": "There is no previous cycle to copy focus areas from."})
    elif focus_areas_from != FOCUS_AREAS_OFSTED:
        raise ValidationError({"focus_areas_from": "Choose where the focus areas come from."})
    cycle = Cycle(partnership=partnership, created_by=actor, **values.__dict__)
    _save(cycle, CYCLE_CONSTRAINT_MESSAGES, "The cycle could not be saved.")
    if source is not None:
        areas = [(a.name, a.description) for a in source.focus_areas.order_by("position", "name")]
    else:
        areas = DEFAULT_FOCUS_AREAS
    FocusArea.objects.bulk_create(
        FocusArea(partnership=partnership, cycle=cycle, name=name, description=description, position=index)
        for index, (name, description) in enumerate(areas)
    )
    return cycle


@transaction.atomic
def cycle_update(*, cycle: Cycle, values: CycleSettings) -> Cycle:
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    ensure_not_archived(cycle)
    values = _validate_cycle(values, cycle)
    for name, value in values.__dict__.items():
        setattr(cycle, name, value)
    _save(cycle, CYCLE_CONSTRAINT_MESSAGES, "The cycle could not be saved.")
    return cycle


# Focus areas --------------------------------------------------------------------------------------------------


# What can refer to a focus area: the model, its name in words and the field that refers to it.


def _validate_focus_area(cycle: Cycle, name: str, description: str, area: FocusArea | None) -> tuple[str, str]:
    ensure_not_archived(cycle)
    errors = {}
    name, description = (name or "").strip(), (description or "").strip()
    if not name:
        errors["name"] = "Enter the name of the focus area."
    elif len(name) > 120:
        errors["name"] = "The name must be 120 characters or fewer."
    elif FocusArea.objects.filter(cycle=cycle, name__iexact=name).exclude(pk=getattr(area, "pk", None)).exists():
        errors["name"] = f"This cycle already has a focus area called {name}."
    if len(description) > 300:
        errors["description"] = "The description must be 300 characters or fewer."
    if errors:
        raise ValidationError(errors)
    return name, description


FOCUS_AREA_MESSAGES = {
    "focus_area_unique_in_cycle": "This cycle already has a focus area with that name.",
    "focus_area_name_not_blank": "Enter the name of the focus area.",
}


@transaction.atomic
def focus_area_add(*, cycle: Cycle, name: str, description: str = "") -> FocusArea:
    name, description = _validate_focus_area(cycle, name, description, None)
    position = (cycle.focus_areas.aggregate(m=Max("position"))["m"] or 0) + 1
    area = FocusArea(partnership_id=cycle.partnership_id, cycle=cycle, name=name, description=description)
    area.position = position
    _save(area, FOCUS_AREA_MESSAGES, "The focus area could not be saved.")
    return area


@transaction.atomic
def focus_area_update(*, area: FocusArea, name: str, description: str = "") -> FocusArea:
    name, description = _validate_focus_area(area.cycle, name, description, area)
    if name != area.name and (uses := focus_area_uses(area)):
        raise ValidationError(
            {"name": f"{area.name} is already used ({', '.join(uses)}), so it can no longer be renamed."}
        )
    area.name, area.description = name, description
    _save(area, FOCUS_AREA_MESSAGES, "The focus area could not be saved.")
    return area


@transaction.atomic
def focus_area_move(*, area: FocusArea, up: bool) -> None:
    """Move a focus area one place up or down the cycle's list."""
    ensure_not_archived(area.cycle)
    areas = list(FocusArea.objects.select_for_update().filter(cycle_id=area.cycle_id).order_by("position", "name"))
    index = next(i for i, a in enumerate(areas) if a.pk == area.pk)
    other = index - 1 if up else index + 1
    if 0 <= other < len(areas):
        areas[index], areas[other] = areas[other], areas[index]
    for position, each in enumerate(areas):
        each.position = position
    FocusArea.objects.bulk_update(areas, ["position"])


@transaction.atomic
def focus_area_remove(*, area: FocusArea) -> None:
    ensure_not_archived(area.cycle)
    if uses := focus_area_uses(area):
        raise ValidationError(f"{area.name} is already used ({', '.join(uses)}), so it cannot be removed.")
    if FocusArea.objects.filter(cycle_id=area.cycle_id).count() <= 1:
        raise ValidationError("A cycle needs at least one focus area; add another before removing this one.")
    area.delete()


# The partnership's calendar -----------------------------------------------------------------------------------


def _validate_term(name: str, starts_on, ends_on, term: Term | None) -> str:
    errors = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = "Enter the name of the term, for example Autumn 2026."
    elif len(name) > 60:
        errors["name"] = "The name must be 60 characters or fewer."
    if starts_on is None:
        errors["starts_on"] = "Enter the first day of the term."
    if ends_on is None:
        errors["ends_on"] = "Enter the last day of the term."
    if starts_on and ends_on:
        if ends_on < starts_on:
            errors["ends_on"] = "The term must end on or after the day it starts."
        elif (ends_on - starts_on).days > 200:
            errors["ends_on"] = "A term cannot be longer than 200 days; enter each term separately."
        else:
            overlapping = (
                Term.objects.filter(starts_on__lte=ends_on, ends_on__gte=starts_on)
                .exclude(pk=getattr(term, "pk", None))
                .first()
            )
            if overlapping is not None:
                errors["starts_on"] = (
                    f"This term overlaps {overlapping.name} ({long_date(overlapping.starts_on)} to "
                    f"{long_date(overlapping.ends_on)})."
                )
    if errors:
        raise ValidationError(errors)
    return name


TERM_MESSAGES = {
    "term_start_unique_in_partnership": "Another term already starts on that day.",
    "term_ends_after_start": "The term must end on or after the day it starts.",
}


@transaction.atomic
def term_create(*, partnership: Partnership, name: str, starts_on, ends_on) -> Term:
    name = _validate_term(name, starts_on, ends_on, None)
    term = Term(partnership=partnership, name=name, starts_on=starts_on, ends_on=ends_on)
    _save(term, TERM_MESSAGES, "The term could not be saved.")
    return term


@transaction.atomic
def term_update(*, term: Term, name: str, starts_on, ends_on) -> Term:
    term.name = _validate_term(name, starts_on, ends_on, term)
    term.starts_on, term.ends_on = starts_on, ends_on
    _save(term, TERM_MESSAGES, "The term could not be saved.")
    return term


@transaction.atomic
def term_delete(*, term: Term) -> None:
    term.delete()


def _validate_closure_day(date, reason: str, closure: ClosureDay | None) -> str:
    errors = {}
    reason = (reason or "").strip() or "INSET day"
    if len(reason) > 120:
        errors["reason"] = "The reason must be 120 characters or fewer."
    if date is None:
        errors["date"] = "Enter the date of the closure day."
    elif date.weekday() >= 5:
        errors["date"] = f"{long_date(date)} is a {date:%A}; closure days are school days (Monday to Friday)."
    elif (holiday := bank_holidays_of_england([date.year]).get(date)) is not None:
        errors["date"] = f"{long_date(date)} is already a bank holiday ({holiday})."
    elif ClosureDay.objects.filter(date=date).exclude(pk=getattr(closure, "pk", None)).exists():
        errors["date"] = f"There is already a closure day on {long_date(date)}."
    else:
        visit = VisitDay.objects.filter(date=date).select_related("review__school").first()
        if visit is not None:
            errors["date"] = (
                f"{visit.review.school.name} has an agreed visit on {long_date(date)}; move that visit before "
                "closing schools on that day."
            )
    if errors:
        raise ValidationError(errors)
    return reason


CLOSURE_MESSAGES = {"closure_day_unique_in_partnership": "There is already a closure day on that date."}


@transaction.atomic
def closure_day_create(*, partnership: Partnership, date, reason: str = "INSET day") -> ClosureDay:
    reason = _validate_closure_day(date, reason, None)
    closure = ClosureDay(partnership=partnership, date=date, reason=reason)
    _save(closure, CLOSURE_MESSAGES, "The closure day could not be saved.")
    return closure


@transaction.atomic
def closure_day_update(*, closure: ClosureDay, date, reason: str) -> ClosureDay:
    closure.reason = _validate_closure_day(date, reason, closure)
    closure.date = date
    _save(closure, CLOSURE_MESSAGES, "The closure day could not be saved.")
    return closure


@transaction.atomic
def closure_day_delete(*, closure: ClosureDay) -> None:
    closure.delete()


# Enrolment ----------------------------------------------------------------------------------------------------


@dataclass
class EnrolmentOutcome:
    enrolled: list[School]
    already: list[School]
    closed: list[School]

    def summary(self, what: str) -> str:
        parts = []
        if self.enrolled:
            parts.append(f"Enrolled {len(self.enrolled)} school{'s' if len(self.enrolled) != 1 else ''} {what}.")
        else:
            parts.append(f"No school {what} was enrolled.")
        if self.already:
            count = len(self.already)
            parts.append(f"{count} {'was' if count == 1 else 'were'} already enrolled.")
        if self.closed:
            names = ", ".join(s.name for s in self.closed)
            parts.append(f"Closed schools cannot be enrolled, so these were left out: {names}.")
        return " ".join(parts)


def _lock_cycle(cycle: Cycle) -> Cycle:
    locked = Cycle.objects.select_for_update().get(pk=cycle.pk)
    ensure_not_archived(locked)
    return locked


@transaction.atomic
def enrolment_add(*, cycle: Cycle, schools: Iterable[School], actor: User | None) -> EnrolmentOutcome:
    """Enrol the given schools. Any closed school refuses the whole request, naming it."""
    cycle = _lock_cycle(cycle)
    ensure_not_published(cycle)
    schools = list(schools)
    if not schools:
        raise ValidationError({"schools": "Choose at least one school to enrol."})
    closed = [s for s in schools if s.status == School.Status.CLOSED]
    if closed:
        names = ", ".join(s.name for s in closed)
        raise ValidationError(
            {"schools": f"{names} {'is' if len(closed) == 1 else 'are'} closed and cannot be enrolled."}
        )
    return _enrol(cycle, schools, actor, closed=[])


def _enrol(cycle: Cycle, schools: list[School], actor: User | None, closed: list[School]) -> EnrolmentOutcome:
    already_ids = set(Enrolment.objects.filter(cycle=cycle, school__in=schools).values_list("school_id", flat=True))
    new = [s for s in schools if s.pk not in already_ids]
    try:
        with transaction.atomic():
            Enrolment.objects.bulk_create(
                Enrolment(partnership_id=cycle.partnership_id, cycle=cycle, school=s, enrolled_by=actor) for s in new
            )
    except IntegrityError as error:
        raise ValidationError(
            "Someone else enrolled some of these schools at the same moment; nothing was changed. Try again."
        ) from error
    return EnrolmentOutcome(
        enrolled=new, already=[s for s in schools if s.pk in already_ids], closed=sorted(closed, key=lambda s: s.name)
    )


@transaction.atomic
def enrolment_add_by(
    *,
    cycle: Cycle,
    actor: User | None,
    area: Area | None = None,
    cluster: Cluster | None = None,
    phase: str | None = None,
) -> EnrolmentOutcome:
    """Enrol every open school of an area, a cluster or a phase; closed ones are left out and named."""
    cycle = _lock_cycle(cycle)
    ensure_not_published(cycle)
    if sum(x is not None and x != "" for x in (area, cluster, phase)) != 1:
        raise ValidationError("Choose one area, cluster or phase to enrol.")
    schools = School.objects.order_by("name")
    if area is not None:
        schools = schools.filter(area=area)
    elif cluster is not None:
        schools = schools.filter(cluster=cluster)
    else:
        if phase not in School.Phase.values:
            raise ValidationError({"phase": "Choose a phase."})
        schools = schools.filter(phase=phase)
    schools = list(schools)
    closed = [s for s in schools if s.status == School.Status.CLOSED]
    return _enrol(cycle, [s for s in schools if s.status != School.Status.CLOSED], actor, closed=closed)


@transaction.atomic
def enrolment_remove(*, enrolment: Enrolment) -> None:
    cycle = _lock_cycle(enrolment.cycle)
    ensure_not_published(cycle)
    member = (
        ReviewGroupMember.objects.filter(cycle=cycle, school_id=enrolment.school_id).select_related("group").first()
    )
    if member is not None:
        raise ValidationError(
            f"{enrolment.school.name} is in {member.group}; take it out of the group before unenrolling it."
        )
    enrolment.delete()


# Reviewer training --------------------------------------------------------------------------------------------


TRAINING_MESSAGES = {
    "reviewer_training_unique": "This training is already recorded for this person (same date and provider).",
}


@transaction.atomic
def reviewer_training_add(
    *,
    partnership: Partnership,
    user: User | None,
    trained_on: datetime.date | None,
    provider: str,
    notes: str = "",
    recorded_by: User | None,
    today: datetime.date | None = None,
) -> ReviewerTraining:
    errors = {}
    provider, notes = (provider or "").strip(), (notes or "").strip()
    today = today or timezone.localdate()
    if user is None:
        errors["user"] = "Choose the person who was trained."
    elif not Membership.objects.filter(user=user, ended_on__isnull=True).exists():
        errors["user"] = "Choose a person who holds a role in the partnership."
    if trained_on is None:
        errors["trained_on"] = "Enter the date of the training."
    elif trained_on > today:
        errors["trained_on"] = "The training date cannot be in the future; record training once it has happened."
    elif trained_on.year < 2000:
        errors["trained_on"] = "Enter a training date from 2000 onwards."
    if not provider:
        errors["provider"] = "Enter who provided the training."
    elif len(provider) > 200:
        errors["provider"] = "The provider must be 200 characters or fewer."
    if len(notes) > 300:
        errors["notes"] = "The notes must be 300 characters or fewer."
    if not errors and ReviewerTraining.objects.filter(user=user, trained_on=trained_on, provider=provider).exists():
        errors["provider"] = TRAINING_MESSAGES["reviewer_training_unique"]
    if errors:
        raise ValidationError(errors)
    training = ReviewerTraining(
        partnership=partnership,
        user=user,
        trained_on=trained_on,
        provider=provider,
        notes=notes,
        recorded_by=recorded_by,
    )
    _save(training, TRAINING_MESSAGES, "The training record could not be saved.")
    return training


@transaction.atomic
def reviewer_training_remove(*, training: ReviewerTraining) -> None:
    training.delete()


# Deleting and archiving a cycle -----------------------------------------------------------------------------------


def cycle_delete_problem(cycle: Cycle) -> str:
    """Why this cycle cannot be deleted ("" when it can): once reviews exist, work has been done in it."""
    reviews = Review.objects.filter(cycle=cycle).count()
    if reviews:
        return (
            f"{cycle.name} has {reviews} review{'s' if reviews != 1 else ''}, so it cannot be deleted. "
            "Archive it instead: it leaves the current lists and its reviews and reports stay readable."
        )
    return ""


@transaction.atomic
def cycle_delete(*, cycle: Cycle, actor: User | None) -> str:
    """Delete a cycle in which nothing has been done yet (no reviews): its enrolment, groups and focus areas go
    with it. Returns its name."""
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if problem := cycle_delete_problem(cycle):
        raise ValidationError(problem)
    name = cycle.name
    enrolled = Enrolment.objects.filter(cycle=cycle).count()
    cycle.delete()
    audit_record(
        action=AuditAction.SETTINGS_CHANGED,
        partnership=cycle.partnership_id,
        actor=actor,
        subject=f"Review cycle {name} deleted",
        detail={"cycle": name, "schools_enrolled": enrolled},
    )
    return name


@transaction.atomic
def cycle_set_archived(*, cycle: Cycle, archived: bool, actor: User | None) -> Cycle:
    """Archive a cycle (it leaves the current lists; everything in it stays readable) or bring it back."""
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if archived and cycle.archived_at is not None:
        archived_on = long_date(timezone.localdate(cycle.archived_at))
        raise ValidationError(f"{cycle.name} was already archived on {archived_on}.")
    if not archived and cycle.archived_at is None:
        raise ValidationError(f"{cycle.name} is not archived.")
    cycle.archived_at = timezone.now() if archived else None
    cycle.save(update_fields=["archived_at"])
    audit_record(
        action=AuditAction.SETTINGS_CHANGED,
        partnership=cycle.partnership_id,
        actor=actor,
        subject=f"Review cycle {cycle.name} {'archived' if archived else 'brought back from the archive'}",
        detail={"cycle": cycle.name},
    )
    return cycle
