"""Reads for setting up a cycle: the coordinator's overview, enrolment, the calendar, training, groups and
review teams. Each page's reads take a fixed number of queries whatever the number of schools."""

import calendar as calendar_module
import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from partnership.accounts.models import User
from partnership.tenancy.models import Membership, Partnership
from partnership.tenancy.roles import Role
from schools.models import Area, Cluster, School

from ..calendar import SchoolCalendar, bank_holidays_of_england
from ..models import (
    ClosureDay,
    Cycle,
    Enrolment,
    EvidenceNote,
    Finding,
    FocusArea,
    GroupingRun,
    Review,
    ReviewerTraining,
    ReviewGroup,
    ReviewGroupMember,
    ReviewStatus,
    ReviewTeamMember,
    SelfReview,
    Term,
    VisitDay,
)
from .groups import REVIEWER_ROLES, training_reference_date, trust_ids

FOCUS_AREA_USES = (
    (Finding, "finding", "focus_area"),
    (SelfReview, "self-review", "focus_areas"),
    (EvidenceNote, "evidence note", "focus_areas"),
)


def _count_referring(model, field: str) -> Coalesce:
    """How many rows of `model` refer to the outer row through `field`, as a subquery: joining several such
    relations at once would multiply their rows."""
    counts = model.objects.filter(**{field: OuterRef("pk")}).order_by().values(field).annotate(n=Count("pk"))
    return Coalesce(Subquery(counts.values("n")), 0)


def cycles_with_counts() -> QuerySet[Cycle]:
    return Cycle.objects.annotate(
        enrolled=_count_referring(Enrolment, "cycle"),
        group_count=_count_referring(ReviewGroup, "cycle"),
        review_count=_count_referring(Review, "cycle"),
    ).order_by("-academic_year_start", "name")


def focus_areas_with_uses(cycle: Cycle) -> list[tuple[FocusArea, list[str]]]:
    """A cycle's focus areas, each with what refers to it in words, in one query."""
    counts = {
        f"uses_{index}": _count_referring(model, field) for index, (model, _label, field) in enumerate(FOCUS_AREA_USES)
    }
    areas = cycle.focus_areas.annotate(**counts).order_by("position", "name")
    return [
        (area, uses_in_words(getattr(area, f"uses_{index}") for index in range(len(FOCUS_AREA_USES)))) for area in areas
    ]


def cycle_for_page(pk: int) -> Cycle | None:
    return Cycle.objects.filter(pk=pk).first()


def latest_cycle() -> Cycle | None:
    """The newest cycle that is not archived (an archived cycle stays readable, but is no longer current)."""
    return Cycle.objects.filter(archived_at__isnull=True).order_by("-academic_year_start", "-created_at").first()


# The overview -------------------------------------------------------------------------------------------------


@dataclass
class CycleProgress:
    enrolled: int
    grouped: int
    groups: int
    locked_groups: int
    reviews: int
    by_status: list[tuple[str, str, int]]
    without_dates: int
    without_lead: int
    heads_untrained: int
    overdue_reports: int
    overdue_accuracy: int
    focus_areas: int
    latest_run: GroupingRun | None
    published: bool

    @property
    def ungrouped(self) -> int:
        return self.enrolled - self.grouped

    @property
    def to_do(self) -> list[tuple[str, str, str]]:
        """What needs doing, as (text, the page's url name, the link's words)."""
        items = []
        if not self.enrolled:
            items.append(("No schools are enrolled yet.", "cycle_enrolment", "Enrol schools"))
        if self.heads_untrained:
            items.append(
                (
                    f"{self.heads_untrained} headteacher{'s' if self.heads_untrained != 1 else ''} of enrolled "
                    f"schools {'have' if self.heads_untrained != 1 else 'has'} no reviewer training recorded "
                    "before the visit window.",
                    "cycle_training",
                    "Record reviewer training",
                )
            )
        if not self.published:
            if self.ungrouped:
                items.append(
                    (
                        f"{self.ungrouped} enrolled school{'s are' if self.ungrouped != 1 else ' is'} not in a "
                        "review group.",
                        "cycle_groups",
                        "Review groups",
                    )
                )
            if self.enrolled and not self.ungrouped:
                items.append(
                    ("Every enrolled school is in a group: publish the groups.", "cycle_publish", "Publish the groups")
                )
        else:
            if self.without_lead:
                items.append(
                    (
                        f"{self.without_lead} review{'s have' if self.without_lead != 1 else ' has'} no lead reviewer.",
                        "cycle_reviews",
                        "Reviews and teams",
                    )
                )
            if self.without_dates:
                items.append(
                    (
                        f"{self.without_dates} review{'s have' if self.without_dates != 1 else ' has'} no visit "
                        "dates yet.",
                        "cycle_reviews",
                        "Reviews and teams",
                    )
                )
            if self.overdue_reports:
                items.append(
                    (
                        f"{self.overdue_reports} draft report{'s are' if self.overdue_reports != 1 else ' is'} "
                        "overdue.",
                        "cycle_reviews",
                        "Reviews and teams",
                    )
                )
            if self.overdue_accuracy:
                items.append(
                    (
                        f"{self.overdue_accuracy} factual-accuracy check"
                        f"{'s are' if self.overdue_accuracy != 1 else ' is'} overdue.",
                        "cycle_reviews",
                        "Reviews and teams",
                    )
                )
        return items


def cycle_progress(cycle: Cycle, today: datetime.date | None = None) -> CycleProgress:
    today = today or datetime.date.today()
    enrolled = Enrolment.objects.filter(cycle=cycle)
    groups = ReviewGroup.objects.filter(cycle=cycle).aggregate(
        total=Count("pk"), locked=Count("pk", filter=Q(locked=True))
    )
    counts = dict(Review.objects.filter(cycle=cycle).values_list("status").annotate(n=Count("pk")).order_by())
    reviews = Review.objects.filter(cycle=cycle)
    lead = ReviewTeamMember.objects.filter(review=OuterRef("pk"), is_lead=True)
    review_figures = reviews.aggregate(
        without_lead=Count("pk", filter=~Q(Exists(lead)) & ~Q(status__in=(ReviewStatus.FINAL, ReviewStatus.SHARED))),
        overdue_reports=Count(
            "pk", filter=Q(status__in=(ReviewStatus.VISITED, ReviewStatus.DRAFT), report_due_on__lt=today)
        ),
        overdue_accuracy=Count("pk", filter=Q(status=ReviewStatus.FACTUAL_ACCURACY, factual_accuracy_due_on__lt=today)),
    )
    trained = ReviewerTraining.objects.filter(user_id=OuterRef("user_id"), trained_on__lte=cycle.visit_window_starts_on)
    heads_untrained = (
        Membership.objects.filter(role=Role.HEADTEACHER, ended_on__isnull=True, school__in=enrolled.values("school_id"))
        .exclude(Exists(trained))
        .values("user_id")
        .distinct()
        .count()
    )
    return CycleProgress(
        enrolled=enrolled.count(),
        grouped=ReviewGroupMember.objects.filter(cycle=cycle).count(),
        groups=groups["total"],
        locked_groups=groups["locked"],
        reviews=sum(counts.values()),
        by_status=[(status.value, status.label, counts.get(status.value, 0)) for status in ReviewStatus],
        without_dates=counts.get(ReviewStatus.GROUPED, 0),
        without_lead=review_figures["without_lead"],
        heads_untrained=heads_untrained,
        overdue_reports=review_figures["overdue_reports"],
        overdue_accuracy=review_figures["overdue_accuracy"],
        focus_areas=cycle.focus_areas.count(),
        latest_run=GroupingRun.objects.filter(cycle=cycle).first(),
        published=cycle.groups_published_at is not None,
    )


def coordinator_cycle_home(user: User, partnership: Partnership, memberships: list[Membership]) -> dict[str, Any]:
    """The coordinator's home-page section: the current cycle's progress and what needs doing."""
    cycle = latest_cycle()
    if cycle is None:
        return {"cycle": None}
    return {"cycle": cycle, "progress": cycle_progress(cycle)}


# Enrolment ----------------------------------------------------------------------------------------------------


@dataclass
class EnrolmentPage:
    enrolments: list[Enrolment]
    by_phase: list[tuple[str, int]]
    areas: list[Area]
    clusters: list[Cluster]
    phases: list[tuple[str, str, int]]
    not_enrolled: list[School]
    closed_count: int


def enrolment_page(cycle: Cycle) -> EnrolmentPage:
    group_number = ReviewGroupMember.objects.filter(cycle=cycle, school_id=OuterRef("school_id")).values(
        "group__number"
    )[:1]
    enrolments = list(
        Enrolment.objects.filter(cycle=cycle)
        .select_related("school__area", "school__cluster", "school__trust")
        .annotate(group_number=Subquery(group_number))
        .order_by("school__name")
    )
    enrolled_ids = Enrolment.objects.filter(cycle=cycle).values("school_id")
    open_not_enrolled = ~Q(schools__status=School.Status.CLOSED) & ~Q(schools__in=enrolled_ids)
    areas = list(Area.objects.annotate(available=Count("schools", filter=open_not_enrolled)).order_by("name"))
    clusters = list(Cluster.objects.annotate(available=Count("schools", filter=open_not_enrolled)).order_by("name"))
    not_enrolled = list(
        School.objects.exclude(status=School.Status.CLOSED)
        .exclude(pk__in=enrolled_ids)
        .only("pk", "name", "urn", "phase")
        .order_by("name")
    )
    phase_counts = Counter(s.phase for s in not_enrolled)
    labels = dict(School.Phase.choices)
    enrolled_phases = Counter(e.school.phase for e in enrolments)
    return EnrolmentPage(
        enrolments=enrolments,
        by_phase=[(labels.get(phase, phase), n) for phase, n in sorted(enrolled_phases.items())],
        areas=areas,
        clusters=clusters,
        phases=[
            (value, label, phase_counts.get(value, 0))
            for value, label in School.Phase.choices
            if phase_counts.get(value)
        ],
        not_enrolled=not_enrolled,
        closed_count=School.objects.filter(status=School.Status.CLOSED).count(),
    )


# Groups -------------------------------------------------------------------------------------------------------


@dataclass
class GroupsPage:
    groups: list[ReviewGroup]
    ungrouped: list[School]
    enrolled: int
    latest_run: GroupingRun | None
    latest_done: GroupingRun | None
    total_cost: float | None
    changed_since_proposal: bool
    trust_names: dict[int, str] = field(default_factory=dict)


def groups_page(cycle: Cycle) -> GroupsPage:
    members = ReviewGroupMember.objects.select_related("school__trust").order_by("position", "pk")
    groups = list(ReviewGroup.objects.filter(cycle=cycle).prefetch_related(Prefetch("members", queryset=members)))
    grouped = ReviewGroupMember.objects.filter(cycle=cycle).values("school_id")
    ungrouped = list(
        School.objects.filter(enrolments__cycle=cycle).exclude(pk__in=grouped).only("pk", "name", "phase", "urn")
    )
    runs = list(GroupingRun.objects.filter(cycle=cycle)[:10])
    latest_done = next((r for r in runs if r.status == GroupingRun.Status.DONE), None)
    totals = [g.costs.get("total") for g in groups if g.costs]
    total_cost = round(sum(totals), 2) if groups and len(totals) == len(groups) else None
    return GroupsPage(
        groups=groups,
        ungrouped=sorted(ungrouped, key=lambda s: s.name),
        enrolled=Enrolment.objects.filter(cycle=cycle).count(),
        latest_run=runs[0] if runs else None,
        latest_done=latest_done,
        total_cost=total_cost,
        changed_since_proposal=any(not g.proposed_automatically and not g.locked for g in groups),
    )


def group_for_page(cycle: Cycle, pk: int) -> ReviewGroup | None:
    members = ReviewGroupMember.objects.select_related("school__trust", "school__federation").order_by("position")
    group = (
        ReviewGroup.objects.filter(cycle=cycle, pk=pk).prefetch_related(Prefetch("members", queryset=members)).first()
    )
    if group is not None:
        ordered = list(group.members.all())
        for index, member in enumerate(ordered):
            member.reviews = ordered[(index + 1) % len(ordered)].school if len(ordered) > 1 else None
    return group


def ungrouped_schools(cycle: Cycle) -> list[School]:
    grouped = ReviewGroupMember.objects.filter(cycle=cycle).values("school_id")
    return list(
        School.objects.filter(enrolments__cycle=cycle)
        .exclude(pk__in=grouped)
        .select_related("trust", "federation")
        .order_by("name")
    )


# The calendar -------------------------------------------------------------------------------------------------


@dataclass
class DayRun:
    first: datetime.date
    last: datetime.date
    reason: str
    kind: str


@dataclass
class CalendarPage:
    terms: list[Term]
    closures: list[ClosureDay]
    bank_holidays: list[tuple[datetime.date, str]]
    runs: list[DayRun]
    months: list[dict]
    working_days: int


def _kind(reason: str | None) -> str:
    if reason is None:
        return "working"
    if reason.startswith("a bank holiday"):
        return "bank-holiday"
    if reason.startswith("a closure day"):
        return "closure"
    if reason == "outside term time":
        return "holiday"
    return "weekend"


def calendar_page(cycle: Cycle) -> CalendarPage:
    terms = list(Term.objects.order_by("starts_on"))
    closures = list(ClosureDay.objects.order_by("date"))
    school_calendar = SchoolCalendar(
        terms=tuple((t.starts_on, t.ends_on, t.name) for t in terms),
        closure_days={c.date: c.reason for c in closures},
    )
    start, end = cycle.visit_window_starts_on, cycle.visit_window_ends_on
    days = [start + datetime.timedelta(days=n) for n in range((end - start).days + 1)]
    reasons = {day: school_calendar.why_not_a_working_day(day) for day in days}
    runs: list[DayRun] = []
    for day in days:
        reason = reasons[day]
        if reason is None or day.weekday() >= 5:
            continue
        previous = runs[-1] if runs else None
        next_weekday = previous and previous.last + datetime.timedelta(days=3 if previous.last.weekday() == 4 else 1)
        if previous and previous.reason == reason and next_weekday == day:
            previous.last = day
        else:
            runs.append(DayRun(day, day, reason, _kind(reason)))
    months = []
    first_month = datetime.date(start.year, start.month, 1)
    month = first_month
    while month <= end:
        weeks = []
        for week in calendar_module.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month):
            cells = []
            for day in week:
                if day.month != month.month:
                    cells.append(None)
                elif start <= day <= end:
                    reason = reasons[day]
                    cells.append({"date": day, "reason": reason, "kind": _kind(reason)})
                else:
                    cells.append({"date": day, "reason": "outside the visit window", "kind": "outside"})
            weeks.append(cells)
        months.append({"month": month, "weeks": weeks})
        month = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    holidays = bank_holidays_of_england(range(start.year, end.year + 1))
    return CalendarPage(
        terms=terms,
        closures=closures,
        bank_holidays=sorted((d, name) for d, name in holidays.items() if start <= d <= end),
        runs=runs,
        months=months,
        working_days=sum(1 for r in reasons.values() if r is None),
    )


# Reviewer training --------------------------------------------------------------------------------------------


def training_records():
    return ReviewerTraining.objects.select_related("user", "recorded_by").order_by("-trained_on", "user__last_name")


def people_who_can_review() -> list[tuple[User, str]]:
    """Everyone who may be trained as a reviewer: headteachers, senior leaders and staff, with where they work."""
    places: dict[int, list[str]] = defaultdict(list)
    users: dict[int, User] = {}
    for membership in (
        Membership.objects.filter(role__in=REVIEWER_ROLES, ended_on__isnull=True)
        .select_related("user", "school")
        .order_by("user__last_name", "user__first_name", "pk")
    ):
        users[membership.user_id] = membership.user
        places[membership.user_id].append(f"{membership.get_role_display()}, {membership.school.name}")
    return [(user, "; ".join(places[user_id])) for user_id, user in users.items()]


def enrolled_heads_without_training(cycle: Cycle) -> list[Membership]:
    trained = ReviewerTraining.objects.filter(user_id=OuterRef("user_id"), trained_on__lte=cycle.visit_window_starts_on)
    return list(
        Membership.objects.filter(
            role=Role.HEADTEACHER,
            ended_on__isnull=True,
            school__in=Enrolment.objects.filter(cycle=cycle).values("school_id"),
        )
        .exclude(Exists(trained))
        .select_related("user", "school")
        .order_by("school__name")
    )


# Reviews and their teams --------------------------------------------------------------------------------------


def cycle_reviews(cycle: Cycle):
    lead = ReviewTeamMember.objects.filter(review=OuterRef("pk"), is_lead=True)
    first_day = VisitDay.objects.filter(review=OuterRef("pk")).order_by("date").values("date")[:1]
    return (
        Review.objects.filter(cycle=cycle)
        .select_related("school", "group")
        .annotate(has_lead=Exists(lead), first_visit_day=Subquery(first_day))
        .prefetch_related(Prefetch("team", queryset=ReviewTeamMember.objects.select_related("user", "school")))
        .order_by("group__number", "school__name")
    )


def review_for_team_page(cycle: Cycle, pk: int) -> Review | None:
    return (
        Review.objects.filter(cycle=cycle, pk=pk)
        .select_related("school__trust", "school__federation", "group", "cycle")
        .prefetch_related(Prefetch("team", queryset=ReviewTeamMember.objects.select_related("user", "school")))
        .first()
    )


@dataclass
class Candidate:
    user: User
    places: str
    trained: bool
    in_group: bool


def team_candidates(review: Review) -> list[Candidate]:
    """People who may join this review's team: not from the reviewed school (nor its trust or federation when the
    cycle keeps trusts apart) and not already on it; trained or not (an untrained one needs a reason)."""
    reference = training_reference_date(review)
    seated = {seat.user_id for seat in review.team.all()}
    group_schools = set(ReviewGroupMember.objects.filter(group_id=review.group_id).values_list("school_id", flat=True))
    reviewed_trusts = trust_ids(review.school)
    memberships = defaultdict(list)
    for membership in (
        Membership.objects.filter(role__in=REVIEWER_ROLES, ended_on__isnull=True, school__isnull=False)
        .select_related("user", "school")
        .order_by("user__last_name", "user__first_name", "pk")
    ):
        memberships[membership.user_id].append(membership)
    trained = set(
        ReviewerTraining.objects.filter(user_id__in=list(memberships), trained_on__lte=reference).values_list(
            "user_id", flat=True
        )
    )
    candidates = []
    for user_id, places in memberships.items():
        if user_id in seated:
            continue
        if any(p.school_id == review.school_id for p in places):
            continue
        if review.cycle.separate_trusts and any(trust_ids(p.school) & reviewed_trusts for p in places):
            continue
        candidates.append(
            Candidate(
                user=places[0].user,
                places="; ".join(f"{p.get_role_display()}, {p.school.name}" for p in places),
                trained=user_id in trained,
                in_group=any(p.school_id in group_schools for p in places),
            )
        )
    candidates.sort(key=lambda c: (not c.in_group, c.user.last_name, c.user.first_name))
    return candidates


def previous_cycle(cycle: Cycle | None = None) -> Cycle | None:
    """The cycle before this one (or the latest, for a new cycle): by academic year, then by creation."""
    cycles = Cycle.objects.order_by("-academic_year_start", "-created_at")
    if cycle is not None:
        cycles = cycles.exclude(pk=cycle.pk).filter(academic_year_start__lte=cycle.academic_year_start)
        if cycle.created_at:
            cycles = cycles.exclude(academic_year_start=cycle.academic_year_start, created_at__gt=cycle.created_at)
    return cycles.first()


def focus_area_uses(area: FocusArea) -> list[str]:
    """What already refers to a focus area (findings, self-reviews, evidence notes), in words."""
    return uses_in_words(model.objects.filter(**{field: area}).count() for model, _label, field in FOCUS_AREA_USES)


def trained_user_ids(user_ids: Iterable[int], on: datetime.date) -> set[int]:
    """Of these people, those with reviewer training dated on or before `on`."""
    return set(
        ReviewerTraining.objects.filter(user_id__in=list(user_ids), trained_on__lte=on).values_list(
            "user_id", flat=True
        )
    )


def uses_in_words(counts: Iterable[int]) -> list[str]:
    """Counts in the order of FOCUS_AREA_USES, as words: ["2 findings", "1 evidence note"]."""
    return [
        f"{count} {label}{'s' if count != 1 else ''}"
        for count, (_model, label, _field) in zip(counts, FOCUS_AREA_USES, strict=True)
        if count
    ]
