"""Every change to a booking, race-free.

Places held on a session (or one of its workshops) = confirmed bookings + requests awaiting approval + open
waiting-list offers. Whatever can take or free a place (booking, approval, cancellation, an offer accepted,
declined or expired, a capacity change) first locks the session's row (SELECT ... FOR UPDATE), then re-counts
the places held, then writes, all in one transaction: two people booking the last place queue on the lock, and
the second counts the first's place. The lock is the session's whether or not a workshop is booked, so one lock
order serves every path (session, then bookings) and no two paths can deadlock.

While anyone waits for a unit, a new booking joins the queue behind them: nobody jumps it.
"""

import datetime
from decimal import Decimal

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import CharField, Count, Exists, OuterRef, Q, Value
from django.utils import timezone
from django.utils.formats import date_format

from partnership.accounts.models import User
from partnership.tenancy.models import Partnership
from partnership.tenancy.roles import Role
from partnership.tenancy.scoping import active_partnership_id
from partnership.tenancy.selectors import active_memberships
from schools.models import School

from ..models import (
    HOLDING_STATES,
    LIVE_STATES,
    Booking,
    BookingChange,
    BookingState,
    CpdSettings,
    Event,
    EventKind,
    EventStatus,
    NetworkMember,
    PriceBand,
    SchoolSla,
    Session,
    Workshop,
)
from ..permissions import approver_school_ids, can_approve, can_cancel, school_of
from .notices import Notice, notify_on_commit

_TEXT_ARRAY = ArrayField(CharField())


class BookingClashError(ValidationError):
    """The session overlaps another of the person's bookings: a warning they may accept and book anyway."""


def academic_year_start(day: datetime.date) -> int:
    return day.year if day.month >= 9 else day.year - 1


def cpd_settings() -> CpdSettings:
    """The partnership's booking rules (the defaults until a coordinator saves their own)."""
    return CpdSettings.objects.first() or CpdSettings(partnership_id=active_partnership_id())


def _when(moment: datetime.datetime) -> str:
    return date_format(timezone.localtime(moment), "j F Y, H:i")


def _record(booking: Booking, *, from_state: str, by: User | None, now: datetime.datetime, reason: str = "") -> None:
    BookingChange.objects.create(
        partnership_id=booking.partnership_id,
        booking=booking,
        from_state=from_state,
        to_state=booking.state,
        changed_by=by,
        changed_at=now,
        reason=reason[:500],
    )


def _move(booking: Booking, state: str, *, by: User | None, now: datetime.datetime, reason: str = "", **fields) -> None:
    from_state = booking.state
    booking.state = state
    booking.updated_at = now
    if state != BookingState.OFFERED:
        booking.offer_expires_at = None
    for name, value in fields.items():
        setattr(booking, name, value)
    booking.save(update_fields=["state", "updated_at", "offer_expires_at", *fields])
    _record(booking, from_state=from_state, by=by, now=now, reason=reason)


def _lock_session(session_id: int) -> Session:
    return Session.objects.select_for_update(of=("self",)).select_related("event").get(pk=session_id)


def _lock_booking(booking_id: int) -> tuple[Session, Booking]:
    """The booking's session locked first (the one lock order), then the booking re-read under it."""
    session_id = Booking.objects.values_list("session_id", flat=True).get(pk=booking_id)
    session = _lock_session(session_id)
    booking = Booking.objects.select_for_update(of=("self",)).select_related("workshop").get(pk=booking_id)
    return session, booking


def _unit(session: Session, workshop_id: int | None) -> Q:
    return Q(session_id=session.pk, workshop_id=workshop_id)


def places_held(session: Session, workshop_id: int | None = None) -> int:
    return Booking.objects.filter(_unit(session, workshop_id), state__in=HOLDING_STATES).count()


def _capacity(session: Session, workshop: Workshop | None) -> int:
    return workshop.capacity if workshop is not None else session.event.capacity


def _has_sla(session: Session, school_id: int | None) -> bool:
    year = academic_year_start(session.date)
    return bool(school_id) and SchoolSla.objects.filter(school_id=school_id, academic_year_start=year).exists()


def _price(event, has_sla: bool) -> tuple[str, Decimal]:
    """The price band and price, from the event as it stands under the lock and the school's SLA that year."""
    if event.is_free:
        return PriceBand.FREE, Decimal(0)
    return (PriceBand.SLA, event.price_sla) if has_sla else (PriceBand.NON_SLA, event.price_non_sla)


def _facts_before_the_lock(session: Session, user: User, school_id: int | None, *, clashes: bool) -> dict:
    """The session's workshop ids, whether the school bought the SLA for the session's year, and the titles of the
    person's live bookings that overlap the session (when asked): one round trip."""
    overlapping = (
        Booking.objects.filter(
            user=user,
            state__in=LIVE_STATES,
            session__date=OuterRef("date"),
            session__starts_at__lt=OuterRef("ends_at"),
            session__ends_at__gt=OuterRef("starts_at"),
        )
        .exclude(session_id=OuterRef("pk"))
        .values("event__title")
    )
    sla = SchoolSla.objects.filter(school_id=school_id, academic_year_start=academic_year_start(session.date))
    return (
        Session.objects.filter(pk=session.pk)
        .annotate(
            workshop_ids=ArraySubquery(Workshop.objects.filter(session_id=OuterRef("pk")).values("pk")),
            has_sla=Exists(sla) if school_id else Value(False),
            clash_titles=ArraySubquery(overlapping) if clashes else Value([], output_field=_TEXT_ARRAY),
        )
        .values("workshop_ids", "has_sla", "clash_titles")
        .get()
    )


def clashes(user: User, session: Session) -> list[Booking]:
    """The person's other live bookings whose sessions overlap this one."""
    return list(
        Booking.objects.filter(
            user=user,
            state__in=LIVE_STATES,
            session__date=session.date,
            session__starts_at__lt=session.ends_at,
            session__ends_at__gt=session.starts_at,
        )
        .exclude(session_id=session.pk)
        .select_related("event")
    )


def _or_join(words: list[str]) -> str:
    return " or ".join([", ".join(words[:-1]), words[-1]]) if len(words) > 1 else "".join(words)


def audience_refusal(event: Event, user: User, partnership: Partnership, *, someone_else: bool) -> str:
    """Why the person is outside the event's audience (its roles, its schools' phases, its network for a network
    meeting), in a sentence; empty when they are in it. An empty list of roles or phases means everyone."""
    memberships = active_memberships(user, partnership)
    who = f"{user} is" if someone_else else "You are"
    if event.audience_roles and not any(m.role in event.audience_roles for m in memberships):
        roles = [Role(r).label.lower() + "s" for r in event.audience_roles]
        return f"{who} not in the audience of {event.title}: it is for {_or_join(roles)} only."
    if event.audience_phases:
        phases = {m.school.phase for m in memberships if m.school_id}
        if not phases & set(event.audience_phases):
            names = [School.Phase(p).label.lower() for p in event.audience_phases]
            return f"{who} not in the audience of {event.title}: it is for {_or_join(names)} schools only."
    network_meeting = event.kind == EventKind.NETWORK_MEETING and event.network_id
    if network_meeting and not NetworkMember.objects.filter(network_id=event.network_id, user=user).exists():
        return f"{who} not in the audience of {event.title}: it is a meeting of the network's members only."
    return ""


def booking_request(
    *,
    session: Session,
    user: User,
    booked_by: User,
    partnership: Partnership,
    workshop: Workshop | None = None,
    accept_clash: bool = False,
    now: datetime.datetime | None = None,
) -> Booking:
    """Ask for a place (or, booked by the school's CPD leader, take it): confirmed, awaiting approval, or on the
    waiting list when the unit is full or others already wait."""
    now = now or timezone.now()
    school_id = school_of(user, partnership)
    booked_by_leader = school_id is not None and school_id in approver_school_ids(booked_by, partnership)
    if booked_by.pk != user.pk and not booked_by_leader:
        raise ValidationError("Only the CPD leader of their school can book a place for someone else.")
    refusal = audience_refusal(session.event, user, partnership, someone_else=booked_by.pk != user.pk)
    if refusal:
        raise ValidationError(refusal, code="audience")
    # What does not decide who gets a place is read before the lock, in one query (the session's workshops, the
    # school's SLA that year, the person's overlapping bookings), so the lock is held for as few round trips as
    # possible (four: the lock, one count, two inserts) while everyone else queues on it.
    facts = _facts_before_the_lock(session, user, school_id, clashes=not accept_clash)
    workshop_ids = set(facts["workshop_ids"])
    if workshop_ids and workshop is None:
        raise ValidationError({"workshop": "Choose a workshop for this session."})
    if workshop is not None and workshop.pk not in workshop_ids:
        raise ValidationError({"workshop": "That workshop is not part of this session."})
    if facts["clash_titles"]:
        titles = ", ".join(sorted(set(facts["clash_titles"])))
        raise BookingClashError(
            f"This session overlaps another booking on the same day ({titles}). Tick 'Book anyway' to book both.",
            code="clash",
        )
    has_sla = facts["has_sla"]
    workshop_id = workshop.pk if workshop else None
    with transaction.atomic():
        session = _lock_session(session.pk)
        event = session.event
        if event.status != EventStatus.PUBLISHED:
            raise ValidationError(f"{event.title} is not open for booking.")
        if now > event.booking_deadline:
            raise ValidationError(f"Booking for {event.title} closed on {_when(event.booking_deadline)}.")
        unit = Q(workshop_id=workshop_id)
        counts = Booking.objects.filter(session_id=session.pk).aggregate(
            held=Count("pk", filter=unit & Q(state__in=HOLDING_STATES)),
            queue=Count("pk", filter=unit & Q(state=BookingState.WAITING)),
            mine=Count("pk", filter=Q(user=user, state__in=LIVE_STATES)),
        )
        if counts["mine"]:
            mine = Booking.objects.filter(session_id=session.pk, user=user, state__in=LIVE_STATES).first()
            who = "You have" if booked_by.pk == user.pk else f"{user} has"
            raise ValidationError(f"{who} already booked this session ({mine.get_state_display().lower()}).")
        held, queue = counts["held"], counts["queue"]
        needs_approval = school_id is not None and not booked_by_leader
        if queue or held >= _capacity(session, workshop):
            state = BookingState.WAITING
        else:
            state = BookingState.REQUESTED if needs_approval else BookingState.CONFIRMED
        band, price = _price(event, has_sla)
        booking = Booking.objects.create(
            partnership_id=session.partnership_id,
            event=event,
            session=session,
            workshop=workshop,
            user=user,
            school_id=school_id,
            booked_by=booked_by,
            state=state,
            needs_approval=needs_approval,
            price_band=band,
            price=price,
            created_at=now,
            updated_at=now,
        )
        reason = "Booked by their CPD leader" if booked_by.pk != user.pk else ""
        if state == BookingState.WAITING:
            reason = "The session was full" if not queue else "Others were already waiting"
        _record(booking, from_state="", by=booked_by, now=now, reason=reason)
        if booked_by.pk != user.pk:
            notify_on_commit([booking.pk], Notice.BOOKED_FOR_YOU, partnership_id=booking.partnership_id)
    return booking


def booking_approve(*, booking: Booking, by: User, reason: str = "", now: datetime.datetime | None = None) -> Booking:
    now = now or timezone.now()
    if not can_approve(by, booking):
        raise ValidationError("Only the CPD leader of the person's own school can approve this booking.")
    with transaction.atomic():
        _, booking = _lock_booking(booking.pk)
        if booking.state != BookingState.REQUESTED:
            raise ValidationError(
                f"This booking is {booking.get_state_display().lower()}: there is nothing to approve."
            )
        # A request already holds its place, so approving it cannot oversell.
        _move(booking, BookingState.CONFIRMED, by=by, now=now, reason=reason)
        notify_on_commit([booking.pk], Notice.APPROVED, partnership_id=booking.partnership_id)
    return booking


def booking_decline(*, booking: Booking, by: User, reason: str, now: datetime.datetime | None = None) -> Booking:
    now = now or timezone.now()
    if not reason.strip():
        raise ValidationError({"reason": "Say why the request is declined: the person sees it."})
    if not can_approve(by, booking):
        raise ValidationError("Only the CPD leader of the person's own school can decline this booking.")
    with transaction.atomic():
        session, booking = _lock_booking(booking.pk)
        if booking.state != BookingState.REQUESTED:
            raise ValidationError(
                f"This booking is {booking.get_state_display().lower()}: there is nothing to decline."
            )
        _move(booking, BookingState.DECLINED, by=by, now=now, reason=reason.strip())
        notify_on_commit([booking.pk], Notice.DECLINED, partnership_id=booking.partnership_id)
        _offer_freed_places(session, booking.workshop, now=now)
    return booking


def booking_cancel(*, booking: Booking, by: User, reason: str = "", now: datetime.datetime | None = None) -> Booking:
    """Cancel a place or leave the waiting list. After the booking deadline a confirmed place carries the
    partnership's late-cancellation charge, fixed now."""
    now = now or timezone.now()
    if not can_cancel(by, booking):
        raise ValidationError("Only the person, their school's CPD leader or a coordinator can cancel this booking.")
    with transaction.atomic():
        session, booking = _lock_booking(booking.pk)
        if booking.state not in LIVE_STATES:
            raise ValidationError(f"This booking is already {booking.get_state_display().lower()}.")
        late = booking.state == BookingState.CONFIRMED and now > session.event.booking_deadline
        charge = cpd_settings().late_cancellation_charge if late else Decimal(0)
        held = booking.holds_place
        note = reason.strip() or ("Cancelled after the booking deadline" if late else "")
        _move(booking, BookingState.CANCELLED, by=by, now=now, reason=note, charge=charge)
        if by.pk != booking.user_id:
            notify_on_commit([booking.pk], Notice.CANCELLED, partnership_id=booking.partnership_id)
        if held:
            _offer_freed_places(session, booking.workshop, now=now)
    return booking


def offer_accept(*, booking: Booking, by: User, now: datetime.datetime | None = None) -> Booking:
    now = now or timezone.now()
    if booking.user_id != by.pk:
        raise ValidationError("Only the person offered the place can accept it.")
    with transaction.atomic():
        _, booking = _lock_booking(booking.pk)
        if booking.state != BookingState.OFFERED:
            raise ValidationError(
                f"This offer can no longer be accepted: the booking is {booking.get_state_display().lower()}."
            )
        if now >= booking.offer_expires_at:
            raise ValidationError(f"This offer expired at {_when(booking.offer_expires_at)}.")
        state = BookingState.REQUESTED if booking.needs_approval else BookingState.CONFIRMED
        _move(booking, state, by=by, now=now, reason="Offer accepted")
    return booking


def offer_decline(*, booking: Booking, by: User, now: datetime.datetime | None = None) -> Booking:
    now = now or timezone.now()
    if booking.user_id != by.pk:
        raise ValidationError("Only the person offered the place can decline it.")
    with transaction.atomic():
        session, booking = _lock_booking(booking.pk)
        if booking.state != BookingState.OFFERED:
            raise ValidationError(
                f"This offer can no longer be declined: the booking is {booking.get_state_display().lower()}."
            )
        _move(booking, BookingState.DECLINED, by=by, now=now, reason="Offer declined")
        _offer_freed_places(session, booking.workshop, now=now)
    return booking


def booking_expire(*, booking_id: int, now: datetime.datetime | None = None) -> bool:
    """Expire an offer past its time, or a request not decided by the booking deadline, and pass the place on.
    Safe to run any number of times: a booking that moved on meanwhile is left alone."""
    now = now or timezone.now()
    with transaction.atomic():
        session, booking = _lock_booking(booking_id)
        if booking.state == BookingState.OFFERED and now >= booking.offer_expires_at:
            reason = "The offer was not accepted in time"
        elif booking.state == BookingState.REQUESTED and now > session.event.booking_deadline:
            reason = "Not approved by the booking deadline"
        else:
            return False
        _move(booking, BookingState.EXPIRED, by=None, now=now, reason=reason)
        _offer_freed_places(session, booking.workshop, now=now)
    return True


def bookings_expire_due(*, now: datetime.datetime | None = None) -> int:
    """Every offer and request of the partnership that is due to expire (the beat task's work)."""
    now = now or timezone.now()
    due = Booking.objects.filter(
        Q(state=BookingState.OFFERED, offer_expires_at__lte=now)
        | Q(state=BookingState.REQUESTED, event__booking_deadline__lt=now)
    ).values_list("pk", flat=True)
    return sum(booking_expire(booking_id=pk, now=now) for pk in list(due))


def session_offer_freed_places(*, session: Session, now: datetime.datetime | None = None) -> list[Booking]:
    """After a capacity change: offer every unit's freed places, under the session's lock."""
    now = now or timezone.now()
    offered = []
    with transaction.atomic():
        session = _lock_session(session.pk)
        workshops = list(session.workshops.all()) or [None]
        for workshop in workshops:
            offered += _offer_freed_places(session, workshop, now=now)
    return offered


def _offer_freed_places(session: Session, workshop: Workshop | None, *, now: datetime.datetime) -> list[Booking]:
    """Offer the unit's free places to the people waiting longest. Runs under the session's lock. After the
    booking deadline the list is closed: nobody is offered a place they could no longer have approved."""
    if now > session.event.booking_deadline:
        return []
    workshop_id = workshop.pk if workshop else None
    free = _capacity(session, workshop) - places_held(session, workshop_id)
    if free <= 0:
        return []
    hours = cpd_settings().offer_hours
    waiting = list(
        Booking.objects.select_for_update()
        .filter(_unit(session, workshop_id), state=BookingState.WAITING)
        .order_by("created_at", "id")[:free]
    )
    expires = now + datetime.timedelta(hours=hours)
    for booking in waiting:
        _move(
            booking,
            BookingState.OFFERED,
            by=None,
            now=now,
            reason=f"A place became free: accept it by {_when(expires)}",
            offer_expires_at=expires,
        )
    if waiting:
        from ..tasks import enqueue_offer_follow_up

        # The partnership is taken now: the commit may come after the scope has closed (the demo's does).
        partnership_id, ids = session.partnership_id, [b.pk for b in waiting]
        transaction.on_commit(lambda: enqueue_offer_follow_up(partnership_id, ids, expires))
    return waiting


def booking_substitute(
    *, booking: Booking, substitute: User, by: User, partnership: Partnership, now: datetime.datetime | None = None
) -> Booking:
    """The CPD leader names a colleague to take a booked place: the place passes to them at the price already
    fixed, in the same state, and the original booking is cancelled free of charge. The number of places held does
    not change, so nobody waiting is passed over."""
    now = now or timezone.now()
    if not can_approve(by, booking):
        raise ValidationError("Only the CPD leader of the person's own school can name a substitute.")
    if school_of(substitute, partnership) != booking.school_id:
        raise ValidationError({"substitute": "The substitute must work at the same school."})
    with transaction.atomic():
        session, booking = _lock_booking(booking.pk)
        if booking.state not in (BookingState.CONFIRMED, BookingState.REQUESTED):
            raise ValidationError("Only a confirmed place or a request awaiting approval can pass to a substitute.")
        if Booking.objects.filter(session_id=session.pk, user=substitute, state__in=LIVE_STATES).exists():
            raise ValidationError({"substitute": f"{substitute} already has a booking for this session."})
        state = booking.state
        _move(booking, BookingState.CANCELLED, by=by, now=now, reason=f"Place passed to {substitute}")
        replacement = Booking.objects.create(
            partnership_id=booking.partnership_id,
            event_id=booking.event_id,
            session=session,
            workshop=booking.workshop,
            user=substitute,
            school_id=booking.school_id,
            booked_by=by,
            state=state,
            needs_approval=booking.needs_approval,
            price_band=booking.price_band,
            price=booking.price,
            created_at=now,
            updated_at=now,
        )
        _record(replacement, from_state="", by=by, now=now, reason=f"Substitute for {booking.user}")
        notify_on_commit([replacement.pk], Notice.BOOKED_FOR_YOU, partnership_id=booking.partnership_id)
        if by.pk != booking.user_id:
            notify_on_commit([booking.pk], Notice.CANCELLED, partnership_id=booking.partnership_id)
    return replacement
