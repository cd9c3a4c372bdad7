"""Reads for the county dashboard: a handful of aggregate queries whose number does not grow with the number
of schools, each turned into a cube of counts (see disclosure.py), and the schools behind a count.

Call inside a partnership scope. Every count is a count of schools: one enrolment, review, self-review or
finding per school and cycle.
"""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache, partial

from dateutil.relativedelta import relativedelta
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from improvement.models import Action, ActionPlan, ImpactVisit
from improvement.models.after_review import OPEN_ACTION_STATUSES
from partnership.common.disclosure import ALL, Cube, Dim, tree_dim
from reviews.calendar import SchoolCalendar, bank_holidays_of_england, calendar_for_partnership
from reviews.models import Cycle, Enrolment, Finding, FocusArea, Review, ReviewStatus, SelfReview, VisitDay
from reviews.models.cycles import SCALE_PRESETS, GradingScale
from schools.models import School

NO_AREA = "area:none"


class Tally(Count):
    """COUNT(...) read as PostgreSQL returns it, an int already: without Django's int() on every row, which on the
    thousands of grouped rows the dashboard reads costs several milliseconds."""

    convert_value = staticmethod(Count._convert_value_noop)


# -- Dimensions -------------------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def area_node(area_id: int | None) -> str:
    return f"area:{area_id if area_id is not None else 'none'}"


@lru_cache(maxsize=16384)
def cluster_node(area_id: int | None, cluster_id: int | None) -> str:
    return f"cluster:{area_id if area_id is not None else 'none'}:{cluster_id if cluster_id is not None else 'none'}"


PHASE_LABELS = dict(School.Phase.choices)
OTHER_PHASES = "other"
MIN_PHASE_SCHOOLS = 10
PHASE_ORDER = list(School.Phase.values)


@dataclass
class Geography:
    """The partnership's areas, clusters (as they hold schools) and phases, in display order."""

    areas: list[tuple[str, str]]  # (node, label)
    clusters: dict[str, list[tuple[str, str]]]  # area node -> [(cluster node, label)]
    phases: list[str]  # phase nodes: School.Phase values, and OTHER_PHASES for the small ones merged
    other_phases: list[str] = field(default_factory=list)  # the School.Phase values merged into OTHER_PHASES

    def phase_node(self, phase: str) -> str:
        return OTHER_PHASES if phase in self.other_phases else phase

    def phase_label(self, node: str) -> str:
        if node == OTHER_PHASES:
            names = [PHASE_LABELS[p] for p in self.other_phases]
            if len(names) <= 2:
                return " and ".join([names[0], *[n.lower() for n in names[1:]]])
            return f"Other phases ({', '.join(names)})"
        return PHASE_LABELS.get(node, node)

    @cached_property
    def area_dim(self) -> Dim:
        return tree_dim("geo", self.areas, total="All areas")

    @cached_property
    def cluster_dim(self) -> Dim:
        items = list(self.areas)
        groups = {}
        for area, clusters in self.clusters.items():
            items.extend(clusters)
            groups[area] = [node for node, _ in clusters]
        return tree_dim("geo", items, total="All areas", groups=groups)

    @cached_property
    def phase_dim(self) -> Dim:
        return tree_dim("phase", [(p, self.phase_label(p)) for p in self.phases], total="All phases")

    def area_label(self, node: str) -> str:
        return self.area_dim.label(node)


def geography() -> Geography:
    rows = (
        School.objects.values("area_id", "area__name", "cluster_id", "cluster__name", "phase")
        .annotate(n=Tally("pk"))
        .order_by()
    )
    areas: dict[str, str] = {}
    clusters: dict[str, dict[str, str]] = {}
    phases: dict[str, int] = {}
    for row in rows:
        area = area_node(row["area_id"])
        areas[area] = row["area__name"] or "Not in an area"
        label = row["cluster__name"] or (
            f"{row['area__name']}: not in a cluster" if row["area__name"] else "Not in an area or cluster"
        )
        clusters.setdefault(area, {})[cluster_node(row["area_id"], row["cluster_id"])] = label
        phases[row["phase"]] = phases.get(row["phase"], 0) + row["n"]

    def area_order(item):
        return (item[0] == NO_AREA, _natural(item[1]), item[0])

    ordered_areas = sorted(areas.items(), key=area_order)
    return Geography(
        areas=ordered_areas,
        clusters={
            area: sorted(clusters[area].items(), key=lambda item: (item[0].endswith(":none"), _natural(item[1])))
            for area, _ in ordered_areas
        },
        **_recoded_phases(phases),
    )


def _recoded_phases(counts: dict[str, int]) -> dict:
    """Phases with few schools (nursery, all-through, alternative provision...) merged into "Other phases", the
    smallest first, until every phase shown holds at least MIN_PHASE_SCHOOLS schools: a phase of one or two
    schools split by stage or area would be nothing but small groups."""
    merged: list[str] = []
    by_size = sorted(counts, key=lambda p: (counts[p], PHASE_ORDER.index(p) if p in PHASE_ORDER else 99))
    while len(by_size) > 1 and (
        counts[by_size[0]] < MIN_PHASE_SCHOOLS or (merged and sum(counts[p] for p in merged) < MIN_PHASE_SCHOOLS)
    ):
        merged.append(by_size.pop(0))
    kept = [p for p in PHASE_ORDER if p in counts and p not in merged]
    other = [p for p in PHASE_ORDER if p in merged]
    return {"phases": kept + ([OTHER_PHASES] if other else []), "other_phases": other}


def _natural(label: str) -> list:
    """ "Cluster 9" before "Cluster 10"."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", label.lower())]


def geo_q(node: str, prefix: str = "") -> Q:
    """Schools in a geography node (prefix: the path to the school, e.g. 'school__')."""
    if node == ALL:
        return Q()
    parts = node.split(":")
    q = Q()
    area, cluster = parts[1], parts[2] if len(parts) > 2 else None
    q &= Q(**{f"{prefix}area__isnull": True}) if area == "none" else Q(**{f"{prefix}area_id": int(area)})
    if cluster == "none":
        q &= Q(**{f"{prefix}cluster__isnull": True})
    elif cluster is not None:
        q &= Q(**{f"{prefix}cluster_id": int(cluster)})
    return q


def _phase_q(node: str, prefix: str = "", geo: "Geography | None" = None) -> Q:
    """Schools in a phase node; "Other phases" needs the geography that merged them."""
    if node == ALL:
        return Q()
    if node == OTHER_PHASES:
        return Q(**{f"{prefix}phase__in": geo.other_phases if geo else []})
    return Q(**{f"{prefix}phase": node})


# -- Cycles and focus areas ---------------------------------------------------------------------------------


@dataclass
class CycleInfo:
    pk: int
    name: str
    academic_year_start: int
    grading_scale: str
    custom_grades: list[str]
    focus_areas: list[str] = field(default_factory=list)
    focus_area_ids: dict[int, str] = field(default_factory=dict)

    @property
    def grades(self) -> list[str]:
        if self.grading_scale == GradingScale.CUSTOM:
            return list(self.custom_grades)
        return list(SCALE_PRESETS.get(self.grading_scale, []))

    @property
    def academic_year(self) -> str:
        return f"{self.academic_year_start}/{(self.academic_year_start + 1) % 100:02d}"


def cycles_oldest_first() -> list[CycleInfo]:
    cycles = [
        CycleInfo(**row)
        for row in Cycle.objects.order_by("academic_year_start", "created_at", "pk").values(
            "pk", "name", "academic_year_start", "grading_scale", "custom_grades"
        )
    ]
    by_pk = {cycle.pk: cycle for cycle in cycles}
    focus = FocusArea.objects.order_by("cycle_id", "position", "name").values_list("cycle_id", "pk", "name")
    for cycle_id, pk, name in focus:
        if cycle_id in by_pk:
            by_pk[cycle_id].focus_areas.append(name)
            by_pk[cycle_id].focus_area_ids[pk] = name
    return cycles


# -- Measures: each a queryset with one annotation per category dimension, counted as a cube ---------------

OFSTED_CATEGORIES = [
    ("outstanding", "Outstanding"),
    ("good", "Good"),
    ("requires_improvement", "Requires improvement"),
    ("inadequate", "Inadequate (serious weaknesses or special measures)"),
    ("not_known", "Not inspected or not known"),
]

OFSTED_GRADES = {
    "outstanding": "outstanding",
    "good": "good",
    "requires improvement": "requires_improvement",
    "inadequate": "inadequate",
    "serious weaknesses": "inadequate",
    "special measures": "inadequate",
}


def ofsted_category(rating: str) -> str:
    """GIAS's `OfstedRating (name)` as one of OFSTED_CATEGORIES (anything else: not inspected or not known)."""
    return OFSTED_GRADES.get((rating or "").strip().lower(), "not_known")


def member_schools() -> QuerySet[School]:
    """Open member schools (closed schools stay in history but are no longer members)."""
    return School.objects.exclude(status=School.Status.CLOSED)


@lru_cache(maxsize=1)
def ofsted_dim() -> Dim:
    return tree_dim("ofsted", OFSTED_CATEGORIES, total="All member schools")


def ofsted_q(category: str) -> Q:
    if category == ALL:
        return Q()
    named = [rating for rating, c in OFSTED_GRADES.items() if c != "not_known"]
    if category == "not_known":
        return ~Q(ofsted_rating__iregex=rf"^\s*({'|'.join(named)})\s*$")
    ratings = [rating for rating, c in OFSTED_GRADES.items() if c == category]
    return Q(ofsted_rating__iregex=rf"^\s*({'|'.join(ratings)})\s*$")


def members_cube(geo: Geography, *, for_board: bool = False) -> Cube:
    rows = member_schools().values_list("ofsted_rating", "area_id", "phase").annotate(n=Tally("pk")).order_by()
    return Cube(
        [ofsted_dim(), geo.area_dim, geo.phase_dim],
        (((ofsted_category(rating), area_node(area), geo.phase_node(phase)), n) for rating, area, phase, n in rows),
        unpublished=[BY_AREA_AND_PHASE_3] if for_board else (),
        public=whole_partnership(geo, 3) if for_board else (),
    )


# What a board member is offered (issue 12). Every cell a board member can see is a cell of one suppressed cube,
# so the breakdowns offered decide how many small groups there are to hide and how far hiding them spreads. A
# category split by area *and* phase at once is nearly all groups of 1 or 2 schools, and each of those forced a
# second figure to be hidden, and so on up to the partnership's own totals. Board members are therefore offered:
# - operational progress (stages, overdue items, schools not reviewed) by area or by phase, not both together;
# - outcomes (grades, and areas for development found) protected more: grades for the whole partnership only
#   (not by area or phase), focus areas by area or by phase but not both;
# - member schools by area and phase (a count of open schools, no outcome), Ofsted grades by area or by phase;
# - the whole partnership's operational figures (all areas, all phases) in full: public cells (disclosure.py).
# An unpublished cell ties no sum together, so it cannot be used to work a hidden figure out.
def _split(node: str) -> bool:
    return node != ALL


def _whole(node: str) -> bool:
    return node == ALL


def whole_partnership(geo: Geography, dims: int) -> list[tuple]:
    """The public cells' rule: all areas and all phases (an only area or an only phase is the whole too)."""
    geo_whole = (lambda node: True) if len(geo.areas) == 1 else _whole
    phase_whole = (lambda node: True) if len(geo.phases) == 1 else _whole
    return [(*[None] * (dims - 2), geo_whole, phase_whole)]


# By area or by phase, only the total over the categories (how many items overdue, schools not reviewed).
TOTAL_ONLY_BY_PLACE_3 = [(_split, _split, None), (_split, None, _split)]


BY_AREA_AND_PHASE_3 = (_split, _split, _split)  # (category, area, phase)
BY_AREA_AND_PHASE_4 = (None, _split, _split, _split)  # (measure or kind, category, area, phase)


PIPELINE_STAGES = [
    ("enrolled", "Enrolled, not yet in a group"),
    (ReviewStatus.GROUPED.value, "Grouped"),
    (ReviewStatus.SCHEDULED.value, "Visit scheduled"),
    (ReviewStatus.VISITED.value, "Visited"),
    (ReviewStatus.DRAFT.value, "Report in draft"),
    (ReviewStatus.FACTUAL_ACCURACY.value, "Factual-accuracy check"),
    (ReviewStatus.FINAL.value, "Final"),
    (ReviewStatus.SHARED.value, "Shared with governors"),
]
REVIEWED = "reviewed"
FINALISED = "finalised"
NOT_VISITED = "not_visited"
IN_PROGRESS = "in_progress"
# The stages in three bands: what a board member sees for an area or a phase, where single stages are small.
STAGE_BANDS = [NOT_VISITED, IN_PROGRESS, FINALISED]
STAGE_LEAVES = [stage for stage, _ in PIPELINE_STAGES]
REACHED_VISITED = [
    ReviewStatus.VISITED,
    ReviewStatus.DRAFT,
    ReviewStatus.FACTUAL_ACCURACY,
    ReviewStatus.FINAL,
    ReviewStatus.SHARED,
]


@lru_cache(maxsize=1)
def stage_dim() -> Dim:
    return tree_dim(
        "stage",
        [
            *PIPELINE_STAGES,
            (NOT_VISITED, "Not yet visited"),
            (IN_PROGRESS, "Visited, report not final"),
            (FINALISED, "Final or shared"),
            (REVIEWED, "Visited or later"),
        ],
        total="Enrolled",
        groups={
            NOT_VISITED: ["enrolled", ReviewStatus.GROUPED, ReviewStatus.SCHEDULED],
            IN_PROGRESS: [ReviewStatus.VISITED, ReviewStatus.DRAFT, ReviewStatus.FACTUAL_ACCURACY],
            FINALISED: [ReviewStatus.FINAL, ReviewStatus.SHARED],
            REVIEWED: [IN_PROGRESS, FINALISED],
        },
    )


STAGE_LEAVES_UNDER = {
    ALL: STAGE_LEAVES,
    REVIEWED: [s.value for s in REACHED_VISITED],
    FINALISED: [ReviewStatus.FINAL.value, ReviewStatus.SHARED.value],
    NOT_VISITED: ["enrolled", ReviewStatus.GROUPED.value, ReviewStatus.SCHEDULED.value],
    IN_PROGRESS: [ReviewStatus.VISITED.value, ReviewStatus.DRAFT.value, ReviewStatus.FACTUAL_ACCURACY.value],
}


def pipeline_rows() -> QuerySet[Enrolment]:
    status = Review.objects.filter(cycle=OuterRef("cycle"), school=OuterRef("school")).order_by().values("status")[:1]
    return Enrolment.objects.annotate(stage=Coalesce(Subquery(status), Value("enrolled"), output_field=CharField()))


def pipeline_cubes(cycles: list[CycleInfo], geo: Geography, *, for_board: bool = False) -> dict[int, Cube]:
    """Two plain aggregates (reviews by stage, enrolments) rather than a subquery per enrolment: a school
    enrolled without a review yet is "enrolled, not yet in a group". A board member's cube stops at areas (no
    clusters) and splits stages by area or by phase, not both (see BY_AREA_AND_PHASE_3)."""
    cycle_ids = [c.pk for c in cycles]
    place = ("school__area_id", "school__cluster_id", "school__phase")
    reviews = (
        Review.objects.filter(cycle_id__in=cycle_ids).values_list("cycle_id", "status", *place).annotate(n=Tally("pk"))
    )
    enrolments = (
        Enrolment.objects.filter(cycle_id__in=cycle_ids).values_list("cycle_id", *place).annotate(n=Tally("pk"))
    )
    leaves: dict[int, list] = {c.pk: [] for c in cycles}
    not_grouped: dict[tuple, int] = {}
    for cycle_id, area, cluster, phase, n in enrolments.order_by():
        not_grouped[(cycle_id, area, cluster, phase)] = n
    for cycle_id, stage, area, cluster, phase, n in reviews.order_by():
        leaves[cycle_id].append(((stage, cluster_node(area, cluster), geo.phase_node(phase)), n))
        key = (cycle_id, area, cluster, phase)
        not_grouped[key] = not_grouped.get(key, 0) - n
    for (cycle_id, area, cluster, phase), n in not_grouped.items():
        if n > 0:  # (a review always has its enrolment; never count below zero if one went missing)
            leaves[cycle_id].append((("enrolled", cluster_node(area, cluster), geo.phase_node(phase)), n))
    if for_board:
        dims = [stage_dim(), geo.area_dim, geo.phase_dim]
        rules = [BY_AREA_AND_PHASE_3, SINGLE_STAGE_BY_PLACE[0], SINGLE_STAGE_BY_PLACE[1]]
        public = whole_partnership(geo, 3)
        return {pk: Cube(dims, _to_areas(counted), unpublished=rules, public=public) for pk, counted in leaves.items()}
    dims = [stage_dim(), geo.cluster_dim, geo.phase_dim]
    return {pk: Cube(dims, counted, unpublished=[CLUSTER_BY_PHASE]) for pk, counted in leaves.items()}


# Single stages for the whole partnership only; an area or a phase is shown in the three bands.
SINGLE_STAGE_BY_PLACE = [
    (lambda stage: stage in STAGE_LEAVES, _split, None),
    (lambda stage: stage in STAGE_LEAVES, None, _split),
]


def _to_areas(leaves: list) -> list:
    """Leaves keyed by cluster, keyed by the cluster's area instead."""
    return [((stage, "area:" + place.split(":")[1], phase), n) for (stage, place, phase), n in leaves]


# A cluster holds 5-10 schools: split by phase it would be all small groups, so it is never shown.
CLUSTER_BY_PHASE = (None, lambda geo: geo.startswith("cluster:"), lambda phase: phase != ALL)


# Overdue items, in working days (reviews/calendar.py).
OVERDUE_KINDS = [
    ("self_review", "Self-reviews not shared"),
    ("report", "Reports not sent for the factual-accuracy check"),
    ("factual_accuracy", "Factual-accuracy checks not returned"),
    ("impact_visit", "Impact visits not recorded"),
    ("action", "Action plans with actions not done"),
]
OVERDUE_BUCKETS = [("1-5", 1, 5), ("6-10", 6, 10), ("11-20", 11, 20), ("21+", 21, None)]
OVERDUE_BUCKET_LABELS = {
    "1-5": "1 to 5 working days",
    "6-10": "6 to 10 working days",
    "11-20": "11 to 20 working days",
    "21+": "More than 20 working days",
}


@lru_cache(maxsize=1)
def overdue_kind_dim() -> Dim:
    return tree_dim("kind", OVERDUE_KINDS, total="All overdue items")


@lru_cache(maxsize=1)
def overdue_bucket_dim() -> Dim:
    return tree_dim("bucket", [(b, OVERDUE_BUCKET_LABELS[b]) for b, _, _ in OVERDUE_BUCKETS], total="Overdue")


@lru_cache(maxsize=4)
def _bank_holidays(year: int) -> dict[datetime.date, str]:
    """England's bank holidays around a year. Fixed by law for past and listed years, so a table per process is
    safe to keep (it changes only with the `holidays` package, i.e. on a deploy); building it takes ~50 ms."""
    return bank_holidays_of_england(range(year - 4, year + 2))


def fast_calendar(today: datetime.date) -> SchoolCalendar:
    """The partnership's calendar (terms and closure days read now), with the bank holidays table reused."""
    calendar = calendar_for_partnership()
    calendar.__dict__["_bank_holidays"] = _bank_holidays(today.year)
    return calendar


def working_days_back(calendar: SchoolCalendar, today: datetime.date, count: int) -> list[datetime.date]:
    """The last `count` working days up to and including today, latest first (fewer if none for 3 years)."""
    days, day = [], today
    while len(days) < count and (today - day).days <= 3 * 366:
        if calendar.is_working_day(day):
            days.append(day)
        day -= datetime.timedelta(days=1)
    return days


def overdue_buckets(today: datetime.date, calendar: SchoolCalendar | None = None) -> dict[str, tuple]:
    """Each bucket as a range of due dates (from, before), `from` None for open-ended.

    An item due on D is overdue by the working days after D up to today: with w1 > w2 > ... the working days
    up to today, it is overdue by N or more exactly when D < wN.
    """
    calendar = calendar or fast_calendar(today)
    back = working_days_back(calendar, today, 21)

    def before(n: int) -> datetime.date:
        # Due before the n-th last working day; when there are fewer working days, nothing is that late.
        return back[n - 1] if len(back) >= n else datetime.date.min

    return {
        bucket: (before(high + 1) if high is not None else None, before(low)) for bucket, low, high in OVERDUE_BUCKETS
    }


def overdue_rows(overdue_before: datetime.date) -> QuerySet[Review]:
    """Open items with a deadline, annotated with their `kind` and `due` date (filter on `due` for lateness).

    One item per review, so a school is counted once: before the final report, the review's own stage; after it
    (improvement: the action plan), the impact visit not recorded by its date, otherwise the plan's earliest open
    action due before `overdue_before` (the day before which an item is overdue by at least one working day)."""
    open_self_review = Q(self_review__isnull=True) | Q(self_review__shared_at__isnull=True)
    not_returned = Q(report__isnull=True) | Q(report__factual_accuracy_responded_at__isnull=True)
    before_visit = [ReviewStatus.GROUPED, ReviewStatus.SCHEDULED]
    drafting = [ReviewStatus.VISITED, ReviewStatus.DRAFT]
    finished = [ReviewStatus.FINAL, ReviewStatus.SHARED]
    first_open_action = (
        Action.objects.filter(plan__review=OuterRef("pk"), status__in=OPEN_ACTION_STATUSES)
        .order_by()
        .values("plan__review")
        .annotate(first=Min("due_on"))
        .values("first")
    )
    visit_missing = Exists(ActionPlan.objects.filter(review=OuterRef("pk"))) & ~Exists(
        ImpactVisit.objects.filter(plan__review=OuterRef("pk"))
    )
    kind = Case(
        When(Q(status__in=before_visit) & open_self_review, then=Value("self_review")),
        When(status__in=drafting, then=Value("report")),
        When(Q(status=ReviewStatus.FACTUAL_ACCURACY) & not_returned, then=Value("factual_accuracy")),
        When(
            Q(status__in=finished, impact_visit_on__lt=overdue_before) & visit_missing,
            then=Value("impact_visit"),
        ),
        When(Q(status__in=finished, first_action__lt=overdue_before), then=Value("action")),
        default=None,
        output_field=CharField(),
    )
    due = Case(
        When(status__in=before_visit, then=F("self_review_due_on")),
        When(status__in=drafting, then=F("report_due_on")),
        When(status=ReviewStatus.FACTUAL_ACCURACY, then=F("factual_accuracy_due_on")),
        When(Q(impact_visit_on__lt=overdue_before) & visit_missing, then=F("impact_visit_on")),
        default=F("first_action"),
    )
    return (
        Review.objects.annotate(first_action=Subquery(first_open_action))
        .annotate(kind=kind, due=due)
        .filter(kind__isnull=False, due__isnull=False)
    )


def overdue_before(buckets: dict[str, tuple]) -> datetime.date:
    """An item due before this day is overdue by at least one working day."""
    return buckets[OVERDUE_BUCKETS[0][0]][1]


def bucket_q(bucket: str, buckets: dict[str, tuple]) -> Q:
    """Items overdue by the bucket's number of working days (ALL: by at least one)."""
    if bucket == ALL:
        return Q(due__lt=overdue_before(buckets))
    start, before = buckets[bucket]
    return Q(due__lt=before) & (Q(due__gte=start) if start is not None else Q())


def overdue_cube(cycle: CycleInfo | None, geo: Geography, today: datetime.date, *, for_board: bool = False) -> Cube:
    if cycle is None:
        return Cube([overdue_kind_dim(), overdue_bucket_dim(), geo.area_dim, geo.phase_dim], [])
    return overdue_cubes([cycle], geo, today, for_board=for_board)[cycle.pk]


# How late an item is, for a board member: for the whole partnership only (by area or phase, only how many).
OVERDUE_BUCKET_BY_PLACE = [(None, _split, _split, None), (None, _split, None, _split)]
OVERDUE_KIND_BY_PLACE = [(_split, None, _split, None), (_split, None, None, _split)]


def overdue_cubes(
    cycles: list[CycleInfo], geo: Geography, today: datetime.date, *, for_board: bool = False
) -> dict[int, Cube]:
    """Every cycle's overdue items in one query (open items are few; most are in the current cycle)."""
    dims = [overdue_kind_dim(), overdue_bucket_dim(), geo.area_dim, geo.phase_dim]
    leaves: dict[int, list] = {c.pk: [] for c in cycles}
    if not cycles:
        return {}
    buckets = overdue_buckets(today)
    rows = (
        overdue_rows(overdue_before(buckets))
        .filter(bucket_q(ALL, buckets), cycle_id__in=list(leaves))
        .values_list("cycle_id", "kind", "due", "school__area_id", "school__phase")
        .annotate(n=Tally("pk"))
        .order_by()
    )
    limits = [(bucket, start, before) for bucket, (start, before) in buckets.items()]

    def bucket_of(due: datetime.date) -> str | None:
        return next((b for b, start, before in limits if due < before and (start is None or due >= start)), None)

    for cycle_id, kind, due, area, phase, n in rows:
        leaves[cycle_id].append(((kind, bucket_of(due), area_node(area), geo.phase_node(phase)), n))
    rules = [(None, None, _split, _split), *OVERDUE_BUCKET_BY_PLACE, *OVERDUE_KIND_BY_PLACE] if for_board else ()
    public = whole_partnership(geo, 4) if for_board else ()
    return {pk: Cube(dims, counted, unpublished=rules, public=public) for pk, counted in leaves.items()}


# Themes: focus areas chosen in shared self-reviews, and what finalised reports found in each.
CHOSEN = "chosen"
REPORTED = "reported"
WITH_AFD = "afd"
WITHOUT_AFD = "no_afd"
NO_GRADE = "grade:"
ANY_FOCUS = "__any__"
FINALISED_STATUSES = [ReviewStatus.FINAL, ReviewStatus.SHARED]


def grade_node(grade: str) -> str:
    return f"grade:{grade}"


def measure_dim(cycle: CycleInfo) -> Dim:
    return _measure_dim(tuple(cycle.grades))


@lru_cache(maxsize=64)
def _measure_dim(grades: tuple[str, ...]) -> Dim:
    items = [
        (CHOSEN, "Chosen as a focus"),
        (REPORTED, "Reported on in a final report"),
        (WITH_AFD, "With areas for development"),
        (WITHOUT_AFD, "Strengths only"),
    ]
    extra = []
    if grades:
        graded = [(grade_node(g), g) for g in grades] + [(NO_GRADE, "Not graded")]
        items.extend(graded)
        extra.append((REPORTED, [node for node, _ in graded]))
    return tree_dim("measure", items, total=None, groups={REPORTED: [WITH_AFD, WITHOUT_AFD]}, extra_partitions=extra)


def focus_dim(cycle: CycleInfo) -> Dim:
    return _focus_dim(tuple(cycle.focus_areas))


@lru_cache(maxsize=64)
def _focus_dim(names: tuple[str, ...]) -> Dim:
    return tree_dim("focus", [(ANY_FOCUS, "Any focus area")] + [(name, name) for name in names], total=None)


def chosen_rows() -> QuerySet[SelfReview]:
    return SelfReview.objects.filter(shared_at__isnull=False)


def finding_rows() -> QuerySet[Finding]:
    return Finding.objects.filter(review__status__in=FINALISED_STATUSES).annotate(
        has_afd=Case(When(areas_for_development__regex=r"\S", then=Value(True)), default=Value(False))
    )


def _is_grade(measure: str) -> bool:
    return measure.startswith("grade:")


# Grades are the most sensitive outcome: a board member sees them for the whole partnership only. Nor is a board
# member shown how many reports covered a focus area, or found strengths only: with areas for development, they
# would make a sum whose one small part had to be hidden with a second, larger figure of the whole partnership.
GRADES_BY_PLACE = [(_is_grade, None, _split, None), (_is_grade, None, None, _split)]
# By area or phase, only how many schools shared a self-review: a focus area chosen, or found wanting, by the
# schools of one area is about a handful of schools.
FOCUS_BY_PLACE = [
    (None, lambda focus: focus != ANY_FOCUS, _split, None),
    (None, lambda focus: focus != ANY_FOCUS, None, _split),
]
NOT_FOR_BOARD = [(lambda measure: measure in (REPORTED, WITHOUT_AFD), None, None, None)]


def themes_cubes(cycles: list[CycleInfo], geo: Geography, *, for_board: bool = False) -> dict[int, Cube]:
    cycle_ids = [c.pk for c in cycles]
    leaves: dict[int, list] = {c.pk: [] for c in cycles}
    names = {pk: name for c in cycles for pk, name in c.focus_area_ids.items()}
    place = ("review__school__area_id", "review__school__phase")
    any_focus = (
        chosen_rows()
        .filter(review__cycle_id__in=cycle_ids)
        .values_list("review__cycle_id", *place)
        .annotate(n=Tally("pk"))
        .order_by()
    )
    for cycle_id, area, phase, n in any_focus:
        leaves[cycle_id].append(((CHOSEN, ANY_FOCUS, area_node(area), geo.phase_node(phase)), n))
    chosen = (
        chosen_rows()
        .filter(review__cycle_id__in=cycle_ids, focus_areas__isnull=False)
        .values_list("review__cycle_id", "focus_areas", *place)
        .annotate(n=Tally("pk"))
        .order_by()
    )
    for cycle_id, focus, area, phase, n in chosen:
        leaves[cycle_id].append(((CHOSEN, names.get(focus), area_node(area), geo.phase_node(phase)), n))
    findings = (
        finding_rows()
        .filter(review__cycle_id__in=cycle_ids)
        .values_list("review__cycle_id", "focus_area_id", "has_afd", "grade", *place)
        .annotate(n=Tally("pk"))
        .order_by()
    )
    grades = {c.pk: set(c.grades) for c in cycles}
    for cycle_id, focus, has_afd, grade, area, phase, n in findings:
        where = (names.get(focus), area_node(area), geo.phase_node(phase))
        leaves[cycle_id].append(((WITH_AFD if has_afd else WITHOUT_AFD, *where), n))
        if grades[cycle_id]:
            leaves[cycle_id].append(((grade_node(grade) if grade in grades[cycle_id] else NO_GRADE, *where), n))
    rules = [BY_AREA_AND_PHASE_4, *GRADES_BY_PLACE, *NOT_FOR_BOARD, *FOCUS_BY_PLACE] if for_board else ()
    return {
        c.pk: Cube([measure_dim(c), focus_dim(c), geo.area_dim, geo.phase_dim], leaves[c.pk], unpublished=rules)
        for c in cycles
    }


# Schools not reviewed for more than a year: no review that reached "visited" with a visit in 12 months.
NOT_REVIEWED_CATEGORIES = [("never", "Never reviewed"), ("over_a_year", "Last visited more than a year ago")]


@lru_cache(maxsize=1)
def not_reviewed_dim() -> Dim:
    return tree_dim("category", NOT_REVIEWED_CATEGORIES, total="Not reviewed for more than a year")


def not_reviewed_rows(today: datetime.date, *, only_those: bool = True) -> QuerySet[School]:
    cutoff = today - relativedelta(years=1)
    visits = VisitDay.objects.filter(review__status__in=REACHED_VISITED)
    ever, recent = visits.values("review__school_id"), visits.filter(date__gt=cutoff).values("review__school_id")
    schools = member_schools().annotate(
        category=Case(  # IN (subquery) rather than EXISTS per school: PostgreSQL hashes each list once
            When(~Q(pk__in=ever), then=Value("never")),
            When(~Q(pk__in=recent), then=Value("over_a_year")),
            default=None,
            output_field=CharField(),
        )
    )
    return schools.filter(category__isnull=False) if only_those else schools


def not_reviewed_cube(geo: Geography, today: datetime.date, *, for_board: bool = False) -> Cube:
    # Grouped without a filter on the category (which would compute it twice); the reviewed rows are dropped here.
    rows = (
        not_reviewed_rows(today, only_those=False)
        .values_list("category", "area_id", "phase")
        .annotate(n=Tally("pk"))
        .order_by()
    )
    return Cube(
        [not_reviewed_dim(), geo.area_dim, geo.phase_dim],
        (((category, area_node(area), geo.phase_node(phase)), n) for category, area, phase, n in rows if category),
        unpublished=[BY_AREA_AND_PHASE_3, *TOTAL_ONLY_BY_PLACE_3] if for_board else (),
        public=whole_partnership(geo, 3) if for_board else (),
    )


# -- The schools behind a number (coordinators only) --------------------------------------------------------


@dataclass(frozen=True)
class DrillSource:
    """How to find the rows behind a cell of a panel's cube: the queryset, the path from a row to its school and
    a Q for each category node."""

    rows: Callable[..., QuerySet]
    school_path: str
    category_q: Callable[[str, str], Q]
    uses_cycle: bool


def _pipeline_q(dim: str, node: str) -> Q:
    if dim == "stage":
        return Q(stage__in=STAGE_LEAVES_UNDER.get(node, [node]))
    raise KeyError(dim)


def _members_q(dim: str, node: str) -> Q:
    if dim == "ofsted":
        return ofsted_q(node)
    raise KeyError(dim)


def _overdue_q(dim: str, node: str) -> Q:
    if dim == "kind":
        return Q() if node == ALL else Q(**{dim: node})
    raise KeyError(dim)


def _not_reviewed_q(dim: str, node: str) -> Q:
    if dim == "category":
        return Q() if node == ALL else Q(category=node)
    raise KeyError(dim)


def schools_behind(
    panel: str, nodes: dict[str, str], *, cycle: CycleInfo | None, today: datetime.date, geography: Geography
) -> QuerySet[School]:
    """The schools counted in one cell of a panel: `nodes` names the cell's node in each dimension."""
    geo, phase = nodes.get("geo", ALL), nodes.get("phase", ALL)
    if phase != ALL and phase not in geography.phases:
        raise KeyError(phase)
    phase_q = partial(_phase_q, geo=geography)
    if panel == "members":
        rows = member_schools().filter(_members_q("ofsted", nodes.get("ofsted", ALL)), geo_q(geo), phase_q(phase))
        return School.objects.filter(pk__in=rows.values("pk"))
    if panel == "not-reviewed":
        rows = not_reviewed_rows(today).filter(
            _not_reviewed_q("category", nodes.get("category", ALL)), geo_q(geo), phase_q(phase)
        )
        return School.objects.filter(pk__in=rows.values("pk"))
    if cycle is None:
        return School.objects.none()
    if panel == "pipeline":
        rows = (
            pipeline_rows()
            .filter(cycle_id=cycle.pk)
            .filter(_pipeline_q("stage", nodes.get("stage", ALL)), geo_q(geo, "school__"), phase_q(phase, "school__"))
        )
        return School.objects.filter(pk__in=rows.values("school_id"))
    if panel == "overdue":
        buckets = overdue_buckets(today)
        bucket = nodes.get("bucket", ALL)
        if bucket != ALL and bucket not in buckets:
            raise KeyError(bucket)
        rows = (
            overdue_rows(overdue_before(buckets))
            .filter(cycle_id=cycle.pk)
            .filter(
                _overdue_q("kind", nodes.get("kind", ALL)),
                bucket_q(bucket, buckets),
                geo_q(geo, "school__"),
                phase_q(phase, "school__"),
            )
        )
        return School.objects.filter(pk__in=rows.values("school_id"))
    if panel == "themes":
        measure, focus = nodes.get("measure", CHOSEN), nodes.get("focus", ANY_FOCUS)
        place = geo_q(geo, "review__school__") & phase_q(phase, "review__school__")
        if measure == CHOSEN:
            rows = chosen_rows().filter(place, review__cycle_id=cycle.pk)
            if focus != ANY_FOCUS:
                rows = rows.filter(focus_areas__name=focus)
        else:
            rows = finding_rows().filter(place, review__cycle_id=cycle.pk, focus_area__name=focus)
            if measure == WITH_AFD:
                rows = rows.filter(has_afd=True)
            elif measure == WITHOUT_AFD:
                rows = rows.filter(has_afd=False)
            elif measure == NO_GRADE:
                rows = rows.exclude(grade__in=cycle.grades)
            elif measure.startswith("grade:"):
                rows = rows.filter(grade=measure.removeprefix("grade:"))
        return School.objects.filter(pk__in=rows.values("review__school_id"))
    raise KeyError(panel)
