"""Reads for school-to-school support: the directory, each leader's days left, the matching's proposals, the
requests a person may see."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, ExtractYear

from partnership.accounts.models import User
from partnership.tenancy.models import Partnership
from partnership.tenancy.permissions import is_coordinator
from partnership.tenancy.selectors import active_memberships
from schools.models import School

from ..matching import LeaderFacts, Proposal, RequestFacts, propose
from ..models import LeaderConflict, SupportAgreement, SupportRequest, SupportStatus, SystemLeader
from ..permissions import SCHOOL_LEADERS

COMMITTED = (SupportStatus.AGREED, SupportStatus.UNDER_WAY)


def with_days_used(leaders: QuerySet[SystemLeader]) -> QuerySet[SystemLeader]:
    """Each leader's days already agreed in support still going on: what their capacity this term has spent."""
    return leaders.annotate(
        days_used=Coalesce(
            Sum("agreements__days", filter=Q(agreements__request__status__in=COMMITTED)),
            Value(0),
            output_field=IntegerField(),
        )
    )


def leader_facts(leaders: QuerySet[SystemLeader]) -> list[LeaderFacts]:
    """The facts matching needs, read as plain values in one query (no model objects: at county scale building
    them cost more than the matching itself)."""
    rows = with_days_used(leaders).values_list(
        "pk",
        "school_id",
        "school__trust_id",
        "school__easting",
        "school__northing",
        "focus_areas",
        "phases",
        "days_a_term",
        "days_used",
        "is_active",
    )
    return [
        LeaderFacts(
            id=pk,
            name="",
            school_id=school_id,
            trust_id=trust_id,
            easting=easting,
            northing=northing,
            focus_areas=frozenset(focus_areas),
            phases=frozenset(phases),
            capacity=capacity,
            used=used,
            active=active,
        )
        for pk, school_id, trust_id, easting, northing, focus_areas, phases, capacity, used, active in rows
    ]


def request_facts(request: SupportRequest, *, days: int | None = None) -> RequestFacts:
    school = request.school
    return RequestFacts(
        school_id=school.pk,
        trust_id=school.trust_id,
        easting=school.easting,
        northing=school.northing,
        focus=request.focus,
        phase=request.phase,
        days=days if days is not None else request.days,
        allow_same_trust=request.allow_same_trust,
    )


def proposals_for(request: SupportRequest, *, limit: int = 5) -> list[tuple[SystemLeader, Proposal]]:
    """The matching's best leaders for the request (three queries), with the leader rows for the page."""
    facts = leader_facts(SystemLeader.objects.all())
    conflicts = set(LeaderConflict.objects.filter(school_id=request.school_id).values_list("leader_id", flat=True))
    proposals = propose(request_facts(request), facts, conflicts, limit=limit)
    leaders = SystemLeader.objects.select_related("user", "school").in_bulk([p.leader.id for p in proposals])
    return [(leaders[p.leader.id], p) for p in proposals]


def directory(*, query: str = "", focus: str = "", phase: str = "") -> QuerySet[SystemLeader]:
    leaders = with_days_used(SystemLeader.objects.select_related("user", "school"))
    if query:
        leaders = leaders.filter(
            Q(user__first_name__icontains=query)
            | Q(user__last_name__icontains=query)
            | Q(school__name__icontains=query)
        )
    if focus:
        leaders = leaders.filter(focus_areas__contains=[focus])
    if phase:
        leaders = leaders.filter(phases__contains=[phase])
    return leaders


def focus_area_names() -> list[str]:
    names: set[str] = set()
    for areas in SystemLeader.objects.values_list("focus_areas", flat=True):
        names.update(areas)
    return sorted(names)


def requests_visible_to(user: User, partnership: Partnership) -> QuerySet[SupportRequest]:
    """The coordinators see every request; a school's leaders their school's; a system leader those they support."""
    requests = SupportRequest.objects.select_related("school", "agreement__leader__user")
    if is_coordinator(user, partnership):
        return requests
    led = {m.school_id for m in active_memberships(user, partnership) if m.role in SCHOOL_LEADERS}
    supporting = SupportAgreement.objects.filter(request=OuterRef("pk"), leader__user=user)
    return requests.filter(Q(school_id__in=led) | Exists(supporting))


def request_for_page(pk: int) -> SupportRequest | None:
    return (
        SupportRequest.objects.select_related(
            "school", "partnership", "requested_by", "agreement__leader__user", "agreement__evaluation"
        )
        .filter(pk=pk)
        .first()
    )


def agreement_of(request: SupportRequest) -> SupportAgreement | None:
    return (
        SupportAgreement.objects.select_related("leader__user", "leader__school", "midpoint_review")
        .prefetch_related("visits", "changes__changed_by")
        .filter(request=request)
        .first()
    )


# Support's next steps, as the home page and the reminder emails (improvement/services/reminders.py) name them.
AGREE = "Agree the support with a system leader"
MIDPOINT = "Hold the mid-point review"
EVALUATE = "Evaluate the impact against the aims"


@dataclass(frozen=True)
class NextStep:
    request: SupportRequest
    step: str
    due_on: datetime.date | None


def support_next_steps(
    user: User, partnership: Partnership, today: datetime.date, *, limit: int = 20
) -> list[NextStep]:
    """What each piece of support the person may see waits for (one query): a request waiting for its agreement, the
    mid-point review once half the agreed time has passed, the final evaluation once the support has ended."""
    requests = (
        requests_visible_to(user, partnership)
        .filter(status__in=[SupportStatus.REQUESTED, *COMMITTED])
        .select_related("agreement__midpoint_review")
        .order_by("requested_at", "pk")
    )
    steps = []
    for request in requests:
        agreement = getattr(request, "agreement", None) if request.status != SupportStatus.REQUESTED else None
        if request.status == SupportStatus.REQUESTED:
            steps.append(NextStep(request, AGREE, None))
        elif agreement is None:
            continue
        elif agreement.ends_on <= today:
            steps.append(NextStep(request, EVALUATE, agreement.ends_on))
        elif agreement.midpoint_on <= today and not _has_midpoint(agreement):
            steps.append(NextStep(request, MIDPOINT, agreement.midpoint_on))
        if len(steps) >= limit:
            break
    return steps


def _has_midpoint(agreement: SupportAgreement) -> bool:
    return hasattr(agreement, "midpoint_review")  # a missing reverse one-to-one raises, which hasattr reads as no


@dataclass
class SchoolBalance:
    school_id: int
    name: str
    given: dict[int, int] = field(default_factory=dict)
    received: dict[int, int] = field(default_factory=dict)
    cells: list[tuple[int, int]] = field(default_factory=list)  # (given, received) for each year of the table

    def given_in(self, year: int) -> int:
        return self.given.get(year, 0)

    def received_in(self, year: int) -> int:
        return self.received.get(year, 0)

    @property
    def total_given(self) -> int:
        return sum(self.given.values())

    @property
    def total_received(self) -> int:
        return sum(self.received.values())

    @property
    def balance(self) -> int:
        return self.total_given - self.total_received


def support_balance() -> tuple[list[int], list[SchoolBalance]]:
    """The give and take of each school over the years: days of support its leaders agreed to give other schools,
    and days it agreed to receive, by the academic year the support started (withdrawn support left out). Two
    queries, whatever the years."""
    agreements = SupportAgreement.objects.exclude(request__status=SupportStatus.WITHDRAWN).annotate(
        year=Case(
            When(starts_on__month__gte=9, then=ExtractYear("starts_on")),
            default=ExtractYear("starts_on") - 1,
            output_field=IntegerField(),
        )
    )
    given = (
        agreements.filter(leader__school__isnull=False)
        .values_list("leader__school_id", "year")
        .annotate(days=Sum("days"))
    )
    received = agreements.values_list("request__school_id", "year").annotate(days=Sum("days"))
    schools: dict[int, SchoolBalance] = {}
    rows = [(sid, year, days, "given") for sid, year, days in given.order_by()]
    rows += [(sid, year, days, "received") for sid, year, days in received.order_by()]
    names = dict(School.objects.filter(pk__in={row[0] for row in rows}).values_list("pk", "name"))
    years: set[int] = set()
    for school_id, year, days, side in rows:
        entry = schools.setdefault(school_id, SchoolBalance(school_id, names.get(school_id, "")))
        getattr(entry, side)[year] = days
        years.add(year)
    columns = sorted(years)
    for entry in schools.values():
        entry.cells = [(entry.given_in(year), entry.received_in(year)) for year in columns]
    return columns, sorted(schools.values(), key=lambda entry: entry.name)
