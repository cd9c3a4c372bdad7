"""Reads for the self-review, the visit programme and the evidence notes."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, QuerySet

from partnership.accounts.models import User
from partnership.tenancy.models import Membership
from partnership.tenancy.roles import Role

from ..models import Activity, Attachment, EvidenceNote, FocusArea, Review, SelfReview

SCHOOL_ROLE_ORDER = [Role.HEADTEACHER, Role.SENIOR_LEADER, Role.STAFF, Role.GOVERNOR]


def self_review_of(review: Review) -> SelfReview | None:
    """The review's self-review with its focus areas, loaded once per review object."""
    if "_self_review" not in review.__dict__:
        review.__dict__["_self_review"] = (
            SelfReview.objects.filter(review=review)
            .select_related("updated_by")
            .prefetch_related(Prefetch("focus_areas", queryset=FocusArea.objects.order_by("position", "name")))
            .first()
        )
    return review.__dict__["_self_review"]


def attachments_of(review: Review) -> QuerySet[Attachment]:
    return Attachment.objects.filter(review=review).select_related("uploaded_by").order_by("uploaded_at", "pk")


def lines_of_enquiry(self_review: SelfReview | None) -> list[str]:
    if self_review is None:
        return []
    return [line for line in self_review.lines_of_enquiry.splitlines() if line.strip()]


def chosen_focus_area_ids(review: Review) -> list[int]:
    self_review = self_review_of(review)
    return [area.pk for area in self_review.focus_areas.all()] if self_review else []


def programme_people(review: Review) -> list[tuple[User, str]]:
    """Who can take part in the programme: the review team, then the reviewed school's people (label: their part)."""
    if "_programme_people" not in review.__dict__:
        people: dict[int, tuple[User, str]] = {}
        for seat in review.team.select_related("user", "school"):
            people[seat.user_id] = (seat.user, "lead reviewer" if seat.is_lead else "reviewer")
        memberships = (
            Membership.objects.filter(school_id=review.school_id, ended_on__isnull=True, role__in=SCHOOL_ROLE_ORDER)
            .select_related("user")
            .order_by("user__last_name", "user__first_name")
        )
        school_people = sorted(memberships, key=lambda m: SCHOOL_ROLE_ORDER.index(m.role))
        for membership in school_people:
            if membership.user_id not in people:
                people[membership.user_id] = (membership.user, membership.get_role_display().lower())
        review.__dict__["_programme_people"] = list(people.values())
    return review.__dict__["_programme_people"]


@dataclass
class ProgrammeDay:
    date: datetime.date | None  # None: activities on a day that is no longer a visit day
    activities: list[Activity] = field(default_factory=list)


def programme_by_day(review: Review) -> list[ProgrammeDay]:
    """The timetable: each visit day with its activities in time order (and any left on a day since changed)."""
    days = {day.date: ProgrammeDay(day.date) for day in review.visit_days.all()}
    stray = ProgrammeDay(None)
    activities = (
        Activity.objects.filter(review=review)
        .prefetch_related("participants")
        .annotate(note_count=Count("notes"))
        .order_by("date", "starts_at", "pk")
    )
    for activity in activities:
        days.get(activity.date, stray).activities.append(activity)
    result = sorted(days.values(), key=lambda d: d.date)
    if stray.activities:
        result.append(stray)
    return result


@dataclass
class NoteGroup:
    activity: Activity | None  # None: general notes
    notes: list[EvidenceNote] = field(default_factory=list)


def evidence_by_activity(review: Review, *, focus_area_id: int | None = None) -> list[NoteGroup]:
    """Evidence notes grouped by activity in programme order, general notes last; optionally one focus area's."""
    notes = (
        EvidenceNote.objects.filter(review=review)
        .select_related("activity", "author", "updated_by")
        .prefetch_related(Prefetch("focus_areas", queryset=FocusArea.objects.order_by("position", "name")))
        .order_by("created_at", "pk")
    )
    if focus_area_id is not None:
        notes = notes.filter(focus_areas=focus_area_id)
    groups: dict[int | None, NoteGroup] = {}
    for note in notes:
        groups.setdefault(note.activity_id, NoteGroup(note.activity)).notes.append(note)
    general = groups.pop(None, None)
    ordered = sorted(groups.values(), key=lambda g: (g.activity.date, g.activity.starts_at, g.activity.pk))
    return [*ordered, general] if general else ordered


def visit_counts(review: Review) -> dict[str, int]:
    """Activities and evidence notes, for the review page's summary."""
    return {
        "activities": Activity.objects.filter(review=review).count(),
        "notes": EvidenceNote.objects.filter(review=review).count(),
    }


def cycle_focus_areas(review: Review) -> list[FocusArea]:
    if "_cycle_focus_areas" not in review.__dict__:
        review.__dict__["_cycle_focus_areas"] = list(
            FocusArea.objects.filter(cycle_id=review.cycle_id).order_by("position", "name")
        )
    return review.__dict__["_cycle_focus_areas"]
