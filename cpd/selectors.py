"""Every non-trivial read of CPD: the programme with its filters, an event's sessions and places, a person's
bookings, a CPD leader's approvals and a session's register."""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count, Exists, F, IntegerField, Min, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from partnership.accounts.models import User
from partnership.common.disclosure import THRESHOLD
from partnership.tenancy.models import Membership, Partnership
from partnership.tenancy.roles import Role

from .models import (
    ATTENDED_MARKS,
    HOLDING_STATES,
    LIVE_STATES,
    Attendance,
    Booking,
    BookingState,
    Certificate,
    CpdLeader,
    EvaluationCompletion,
    EvaluationPoint,
    EvaluationQuestion,
    EvaluationResponse,
    EvaluationSettings,
    Event,
    EventStatus,
    Invoice,
    InvoiceLine,
    QuestionKind,
    Register,
    Session,
    Workshop,
)
from .permissions import approver_school_ids, can_manage_programme
from .services.evaluations import IMPACT_OPEN_WEEKS, Facts, window_of


@dataclass
class ProgrammeFilters:
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    phase: str = ""
    network_id: int | None = None
    kind: str = ""
    free_places: bool = False
    search: str = ""


def _held_count(**unit) -> Subquery:
    return Coalesce(
        Subquery(
            Booking.objects.filter(state__in=HOLDING_STATES, **unit)
            .order_by()
            .values("session_id")
            .annotate(n=Count("id"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def _has_free_places(today: datetime.date) -> Q:
    """An upcoming session without workshops with fewer places held than the event's capacity, or a workshop of
    an upcoming session with fewer held than its own."""
    sessions = (
        Session.objects.filter(event=OuterRef("pk"), date__gte=today)
        .annotate(
            held=_held_count(session=OuterRef("pk"), workshop__isnull=True),
            has_workshops=Exists(Workshop.objects.filter(session=OuterRef("pk"))),
        )
        .filter(has_workshops=False, held__lt=OuterRef("capacity"))
    )
    workshops = Workshop.objects.filter(session__event=OuterRef("pk"), session__date__gte=today).annotate(
        held=_held_count(workshop=OuterRef("pk"))
    )
    return Exists(sessions) | Exists(workshops.filter(held__lt=F("capacity")))


def programme(
    user: User, partnership: Partnership, filters: ProgrammeFilters, *, today: datetime.date
) -> QuerySet[Event]:
    """Events with a session from `filters.date_from` (today by default), soonest first. Coordinators see drafts too."""
    start = filters.date_from or today
    upcoming = Session.objects.filter(event=OuterRef("pk"), date__gte=start)
    if filters.date_to:
        upcoming = upcoming.filter(date__lte=filters.date_to)
    events = Event.objects.annotate(
        first_date=Subquery(upcoming.order_by("date", "starts_at").values("date")[:1]),
        free_places=_has_free_places(today),
    ).filter(first_date__isnull=False)
    if not can_manage_programme(user, partnership):
        events = events.filter(status=EventStatus.PUBLISHED)
    if filters.phase:
        events = events.filter(Q(audience_phases__contains=[filters.phase]) | Q(audience_phases=[]))
    if filters.network_id:
        events = events.filter(network_id=filters.network_id)
    if filters.kind:
        events = events.filter(kind=filters.kind)
    if filters.free_places:
        events = events.filter(free_places=True)
    if filters.search:
        events = events.filter(Q(title__icontains=filters.search) | Q(description__icontains=filters.search))
    return events.select_related("network").order_by("first_date", "title", "pk")


@dataclass
class Unit:
    """Places on a session, or on one of its workshops."""

    workshop: Workshop | None
    capacity: int
    held: int
    waiting: int

    @property
    def left(self) -> int:
        return max(self.capacity - self.held, 0)


@dataclass
class SessionPlaces:
    session: Session
    units: list[Unit] = field(default_factory=list)
    mine: Booking | None = None

    @property
    def full(self) -> bool:
        return all(unit.left == 0 or unit.waiting for unit in self.units)


def event_for_page(pk: int, user: User, partnership: Partnership) -> Event | None:
    events = Event.objects.select_related("network")
    if not can_manage_programme(user, partnership):
        events = events.filter(status__in=[EventStatus.PUBLISHED, EventStatus.CANCELLED])
    return events.filter(pk=pk).first()


def event_sessions(event: Event, user: User) -> list[SessionPlaces]:
    """Each session with its units' places and the person's own live booking: three queries however many."""
    sessions = list(event.sessions.prefetch_related("workshops"))
    counts: Counter = Counter()
    waiting: Counter = Counter()
    for session_id, workshop_id, state, n in (
        Booking.objects.filter(event=event, state__in=LIVE_STATES)
        .values_list("session_id", "workshop_id", "state")
        .annotate(n=Count("id"))
        .order_by()
    ):
        (waiting if state == BookingState.WAITING else counts)[(session_id, workshop_id)] += n
    mine = {
        b.session_id: b
        for b in Booking.objects.filter(event=event, user=user, state__in=LIVE_STATES).select_related("workshop")
    }
    result = []
    for session in sessions:
        workshops = list(session.workshops.all()) or [None]
        units = [
            Unit(
                workshop=w,
                capacity=w.capacity if w else event.capacity,
                held=counts[(session.pk, w.pk if w else None)],
                waiting=waiting[(session.pk, w.pk if w else None)],
            )
            for w in workshops
        ]
        result.append(SessionPlaces(session=session, units=units, mine=mine.get(session.pk)))
    return result


def bookings_of(user: User) -> QuerySet[Booking]:
    return (
        Booking.objects.filter(user=user)
        .select_related("event", "session", "workshop")
        .order_by("-session__date", "-session__starts_at", "-pk")
    )


def booking_for_page(pk: int) -> Booking | None:
    return (
        Booking.objects.select_related("event", "session", "workshop", "user", "school", "booked_by")
        .filter(pk=pk)
        .first()
    )


def booking_history(booking: Booking) -> QuerySet:
    return booking.changes.select_related("changed_by").order_by("changed_at", "pk")


def approvals_for(user: User, partnership: Partnership) -> QuerySet[Booking]:
    """Requests from the schools this person approves for, oldest first."""
    return (
        Booking.objects.filter(school_id__in=approver_school_ids(user, partnership), state=BookingState.REQUESTED)
        .select_related("event", "session", "workshop", "user", "school")
        .order_by("created_at", "pk")
    )


def school_bookings(user: User, partnership: Partnership) -> QuerySet[Booking]:
    """Every live booking of the schools this person approves for, soonest session first."""
    return (
        Booking.objects.filter(school_id__in=approver_school_ids(user, partnership), state__in=LIVE_STATES)
        .exclude(state=BookingState.REQUESTED)
        .select_related("event", "session", "workshop", "user", "school")
        .order_by("session__date", "session__starts_at", "pk")
    )


def colleagues_of(user: User, partnership: Partnership) -> list[Membership]:
    """The people a CPD leader may book for: current staff, leaders and governors of their schools."""
    return list(
        Membership.objects.filter(
            school_id__in=approver_school_ids(user, partnership),
            role__in=[Role.STAFF, Role.SENIOR_LEADER, Role.HEADTEACHER, Role.GOVERNOR],
            ended_on__isnull=True,
        )
        .select_related("user", "school")
        .order_by("user__last_name", "user__first_name", "pk")
    )


def bookable_sessions(today: datetime.date) -> QuerySet[Session]:
    return (
        Session.objects.filter(event__status=EventStatus.PUBLISHED, date__gte=today)
        .select_related("event")
        .order_by("date", "starts_at")
    )


def register(session: Session) -> dict[str, list[Booking]]:
    """A session's people by state: the register (confirmed), requests, offers and the waiting list in order."""
    groups: dict[str, list[Booking]] = {state: [] for state in LIVE_STATES}
    for booking in (
        Booking.objects.filter(session=session, state__in=LIVE_STATES)
        .select_related("user", "school", "workshop")
        .order_by("created_at", "pk")
    ):
        groups[booking.state].append(booking)
    return groups


def home_context(user: User, partnership: Partnership, memberships: list[Membership]) -> dict[str, Any]:
    """The person's open offers and, for a CPD leader, the requests waiting for them: one query, which finds the
    schools they approve for itself (named CPD leader, or headteacher of a school that names nobody)."""
    headships = [m.school_id for m in memberships if m.role == Role.HEADTEACHER and m.school_id]
    approves = Q(school_id__in=CpdLeader.objects.filter(user=user).values("school_id"))
    if headships:
        approves |= Q(school_id__in=headships) & ~Exists(CpdLeader.objects.filter(school_id=OuterRef("school_id")))
    rows = list(
        Booking.objects.filter(Q(user=user, state=BookingState.OFFERED) | (Q(state=BookingState.REQUESTED) & approves))
        .select_related("event", "session")
        .order_by("created_at")[:50]
    )
    offers = [b for b in rows if b.state == BookingState.OFFERED]
    requests = [b for b in rows if b.state == BookingState.REQUESTED]
    return {"offers": offers, "requests": requests}


def first_session_date(event: Event) -> datetime.date | None:
    return event.sessions.aggregate(first=Min("date"))["first"]


def invoices_list() -> QuerySet[Invoice]:
    return Invoice.objects.select_related("school").order_by("-period_end", "school__name", "pk")


def invoice_for_page(pk: int) -> Invoice | None:
    return Invoice.objects.select_related("school", "issued_by").filter(pk=pk).first()


def invoice_lines(invoice: Invoice) -> QuerySet[InvoiceLine]:
    return invoice.lines.select_related("booking__session").order_by("booking__session__date", "pk")


def school_staff(school_id: int) -> list[Membership]:
    """Who may be named a school's CPD leader: its current staff, senior leaders and headteacher."""
    return list(
        Membership.objects.filter(
            school_id=school_id,
            role__in=[Role.STAFF, Role.SENIOR_LEADER, Role.HEADTEACHER],
            ended_on__isnull=True,
        )
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "pk")
    )


def cpd_leader_of(school_id: int) -> CpdLeader | None:
    return CpdLeader.objects.select_related("user").filter(school_id=school_id).first()


def register_of(session: Session) -> Register | None:
    return Register.objects.filter(session=session).select_related("opened_by", "closed_by").first()


def register_marks(register: Register | None) -> dict[int, Attendance]:
    """The register's marks by booking id."""
    if register is None:
        return {}
    return {a.booking_id: a for a in Attendance.objects.filter(register=register)}


def my_certificates(user: User) -> QuerySet[Certificate]:
    return Certificate.objects.filter(user=user).order_by("-issued_at", "pk")


def event_certificates(event: Event) -> QuerySet[Certificate]:
    return Certificate.objects.filter(event=event).select_related("revoked_by").order_by("person_name", "pk")


def certificate_by_code(code: str) -> Certificate | None:
    """The public check: the code is compared exactly, within the partnership whose address was used."""
    return Certificate.objects.filter(code=code.strip().upper()[:24]).first()


# -- Evaluations ---------------------------------------------------------------------------------------------------
# Results are never shown for fewer than THRESHOLD responses (the small-group rule, partnership/common/disclosure.py).


@dataclass
class QuestionResult:
    question: EvaluationQuestion
    answered: int = 0
    ratings: list[int] = field(default_factory=lambda: [0] * 5)  # how many gave 1, 2, 3, 4, 5
    average: float | None = None
    choices: list[tuple[str, int]] = field(default_factory=list)
    comments: list[tuple[str, str]] = field(default_factory=list)  # (text, the person's name or "")

    @property
    def shown(self) -> bool:
        """A rating's or a choice's figures rest on at least three answers (comments are shown one by one)."""
        return self.answered >= THRESHOLD


@dataclass
class PointResult:
    point: str
    label: str
    responses: int
    shown: bool
    anonymous: int = 0
    score: float | None = None
    questions: list[QuestionResult] = field(default_factory=list)


def _results_of(point: str, responses: list[EvaluationResponse], questions: list[EvaluationQuestion]) -> PointResult:
    label = EvaluationPoint(point).label
    result = PointResult(point, label, len(responses), shown=len(responses) >= THRESHOLD)
    if not result.shown:
        return result  # nothing about fewer than three people: not a count of answers, not a comment
    result.anonymous = sum(1 for r in responses if r.anonymous)
    scores = [r.score for r in responses if r.score is not None]
    result.score = round(sum(scores) / len(scores), 2) if len(scores) >= THRESHOLD else None
    asked = {str(q.pk) for q in questions}
    by_question = {str(q.pk): QuestionResult(q) for q in questions if not q.retired}
    for q in questions:  # a retired question is shown where someone answered it
        if q.retired and any(str(q.pk) in r.answers for r in responses):
            by_question[str(q.pk)] = QuestionResult(q)
    # Named comments in the order of the names; anonymous ones in the order of their random keys (never of time).
    ordered = sorted(responses, key=lambda r: (str(r.user) if r.user_id else "", str(r.pk)))
    for response in ordered:
        for key, value in response.answers.items():
            result_q = by_question.get(key)
            if result_q is None or key not in asked:
                continue
            result_q.answered += 1
            kind = result_q.question.kind
            if kind == QuestionKind.RATING and isinstance(value, int) and 1 <= value <= 5:
                result_q.ratings[value - 1] += 1
            elif kind == QuestionKind.TEXT:
                result_q.comments.append((str(value), "" if response.anonymous else str(response.user)))
    for result_q in by_question.values():
        q = result_q.question
        if q.kind == QuestionKind.RATING and result_q.shown:
            result_q.average = round(sum((n + 1) * c for n, c in enumerate(result_q.ratings)) / result_q.answered, 2)
        if q.kind == QuestionKind.CHOICE:
            counts = Counter(r.answers.get(str(q.pk)) for r in responses)
            result_q.choices = [(choice, counts[choice]) for choice in q.choices]
    result.questions = sorted(by_question.values(), key=lambda r: (r.question.position, r.question.pk))
    return result


def event_evaluation_results(event: Event) -> list[PointResult]:
    """Each point's results for an event: two queries however many responses."""
    responses: dict[str, list[EvaluationResponse]] = {point: [] for point in EvaluationPoint.values}
    for response in EvaluationResponse.objects.filter(event=event).select_related("user").order_by("pk"):
        responses[response.point].append(response)
    questions: dict[str, list[EvaluationQuestion]] = {point: [] for point in EvaluationPoint.values}
    for question in EvaluationQuestion.objects.filter(form__event_kind=event.kind).select_related("form"):
        questions[question.form.point].append(question)
    return [_results_of(point, responses[point], questions[point]) for point in EvaluationPoint.values]


@dataclass
class ProgrammeRow:
    event: Event
    cells: dict[str, tuple[int, float | None]]  # point -> (responses, average score or None when hidden)


def programme_evaluation_results() -> tuple[list[ProgrammeRow], dict[str, tuple[int, float | None]]]:
    """Each event with responses: how many at each point and the average score where there are enough; and the
    same across the whole programme. Two queries."""
    figures: dict[int, dict[str, tuple[int, float | None]]] = {}
    raw: dict[tuple[int, str], tuple[int, float]] = {}
    for event_id, point, n, scored, average in (
        EvaluationResponse.objects.values("event_id", "point")
        .annotate(n=Count("pk"), scored=Count("score"), average=Avg("score"))
        .values_list("event_id", "point", "n", "scored", "average")
        .order_by()
    ):
        shown = average is not None and scored >= THRESHOLD  # an average of at least three people's ratings
        raw[(event_id, point)] = (scored, average or 0.0)
        figures.setdefault(event_id, {})[point] = (n, round(average, 2) if shown else None)
    events = Event.objects.in_bulk(list(figures))
    rows = [
        ProgrammeRow(events[pk], {p: cells.get(p, (0, None)) for p in EvaluationPoint.values})
        for pk, cells in figures.items()
    ]
    rows.sort(key=lambda row: (row.event.booking_deadline, row.event.title, row.event.pk), reverse=True)
    # The programme's average is of the events whose own average is shown: one taken from a total that included a
    # hidden event's one or two responses would give theirs away.
    totals: dict[str, tuple[int, float | None]] = {}
    for point in EvaluationPoint.values:
        shown = [raw[(row.event.pk, point)] for row in rows if row.cells[point][1] is not None]
        counted = sum(n for n, _ in shown)
        average = sum(n * a for n, a in shown) / counted if counted >= THRESHOLD else None
        totals[point] = (sum(row.cells[point][0] for row in rows), round(average, 2) if average is not None else None)
    return rows, totals


def evaluation_responses_for_csv(event: Event) -> list[EvaluationResponse]:
    return list(EvaluationResponse.objects.filter(event=event).select_related("user").order_by("point", "pk"))


@dataclass
class OpenEvaluation:
    event: Event
    point: str
    label: str
    closes: datetime.datetime | None

    @property
    def slug(self) -> str:
        return self.point.replace("_", "-")


def evaluations_open_to(user: User, *, now: datetime.datetime) -> list[OpenEvaluation]:
    """The evaluations the person may answer now, soonest to close first: one query for every event they hold a
    confirmed place on (the windows are worked out from what it reads, as evaluation_window would)."""
    today = timezone.localdate(now)
    sessions = Session.objects.filter(event=OuterRef("pk")).order_by("date", "starts_at")
    attended = Attendance.objects.filter(
        booking__event=OuterRef("pk"),
        booking__user=user,
        booking__state=BookingState.CONFIRMED,
        mark__in=ATTENDED_MARKS,
    ).order_by("booking__session__date")

    def done(point: str) -> Exists:
        return Exists(EvaluationCompletion.objects.filter(event=OuterRef("pk"), user=user, point=point))

    events = (
        Event.objects.filter(bookings__user=user, bookings__state=BookingState.CONFIRMED)
        .annotate(
            first_date=Subquery(sessions.values("date")[:1]),
            first_time=Subquery(sessions.values("starts_at")[:1]),
            last_date=Subquery(sessions.reverse().values("date")[:1]),
            attended_from=Subquery(attended.values("booking__session__date")[:1]),
            done_before=done(EvaluationPoint.BEFORE),
            done_day=done(EvaluationPoint.ON_THE_DAY),
            done_impact=done(EvaluationPoint.IMPACT),
            impact_weeks=Coalesce(
                Subquery(EvaluationSettings.objects.values("impact_weeks")[:1]), Value(6), output_field=IntegerField()
            ),
        )
        .filter(last_date__gte=today - datetime.timedelta(weeks=52 + IMPACT_OPEN_WEEKS + 1))
        .exclude(status=EventStatus.CANCELLED)
        .distinct()
    )
    found = []
    for event in events:
        start = timezone.make_aware(datetime.datetime.combine(event.first_date, event.first_time))
        facts = Facts(first_start=start, last_date=event.last_date, confirmed=True, attended_from=event.attended_from)
        for point, finished in (
            (EvaluationPoint.BEFORE, event.done_before),
            (EvaluationPoint.ON_THE_DAY, event.done_day),
            (EvaluationPoint.IMPACT, event.done_impact),
        ):
            window = window_of(point, facts, now=now, impact_weeks=event.impact_weeks)
            if not finished and window.is_open:
                found.append(OpenEvaluation(event, point, EvaluationPoint(point).label, window.closes))
    found.sort(key=lambda e: (e.closes, e.event.title))
    return found


def evaluation_home_context(user: User, partnership: Partnership, memberships: list[Membership]) -> dict[str, Any]:
    return {"evaluations": evaluations_open_to(user, now=timezone.now())[:10]}
