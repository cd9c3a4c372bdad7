"""Session registers: open, mark each confirmed booking, close. A closed register is final (the database refuses
any change); an absence on it is a no-show for the invoice rules, and its marks are what certificates check."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.formats import date_format

from partnership.accounts.models import User
from partnership.tenancy.models import Partnership

from ..models import (
    HOLDING_STATES,
    LIVE_STATES,
    Attendance,
    AttendanceMark,
    Booking,
    BookingState,
    EventStatus,
    Register,
    Session,
    Workshop,
)
from ..permissions import school_of
from .bookings import _capacity, _has_sla, _lock_session, _price, _record


def register_open(*, session: Session, by: User, now: datetime.datetime | None = None) -> Register:
    """Open the session's register (from its day on). Opening an open register again returns it unchanged, so a
    double submit makes one register."""
    now = now or timezone.now()
    if session.date > timezone.localdate(now):
        raise ValidationError(f"The register opens on the day of the session, {date_format(session.date, 'j F Y')}.")
    with transaction.atomic():
        # The session's row is the lock every write about its places takes: two people opening at once make one.
        Session.objects.select_for_update().get(pk=session.pk)
        register = Register.objects.filter(session=session).first()
        if register is None:
            register = Register.objects.create(
                partnership_id=session.partnership_id, session=session, opened_by=by, opened_at=now
            )
    return register


def _refuse_if_closed(register: Register) -> None:
    if register.is_closed:
        raise ValidationError(
            f"This register was closed on {date_format(timezone.localtime(register.closed_at), 'j F Y, H:i')}"
            f"{' by ' + str(register.closed_by) if register.closed_by_id else ''}: a closed register cannot be changed."
        )


def register_mark(*, register: Register, marks: dict[int, str], by: User, now: datetime.datetime | None = None) -> int:
    """Record marks ({booking id: mark}) for confirmed bookings of the register's session. Returns how many were
    recorded. Anything not a confirmed booking of this session, or not a mark, refuses the whole set."""
    now = now or timezone.now()
    valid = set(AttendanceMark.values)
    for mark in marks.values():
        if mark not in valid:
            raise ValidationError(f"“{str(mark)[:40]}” is not a mark: choose present, late, left early or absent.")
    with transaction.atomic():
        register = Register.objects.select_for_update().get(pk=register.pk)
        _refuse_if_closed(register)
        confirmed = set(
            Booking.objects.filter(session_id=register.session_id, state=BookingState.CONFIRMED).values_list(
                "pk", flat=True
            )
        )
        strangers = set(marks) - confirmed
        if strangers:
            raise ValidationError("Only people with a confirmed place on this session can be marked.")
        existing = {a.booking_id: a for a in Attendance.objects.filter(register=register, booking_id__in=marks)}
        changed = []
        for booking_id, mark in marks.items():
            row = existing.get(booking_id)
            if row is None:
                Attendance.objects.create(
                    partnership_id=register.partnership_id,
                    register=register,
                    booking_id=booking_id,
                    mark=mark,
                    marked_by=by,
                    marked_at=now,
                )
            elif row.mark != mark:
                row.mark, row.marked_by, row.marked_at = mark, by, now
                changed.append(row)
        Attendance.objects.bulk_update(changed, ["mark", "marked_by", "marked_at"])
    return len(marks)


def register_close(*, register: Register, by: User, now: datetime.datetime | None = None) -> Register:
    """Close the register once everyone with a confirmed place is marked. Absences become no-shows."""
    now = now or timezone.now()
    with transaction.atomic():
        register = Register.objects.select_for_update(of=("self",)).select_related("closed_by").get(pk=register.pk)
        _refuse_if_closed(register)
        unmarked = (
            Booking.objects.filter(session_id=register.session_id, state=BookingState.CONFIRMED)
            .exclude(attendance__register=register)
            .count()
        )
        if unmarked:
            raise ValidationError(
                f"{unmarked} {'person is' if unmarked == 1 else 'people are'} not marked yet: mark everyone before "
                "closing the register."
            )
        Attendance.objects.filter(register=register, mark=AttendanceMark.ABSENT).update(no_show=True)
        register.closed_at, register.closed_by = max(now, register.opened_at), by
        register.save(update_fields=["closed_at", "closed_by"])
    return register


def register_walk_in(
    *,
    register: Register,
    user: User,
    by: User,
    partnership: Partnership,
    workshop: Workshop | None = None,
    now: datetime.datetime | None = None,
) -> Booking:
    """Someone from a member school came without a booking: a confirmed place (at their school's price, on its
    invoice) marked present on the open register. Taken under the session's row lock, as every booking is, after
    re-counting the places held: a full session (or workshop) refuses, with the numbers, and nothing changes."""
    now = now or timezone.now()
    school_id = school_of(user, partnership)
    if school_id is None:
        raise ValidationError(
            f"{user} is not on the staff or governing body of a member school, so cannot be added as a walk-in."
        )
    workshop_ids = set(Workshop.objects.filter(session_id=register.session_id).values_list("pk", flat=True))
    if workshop_ids and workshop is None:
        raise ValidationError({"workshop": "Choose the workshop the walk-in joins."})
    if workshop is not None and workshop.pk not in workshop_ids:
        raise ValidationError({"workshop": "That workshop is not part of this session."})
    workshop_id = workshop.pk if workshop else None
    with transaction.atomic():
        session = _lock_session(register.session_id)  # the one lock order: session, then register, then bookings
        register = Register.objects.select_for_update(of=("self",)).select_related("closed_by").get(pk=register.pk)
        _refuse_if_closed(register)
        event = session.event
        if event.status == EventStatus.CANCELLED:
            raise ValidationError(f"{event.title} is cancelled: nobody can be added.")
        counts = Booking.objects.filter(session_id=session.pk).aggregate(
            held=Count("pk", filter=Q(workshop_id=workshop_id, state__in=HOLDING_STATES)),
            confirmed=Count("pk", filter=Q(workshop_id=workshop_id, state=BookingState.CONFIRMED)),
            mine=Count("pk", filter=Q(user=user, state__in=LIVE_STATES)),
        )
        if counts["mine"]:
            mine = Booking.objects.filter(session_id=session.pk, user=user, state__in=LIVE_STATES).first()
            raise ValidationError(
                f"{user} already has a booking for this session ({mine.get_state_display().lower()})"
                + (": mark them on the register." if mine.state == BookingState.CONFIRMED else ".")
            )
        capacity, held = _capacity(session, workshop), counts["held"]
        if held >= capacity:
            others = held - counts["confirmed"]
            unit = f"The workshop {workshop.title}" if workshop else "The session"
            raise ValidationError(
                f"{unit} is full: {held} of {capacity} places are held ({counts['confirmed']} confirmed"
                + (f", {others} awaiting approval or offered" if others else "")
                + "), so a walk-in cannot be added."
            )
        band, price = _price(event, _has_sla(session, school_id))
        booking = Booking.objects.create(
            partnership_id=session.partnership_id,
            event=event,
            session=session,
            workshop=workshop,
            user=user,
            school_id=school_id,
            booked_by=by,
            state=BookingState.CONFIRMED,
            needs_approval=False,
            walk_in=True,
            price_band=band,
            price=price,
            created_at=now,
            updated_at=now,
        )
        _record(booking, from_state="", by=by, now=now, reason="A walk-in, added at the register")
        Attendance.objects.create(
            partnership_id=register.partnership_id,
            register=register,
            booking=booking,
            mark=AttendanceMark.PRESENT,
            marked_by=by,
            marked_at=now,
        )
    return booking
