"""Every non-trivial read of CPD: the programme with its filters, an event's sessions and places, a person's
bookings, a CPD leader's approvals and a session's register."""

import datetime
import itertools
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, Exists, F, IntegerField, Min, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from partnership.accounts.models import User
from partnership.common.disclosure import THRESHOLD
from partnership.tenancy.models import Membership, Partnership
from partnership.tenancy.roles import Role
from partnership.tenancy.selectors import active_memberships
from reviews.models import Term

from .models import (
    ATTENDED_MARKS,
    HOLDING_STATES,
    LIVE_STATES,
    Attendance,
    Booking,
    BookingState,
    Certificate,
    CpdLeader,
    CpdSettings,
    CreditNote,
    CreditNoteLine,
    EvaluationCompletion,
    EvaluationPoint,
    EvaluationQuestion,
    EvaluationResponse,
    EvaluationSettings,
    Event,
    EventKind,
    EventStatus,
    FinanceDocument,
    Invoice,
    InvoiceLine,
    InvoiceLineKind,
    NetworkMember,
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
    audience: str = ""
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


def _bookable_by(user: User, partnership: Partnership) -> Q:
    """Events whose audience the person is in (the rule booking enforces, cpd.services.bookings.audience_refusal):
    one of its roles, a school in one of its phases, a member of the network whose meeting it is."""
    memberships = active_memberships(user, partnership)
    roles = sorted({m.role for m in memberships})
    phases = sorted({m.school.phase for m in memberships if m.school_id})
    in_network = Exists(NetworkMember.objects.filter(network_id=OuterRef("network_id"), user=user))
    return (
        (Q(audience_roles=[]) | Q(audience_roles__overlap=roles))
        & (Q(audience_phases=[]) | Q(audience_phases__overlap=phases))
        & (~Q(kind=EventKind.NETWORK_MEETING) | in_network)
    )


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
    if filters.audience == "mine":
        events = events.filter(_bookable_by(user, partnership))
    elif filters.audience:
        events = events.filter(Q(audience_roles__contains=[filters.audience]) | Q(audience_roles=[]))
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


@dataclass
class TermSpend:
    """One term of a school's CPD: places, late cancellations and no-shows, each counted and priced."""

    name: str
    starts_on: datetime.date
    ends_on: datetime.date
    places: int = 0
    places_cost: Decimal = Decimal(0)
    late_cancellations: int = 0
    late_cost: Decimal = Decimal(0)
    no_shows: int = 0
    no_show_cost: Decimal = Decimal(0)
    waiting: int = 0
    requested: int = 0

    @property
    def total(self) -> Decimal:
        return self.places_cost + self.late_cost + self.no_show_cost


@dataclass
class SchoolSpend:
    school_id: int
    year_start: int
    terms: list[TermSpend]
    year: TermSpend
    bookings: list[Booking]
    invoices: list[Invoice]
    credit_notes: list[CreditNote]
    credited: Decimal

    @property
    def net(self) -> Decimal:
        return self.year.total - self.credited


def _march_end(year_start: int) -> datetime.date:
    return datetime.date(year_start + 1, 3, 31)


def _terms_of_year(year_start: int) -> list[TermSpend]:
    """The partnership's own terms that start in the academic year, or England's usual three when it has none."""
    first, last = datetime.date(year_start, 9, 1), datetime.date(year_start + 1, 8, 31)
    terms = [
        TermSpend(term.name, max(term.starts_on, first), min(term.ends_on, last))
        for term in Term.objects.filter(starts_on__gte=first, starts_on__lte=last).order_by("starts_on")
    ]
    if terms:
        # Each term runs to the day before the next starts, so a session in a holiday counts in the term before it.
        terms[0].starts_on = first
        for term, following in itertools.pairwise(terms):
            term.ends_on = following.starts_on - datetime.timedelta(days=1)
        terms[-1].ends_on = last
        return terms
    return [
        TermSpend(f"Autumn {year_start}", first, datetime.date(year_start, 12, 31)),
        TermSpend(
            f"Spring {year_start + 1}", datetime.date(year_start + 1, 1, 1), datetime.date(year_start + 1, 3, 31)
        ),
        TermSpend(f"Summer {year_start + 1}", datetime.date(year_start + 1, 4, 1), last),
    ]


def school_spend(school_id: int, year_start: int) -> SchoolSpend:
    """A school's bookings and spend in an academic year, by term, from the prices and charges fixed on each booking:
    a confirmed place at its price, a late cancellation at its charge, a no-show at the charge it was invoiced (or,
    not yet invoiced, the partnership's charge now). Five queries, however many bookings."""
    terms = _terms_of_year(year_start)
    year = TermSpend(f"{year_start}/{str(year_start + 1)[2:]}", terms[0].starts_on, terms[-1].ends_on)
    settings_row = CpdSettings.objects.first()
    no_show_charge = settings_row.no_show_charge if settings_row else Decimal(0)
    bookings = list(
        Booking.objects.filter(school_id=school_id, session__date__gte=year.starts_on, session__date__lte=year.ends_on)
        .exclude(state__in=[BookingState.DECLINED, BookingState.EXPIRED])
        .annotate(
            no_show=Exists(Attendance.objects.filter(booking=OuterRef("pk"), no_show=True)),
            no_show_invoiced=Subquery(
                InvoiceLine.objects.filter(booking=OuterRef("pk"), kind=InvoiceLineKind.NO_SHOW).values("amount")[:1]
            ),
        )
        .select_related("event", "session", "workshop", "user")
        .order_by("session__date", "session__starts_at", "pk")
    )
    for booking in bookings:
        term = next((t for t in terms if t.starts_on <= booking.session.date <= t.ends_on), None)
        for bucket in (term, year) if term else (year,):
            if booking.state == BookingState.CONFIRMED:
                bucket.places += 1
                bucket.places_cost += booking.price
                if booking.no_show:
                    bucket.no_shows += 1
                    bucket.no_show_cost += (
                        booking.no_show_invoiced if booking.no_show_invoiced is not None else no_show_charge
                    )
            elif booking.state == BookingState.CANCELLED and booking.charge:
                bucket.late_cancellations += 1
                bucket.late_cost += booking.charge
            elif booking.state == BookingState.REQUESTED:
                bucket.requested += 1
            elif booking.state in (BookingState.WAITING, BookingState.OFFERED):
                bucket.waiting += 1
    invoices = list(
        Invoice.objects.filter(school_id=school_id, issued_at__isnull=False, period_end__gte=year.starts_on)
        .filter(period_start__lte=year.ends_on)
        .select_related("pdf")
        .order_by("period_start", "number")
    )
    credit_notes = list(
        CreditNote.objects.filter(school_id=school_id, invoice__in=[i.pk for i in invoices])
        .select_related("pdf", "invoice")
        .order_by("number")
    )
    credited = sum((note.total for note in credit_notes), Decimal(0))
    return SchoolSpend(school_id, year_start, terms, year, bookings, invoices, credit_notes, credited)


def credit_note_for_page(pk: int) -> CreditNote | None:
    return CreditNote.objects.select_related("school", "invoice", "issued_by").filter(pk=pk).first()


def credit_note_lines(note: CreditNote) -> QuerySet[CreditNoteLine]:
    return note.lines.select_related("invoice_line__booking__session").order_by("pk")


def invoice_credit_notes(invoice: Invoice) -> list[CreditNote]:
    return list(invoice.credit_notes.order_by("number"))


def credited_line_ids(invoice: Invoice) -> set[int]:
    return set(CreditNoteLine.objects.filter(invoice_line__invoice=invoice).values_list("invoice_line_id", flat=True))


def finance_document_of(*, invoice: Invoice | None = None, credit_note: CreditNote | None = None):
    if invoice is not None:
        return FinanceDocument.objects.filter(invoice=invoice).first()
    return FinanceDocument.objects.filter(credit_note=credit_note).first()


def spend_schools(user: User, partnership: Partnership) -> QuerySet:
    """The schools whose spend this person may see: every school for a coordinator, else those they approve for."""
    from schools.models import School

    if can_manage_programme(user, partnership):
        return School.objects.order_by("name")
    return School.objects.filter(pk__in=approver_school_ids(user, partnership)).order_by("name")


def facilitated_sessions(user: User, *, today: datetime.date, days_back: int = 30) -> list[Session]:
    """Sessions this person facilitates, from a month ago on: where they find the registers they take."""
    return list(
        Session.objects.filter(facilitator_user=user, date__gte=today - datetime.timedelta(days=days_back))
        .select_related("event")
        .order_by("date", "starts_at")[:50]
    )


def walk_in_candidates(session: Session, search: str, *, limit: int = 20) -> list[Membership]:
    """People at member schools whose name or email matches, without a live booking on the session: who the
    register's search offers to add as a walk-in. One query; a person at two schools appears once."""
    search = search.strip()
    if len(search) < 2:
        return []
    words = Q()
    for word in search.split()[:4]:
        words &= (
            Q(user__first_name__icontains=word) | Q(user__last_name__icontains=word) | Q(user__email__icontains=word)
        )
    rows = (
        Membership.objects.filter(
            words,
            school__isnull=False,
            role__in=[Role.STAFF, Role.SENIOR_LEADER, Role.HEADTEACHER, Role.GOVERNOR],
            ended_on__isnull=True,
        )
        .exclude(user_id__in=Booking.objects.filter(session=session, state__in=LIVE_STATES).values("user_id"))
        .select_related("user", "school")
        .order_by("user__last_name", "user__first_name", "user_id", "pk")
    )
    seen: dict[int, Membership] = {}
    for membership in rows[: limit * 3]:
        seen.setdefault(membership.user_id, membership)
    return list(seen.values())[:limit]


def certificate_progress(event: Event) -> dict[str, int]:
    """How many of the event's valid certificates have their PDF stored: what the release progress page shows."""
    return Certificate.objects.filter(event=event, revoked_at__isnull=True).aggregate(
        total=Count("pk"), ready=Count("pk", filter=Q(rendered_at__isnull=False))
    )


def certificate_for_page(pk: int) -> Certificate | None:
    return Certificate.objects.select_related("revoked_by", "issued_by", "replaces", "event").filter(pk=pk).first()


def certificate_replacement(certificate: Certificate) -> Certificate | None:
    return Certificate.objects.filter(replaces=certificate).first()


@dataclass
class RecordLine:
    """One booked session in a person's CPD record."""

    booking: Booking
    mark: str  # the attendance mark's label, or "" when not marked (yet)
    no_show: bool


@dataclass
class CpdRecord:
    person: User
    schools: list[str]
    lines: list[RecordLine]
    certificates: list[Certificate]
    spend: Any = 0
    # Which evaluations the person answered (event and point), never what they answered: an anonymous answer has no
    # person, and a named one is the results' business, not the record's.
    evaluations: list[EvaluationCompletion] = field(default_factory=list)

    @property
    def attended(self) -> int:
        return sum(1 for line in self.lines if line.mark in ("Present", "Late", "Left early"))


def is_partnership_person(person: User) -> bool:
    """Whether the person has (or had) any role in the active partnership."""
    return Membership.objects.filter(user=person).exists()


def person_school_ids(person: User) -> set[int]:
    return set(
        Membership.objects.filter(user=person, ended_on__isnull=True, school__isnull=False).values_list(
            "school_id", flat=True
        )
    )


def cpd_record(person: User, *, limit: int = 500) -> CpdRecord:
    """Everything the person booked (with its attendance mark), the certificates they were given and the evaluations
    they answered: five queries however long the record."""
    from .models import AttendanceMark

    labels = dict(AttendanceMark.choices)
    bookings = list(
        Booking.objects.filter(user=person)
        .select_related("event", "session", "workshop", "school")
        .annotate(
            mark=Subquery(Attendance.objects.filter(booking=OuterRef("pk")).values("mark")[:1]),
            no_show_flag=Subquery(Attendance.objects.filter(booking=OuterRef("pk")).values("no_show")[:1]),
        )
        .order_by("-session__date", "-session__starts_at", "-pk")[:limit]
    )
    lines = [RecordLine(b, labels.get(b.mark, ""), bool(b.no_show_flag)) for b in bookings]
    certificates = list(Certificate.objects.filter(user=person).order_by("-completed_on", "-issued_at", "pk"))
    schools = list(
        Membership.objects.filter(user=person, ended_on__isnull=True, school__isnull=False)
        .order_by("school__name")
        .values_list("school__name", flat=True)
        .distinct()
    )
    spend = sum((b.price for b in bookings if b.state == BookingState.CONFIRMED), start=0) + sum(
        (b.charge for b in bookings), start=0
    )
    evaluations = list(
        EvaluationCompletion.objects.filter(user=person).select_related("event").order_by("event__title", "point")
    )
    return CpdRecord(
        person=person, schools=schools, lines=lines, certificates=certificates, spend=spend, evaluations=evaluations
    )


def staff_records(user: User, partnership: Partnership, *, search: str = "") -> QuerySet[Membership]:
    """The people whose CPD records this person may open from the list: their schools' staff, leaders and governors
    for a CPD leader; everyone at a school for a coordinator. Each with counts of places booked, sessions attended
    and certificates, and their spend; one query per page."""
    from django.db.models import DecimalField, Sum

    from .models import ATTENDED_MARKS

    rows = Membership.objects.filter(
        school__isnull=False,
        role__in=[Role.STAFF, Role.SENIOR_LEADER, Role.HEADTEACHER, Role.GOVERNOR],
        ended_on__isnull=True,
    )
    if not can_manage_programme(user, partnership):
        rows = rows.filter(school_id__in=approver_school_ids(user, partnership))
    for word in search.split()[:4]:
        rows = rows.filter(
            Q(user__first_name__icontains=word) | Q(user__last_name__icontains=word) | Q(user__email__icontains=word)
        )

    def count(queryset, key: str = "user_id") -> Coalesce:
        return Coalesce(
            Subquery(
                queryset.order_by().values(key).annotate(n=Count("pk")).values("n")[:1],
                output_field=IntegerField(),
            ),
            Value(0),
        )

    person = OuterRef("user_id")
    school = OuterRef("school_id")
    money = DecimalField(max_digits=10, decimal_places=2)
    return (
        rows.annotate(
            booked=count(Booking.objects.filter(user_id=person, school_id=school, state=BookingState.CONFIRMED)),
            attended=count(
                Attendance.objects.filter(booking__user_id=person, booking__school_id=school, mark__in=ATTENDED_MARKS),
                "booking__user_id",
            ),
            certified=count(Certificate.objects.filter(user_id=person, school_id=school, revoked_at__isnull=True)),
            spend=Coalesce(
                Subquery(
                    Booking.objects.filter(user_id=person, school_id=school)
                    .order_by()
                    .values("user_id")
                    .annotate(
                        total=Coalesce(Sum("price", filter=Q(state=BookingState.CONFIRMED)), Value(0, money))
                        + Coalesce(Sum("charge"), Value(0, money))
                    )
                    .values("total")[:1],
                    output_field=money,
                ),
                Value(0, money),
            ),
        )
        .select_related("user", "school")
        .order_by("school__name", "user__last_name", "user__first_name", "pk")
    )


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
    confirmed place on (the windows are worked out from what it reads, as evaluation_window would), after one that
    finds whether they hold any."""
    if not Booking.objects.filter(user=user, state=BookingState.CONFIRMED).exists():
        # Most people on most days (every governor who never books): a query a tenth of the price of the one below.
        return []
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
