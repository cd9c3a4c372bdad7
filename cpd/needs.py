"""Needs versus programme (issue 14): the areas for development that peer reviews record, by focus area, set beside
the CPD programme. Reads only; call inside a partnership scope.

What counts as a need follows the dashboard's themes: a finding of a review whose report is final (or shared with
governors) with something written under "areas for development". Drafts and reports still in the factual-accuracy
check are not counted: the school has not yet agreed them.

A need found in a cycle is met by the programme when a published event tagged with its focus area has a session in
the cycle's academic year or the next one (training follows the reports, which mostly come late in the year).
"Attended" is a mark of present, late or left early on a session of such an event.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet

from partnership.common.disclosure import ALL, Cube, tree_dim
from reviews.models import Cycle, Finding, FocusArea, Review, ReviewStatus
from schools.models import Area, School

from .models import Attendance, AttendanceMark, Event, EventFocusArea, EventStatus, Session

FINAL_STATUSES = (ReviewStatus.FINAL, ReviewStatus.SHARED)
# Someone who came, even late or leaving early, took part: take-up counts them (a certificate needs more).
TOOK_PART = (AttendanceMark.PRESENT, AttendanceMark.LATE, AttendanceMark.LEFT_EARLY)
NO_AREA = "none"


def academic_year(year_start: int) -> tuple[datetime.date, datetime.date]:
    """1 September to 31 August of the academic year starting in `year_start`."""
    return datetime.date(year_start, 9, 1), datetime.date(year_start + 1, 8, 31)


def programme_period(year_start: int) -> tuple[datetime.date, datetime.date]:
    """The programme that answers a cycle's needs: its academic year and the next."""
    return academic_year(year_start)[0], academic_year(year_start + 1)[1]


@dataclass(frozen=True)
class CycleChoice:
    pk: int
    name: str
    academic_year_start: int

    @property
    def period(self) -> tuple[datetime.date, datetime.date]:
        return programme_period(self.academic_year_start)


def cycles_newest_first() -> list[CycleChoice]:
    return [
        CycleChoice(*row)
        for row in Cycle.objects.order_by("-academic_year_start", "-created_at", "-pk").values_list(
            "pk", "name", "academic_year_start"
        )
    ]


def need_rows() -> QuerySet[Finding]:
    """Findings that record an area for development in a final report."""
    return Finding.objects.filter(review__status__in=FINAL_STATUSES, areas_for_development__regex=r"\S")


def tagged_events(start: datetime.date, end: datetime.date) -> QuerySet[EventFocusArea]:
    """Tags of published events with a session between start and end."""
    in_period = Session.objects.filter(event_id=OuterRef("event_id"), date__gte=start, date__lte=end)
    return EventFocusArea.objects.filter(Exists(in_period), event__status=EventStatus.PUBLISHED)


def marked_rows(start: datetime.date, end: datetime.date) -> QuerySet[Attendance]:
    """Every mark on a closed register of a session between start and end (a register still open may change)."""
    return Attendance.objects.filter(
        register__closed_at__isnull=False,
        booking__session__date__gte=start,
        booking__session__date__lte=end,
    )


def attendance_rows(start: datetime.date, end: datetime.date) -> QuerySet[Attendance]:
    """Marks of people who took part, on closed registers."""
    return marked_rows(start, end).filter(mark__in=TOOK_PART)


# -- The analysis a coordinator reads ----------------------------------------------------------------------------


@dataclass
class EventRef:
    pk: int
    title: str


@dataclass
class NeedRow:
    focus: str
    schools: int = 0  # schools whose final report records an area for development in this focus area
    by_area: dict[str, int] = field(default_factory=dict)
    by_phase: dict[str, int] = field(default_factory=dict)
    events: list[EventRef] = field(default_factory=list)  # the programme's tagged events in the period
    schools_attended: int = 0  # of those schools, how many had someone at a tagged event
    people_attended: int = 0  # people from those schools at a tagged event (each person once per focus area)

    @property
    def met(self) -> bool:
        return bool(self.events)


@dataclass
class NeedsAnalysis:
    cycle: CycleChoice | None
    rows: list[NeedRow]
    areas: list[tuple[str, str]]  # (key, name) of the areas holding a school with a need
    phases: list[tuple[str, str]]
    schools_with_a_need: int = 0  # schools with at least one need, whatever the focus area

    @property
    def met(self) -> list[NeedRow]:
        return [r for r in self.rows if r.schools and r.met]

    @property
    def unmet(self) -> list[NeedRow]:
        return [r for r in self.rows if r.schools and not r.met]

    @property
    def by_area_rows(self) -> list[tuple[str, list[int]]]:
        return [(r.focus, [r.by_area.get(key, 0) for key, _ in self.areas]) for r in self.rows]

    @property
    def by_phase_rows(self) -> list[tuple[str, list[int]]]:
        return [(r.focus, [r.by_phase.get(key, 0) for key, _ in self.phases]) for r in self.rows]


def _school_filter(area: str, phase: str, prefix: str) -> Q:
    q = Q()
    if area == NO_AREA:
        q &= Q(**{f"{prefix}area__isnull": True})
    elif area != ALL:
        q &= Q(**{f"{prefix}area_id": int(area)})
    if phase != ALL:
        q &= Q(**{f"{prefix}phase": phase})
    return q


def needs_analysis(
    cycle: CycleChoice | None,
    *,
    area: str = ALL,
    phase: str = ALL,
    focus_names: list[str] | None = None,
    area_names: bool = True,
) -> NeedsAnalysis:
    """Every focus area with its needs (schools), the programme's tagged events and who attended, for the schools
    of `area` (an Area id, NO_AREA or ALL) and `phase` (a School.Phase value or ALL). Five queries, whatever the
    number of schools or events; three when the caller knows the cycle's focus areas and needs no area names."""
    if cycle is None:
        return NeedsAnalysis(cycle=None, rows=[], areas=[], phases=[])
    start, end = cycle.period
    place = _school_filter(area, phase, "review__school__")
    needs = list(
        need_rows()
        .filter(place, review__cycle_id=cycle.pk)
        .values_list("focus_area__name", "review__school_id", "review__school__area_id", "review__school__phase")
        .distinct()
    )
    focus_order = (
        focus_names
        if focus_names is not None
        else FocusArea.objects.filter(cycle_id=cycle.pk).order_by("position", "name").values_list("name", flat=True)
    )
    schools_of: dict[str, set[int]] = defaultdict(set)
    rows: dict[str, NeedRow] = {}
    area_ids: set[int | None] = set()
    phases: set[str] = set()
    every_school: set[int] = set()
    for name in focus_order:
        rows[name] = NeedRow(focus=name)
    for name, school_id, area_id, school_phase in needs:
        row = rows.setdefault(name, NeedRow(focus=name))
        if school_id in schools_of[name]:
            continue
        schools_of[name].add(school_id)
        every_school.add(school_id)
        row.schools += 1
        area_key = str(area_id) if area_id is not None else NO_AREA
        row.by_area[area_key] = row.by_area.get(area_key, 0) + 1
        row.by_phase[school_phase] = row.by_phase.get(school_phase, 0) + 1
        area_ids.add(area_id)
        phases.add(school_phase)
    events = (
        tagged_events(start, end)
        .values_list("name", "event_id", "event__title")
        .annotate(first=Min("event__sessions__date"))
        .order_by("name", "first", "event__title")
    )
    for name, event_id, title, _first in events:
        rows.setdefault(name, NeedRow(focus=name)).events.append(EventRef(event_id, title))
    attended = (
        attendance_rows(start, end)
        .filter(
            booking__school_id__in=list(every_school) or [0],
            booking__event__focus_areas__name__in=list(schools_of) or [""],
            booking__event__status=EventStatus.PUBLISHED,
        )
        .values_list("booking__event__focus_areas__name", "booking__school_id")
        .annotate(people=Count("booking__user_id", distinct=True))
        .order_by()
    )
    for name, school_id, people in attended:
        if school_id in schools_of.get(name, ()):
            rows[name].schools_attended += 1
            rows[name].people_attended += people
    known = [a for a in area_ids if a is not None]
    names = dict(Area.objects.filter(pk__in=known).values_list("pk", "name")) if known and area_names else {}
    area_list = sorted(((str(pk), name) for pk, name in names.items()), key=lambda item: item[1].lower())
    if None in area_ids:
        area_list.append((NO_AREA, "Not in an area"))
    phase_labels = dict(School.Phase.choices)
    return NeedsAnalysis(
        cycle=cycle,
        rows=list(rows.values()),
        areas=area_list,
        phases=[(p, phase_labels.get(p, p)) for p in School.Phase.values if p in phases],
        schools_with_a_need=len(every_school),
    )


# -- What a board member may see: the whole partnership, under the small-group rule ----------------------------

ATTENDED = "attended"
NOT_ATTENDED = "not_attended"


def needs_dim():
    return tree_dim(
        "measure",
        [(ATTENDED, "Of these, someone attended a tagged event"), (NOT_ATTENDED, "Of these, nobody attended one")],
        total="Schools with areas for development",
    )


def needs_cube(analysis: NeedsAnalysis) -> Cube:
    """Schools with a need in each focus area, split by whether anyone from them attended a tagged event, for the
    whole partnership (not suppressed: the caller suppresses for board members). The split is a partition, so the
    rule sees "with a need" = "attended" + "nobody attended" and never lets one be worked out from the other two.
    Areas for development by area or phase are not offered to board members (docs/small-groups.md), so the cube
    has no place dimensions: give it the analysis of the whole partnership."""
    leaves = []
    for row in analysis.rows:
        leaves.append(((ATTENDED, row.focus), row.schools_attended))
        leaves.append(((NOT_ATTENDED, row.focus), row.schools - row.schools_attended))
    focus = tree_dim("focus", [(row.focus, row.focus) for row in analysis.rows], total=None)
    return Cube([needs_dim(), focus], leaves)


@dataclass
class BoardNeed:
    """One focus area as a board member sees it: None is a figure hidden by the small-group rule."""

    focus: str
    schools: int | None
    attended: int | None
    not_attended: int | None
    events: list[EventRef]

    @property
    def met(self) -> bool:
        return bool(self.events)

    @property
    def figures(self) -> list[int | None]:
        return [self.schools, self.attended, self.not_attended]


def board_rows(cycle: CycleChoice, focus_names: list[str] | None = None) -> list[BoardNeed]:
    """The whole partnership's needs with the small-group rule applied (for the needs page and the dashboard)."""
    analysis = needs_analysis(cycle, focus_names=focus_names, area_names=False)
    cube = needs_cube(analysis).suppress()

    def figure(measure: str, focus: str) -> int | None:
        return None if cube.is_hidden((measure, focus)) else cube.value((measure, focus))

    return [
        BoardNeed(
            focus=row.focus,
            schools=figure(ALL, row.focus),
            attended=figure(ATTENDED, row.focus),
            not_attended=figure(NOT_ATTENDED, row.focus),
            events=row.events,
        )
        for row in analysis.rows
    ]


# -- A school's suggestions -----------------------------------------------------------------------------------


@dataclass
class Suggestion:
    focus: str
    events: list[Event]


@dataclass
class SchoolSuggestions:
    school: School
    review: Review | None  # the latest review with a final report
    suggestions: list[Suggestion]


def school_suggestions(school: School, today: datetime.date) -> SchoolSuggestions:
    """Events to come that are tagged with a focus area in which the school's latest final report records an area
    for development. The caller checks that the person may see that review (permissions.can_see_suggestions).
    Three queries."""
    review = (
        Review.objects.filter(school=school, status__in=FINAL_STATUSES)
        .select_related("cycle")
        .order_by("-cycle__academic_year_start", "-pk")
        .first()
    )
    if review is None:
        return SchoolSuggestions(school=school, review=None, suggestions=[])
    focus = list(
        need_rows()
        .filter(review=review)
        .order_by("focus_area__position", "focus_area__name")
        .values_list("focus_area__name", flat=True)
    )
    upcoming = Session.objects.filter(event_id=OuterRef("event_id"), date__gte=today)
    tags = (
        EventFocusArea.objects.filter(
            Exists(upcoming),
            name__in=focus,
            event__status=EventStatus.PUBLISHED,
        )
        .filter(Q(event__audience_phases=[]) | Q(event__audience_phases__contains=[school.phase]))
        .select_related("event")
        .annotate(first=Min("event__sessions__date"))
        .order_by("first", "event__title")
    )
    by_focus: dict[str, list[Event]] = {name: [] for name in focus}
    for tag in tags:
        tag.event.first = tag.first
        by_focus[tag.name].append(tag.event)
    return SchoolSuggestions(
        school=school, review=review, suggestions=[Suggestion(name, events) for name, events in by_focus.items()]
    )


def event_tags(event: Event) -> list[str]:
    return list(event.focus_areas.order_by("name").values_list("name", flat=True))
