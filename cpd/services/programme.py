"""Writes to the programme: events, their sessions and workshops, networks, CPD leaders, SLAs and settings."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from partnership.accounts.models import User
from partnership.tenancy.models import Membership, Partnership
from partnership.tenancy.roles import Role
from schools.models import School

from ..models import (
    HOLDING_STATES,
    LIVE_STATES,
    Booking,
    BookingState,
    CpdLeader,
    CpdSettings,
    Event,
    EventKind,
    EventStatus,
    Network,
    NetworkMember,
    SchoolSla,
    Session,
    Workshop,
)
from .bookings import _move, session_offer_freed_places
from .notices import Notice, notify_on_commit

EVENT_FIELDS = (
    "kind",
    "title",
    "description",
    "status",
    "network",
    "audience_phases",
    "audience_roles",
    "is_free",
    "price_sla",
    "price_non_sla",
    "capacity",
    "minimum",
    "booking_deadline",
)


def _check_event(values: dict) -> None:
    errors = {}
    if not str(values.get("title", "")).strip():
        errors["title"] = "Enter the event's title."
    for name in ("price_sla", "price_non_sla"):
        if Decimal(values.get(name) or 0) < 0:
            errors[name] = "A price cannot be below zero."
    if values.get("is_free") and (Decimal(values.get("price_sla") or 0) or Decimal(values.get("price_non_sla") or 0)):
        errors["is_free"] = "A free event has no prices: untick 'Free' or set both prices to 0."
    capacity = values.get("capacity") or 0
    if capacity < 1:
        errors["capacity"] = "Capacity must be at least 1 place."
    elif (values.get("minimum") or 0) > capacity:
        errors["minimum"] = f"The minimum ({values['minimum']}) cannot be more than the capacity ({capacity})."
    if values.get("kind") == EventKind.NETWORK_MEETING and not values.get("network"):
        errors["network"] = "Choose the network whose meeting this is."
    if errors:
        raise ValidationError(errors)


def event_create(*, partnership: Partnership, by: User, **values) -> Event:
    _check_event(values)
    fields = {name: values[name] for name in EVENT_FIELDS if name in values}
    return Event.objects.create(partnership=partnership, created_by=by, **fields)


def event_update(*, event: Event, by: User, **values) -> Event:
    """Edit an event. Lowering the capacity below the places already held on a session is refused with the
    numbers; raising it offers the freed places to the waiting lists."""
    merged = {name: getattr(event, name) for name in EVENT_FIELDS} | values
    _check_event(merged)
    with transaction.atomic():
        sessions = list(Session.objects.select_for_update().filter(event=event).order_by("pk"))
        event = Event.objects.select_for_update().get(pk=event.pk)
        capacity, before = merged["capacity"], event.capacity
        if capacity < before:
            for session in sessions:
                held = Booking.objects.filter(session=session, workshop__isnull=True, state__in=HOLDING_STATES).count()
                if held > capacity:
                    raise ValidationError(
                        {
                            "capacity": f"{held} places are already held on "
                            f"{date_format(session.date, 'j F Y')}: the capacity cannot go below {held}."
                        }
                    )
        for name in EVENT_FIELDS:
            if name in values:
                setattr(event, name, values[name])
        event.save()
        if capacity > before:
            for session in sessions:
                session_offer_freed_places(session=session)
    return event


def session_add(
    *,
    event: Event,
    date: datetime.date,
    starts_at: datetime.time,
    ends_at: datetime.time,
    venue: str = "",
    online_link: str = "",
    facilitator: str = "",
    facilitator_user: User | None = None,
    title: str = "",
) -> Session:
    errors = {}
    if (
        facilitator_user is not None
        and not Membership.objects.filter(user=facilitator_user, ended_on__isnull=True).exists()
    ):
        errors["facilitator_email"] = f"{facilitator_user} is not a member of this partnership."
    if starts_at and ends_at and ends_at <= starts_at:
        errors["ends_at"] = "The session must end after it starts."
    if not venue.strip() and not online_link.strip():
        errors["venue"] = "Give a venue or an online link."
    if date < event.booking_deadline.date():
        errors["date"] = "The session cannot be before the booking deadline."
    if errors:
        raise ValidationError(errors)
    return Session.objects.create(
        partnership_id=event.partnership_id,
        event=event,
        date=date,
        starts_at=starts_at,
        ends_at=ends_at,
        venue=venue.strip(),
        online_link=online_link.strip(),
        facilitator=facilitator.strip() or (str(facilitator_user)[:200] if facilitator_user else ""),
        facilitator_user=facilitator_user,
        title=title.strip(),
    )


def workshop_add(*, session: Session, title: str, capacity: int, facilitator: str = "", room: str = "") -> Workshop:
    if not title.strip():
        raise ValidationError({"title": "Enter the workshop's title."})
    if capacity < 1:
        raise ValidationError({"capacity": "A workshop needs at least 1 place."})
    if session.event.kind != EventKind.CONFERENCE:
        raise ValidationError("Only a conference's sessions have parallel workshops.")
    if Workshop.objects.filter(session=session, title=title.strip()).exists():
        raise ValidationError({"title": "This session already has a workshop with that title."})
    if Booking.objects.filter(session=session, workshop__isnull=True).exists():
        raise ValidationError("People have booked this session without a workshop: add workshops before booking opens.")
    return Workshop.objects.create(
        partnership_id=session.partnership_id,
        session=session,
        title=title.strip(),
        capacity=capacity,
        facilitator=facilitator.strip(),
        room=room.strip(),
    )


def network_create(*, partnership: Partnership, name: str, description: str = "") -> Network:
    if not name.strip():
        raise ValidationError({"name": "Enter the network's name."})
    if Network.objects.filter(name=name.strip()).exists():
        raise ValidationError({"name": "There is already a network with that name."})
    return Network.objects.create(partnership=partnership, name=name.strip(), description=description.strip())


def network_member_add(
    *, network: Network, user: User, school: School | None = None, is_lead: bool = False
) -> NetworkMember:
    member, _ = NetworkMember.objects.update_or_create(
        network=network,
        user=user,
        defaults={"partnership_id": network.partnership_id, "school": school, "is_lead": is_lead},
    )
    return member


def cpd_leader_appoint(*, school: School, user: User, by: User | None) -> CpdLeader:
    """Name the school's CPD leader (replacing any before). Without one, the headteacher approves."""
    works_there = Membership.objects.filter(
        user=user, school=school, role__in=[Role.STAFF, Role.SENIOR_LEADER, Role.HEADTEACHER], ended_on__isnull=True
    ).exists()
    if not works_there:
        raise ValidationError({"person": f"The CPD leader must be a member of staff at {school.name}."})
    with transaction.atomic():
        CpdLeader.objects.filter(school=school).delete()
        return CpdLeader.objects.create(partnership_id=school.partnership_id, school=school, user=user, appointed_by=by)


def school_sla_set(*, school: School, academic_year_start: int) -> SchoolSla:
    sla, _ = SchoolSla.objects.get_or_create(
        school=school, academic_year_start=academic_year_start, defaults={"partnership_id": school.partnership_id}
    )
    return sla


def cpd_settings_save(
    *,
    partnership: Partnership,
    offer_hours: int,
    late_cancellation_charge: Decimal,
    no_show_charge: Decimal | None = None,
    reminder_days: int | None = None,
) -> CpdSettings:
    errors = {}
    if offer_hours < 1:
        errors["offer_hours"] = "An offer must stay open for at least an hour."
    if late_cancellation_charge < 0:
        errors["late_cancellation_charge"] = "The charge cannot be below zero."
    if no_show_charge is not None and no_show_charge < 0:
        errors["no_show_charge"] = "The charge cannot be below zero."
    if reminder_days is not None and not 0 <= reminder_days <= 28:
        errors["reminder_days"] = "Remind people between 0 (no reminders) and 28 days before a session."
    if errors:
        raise ValidationError(errors)
    defaults = {"offer_hours": offer_hours, "late_cancellation_charge": late_cancellation_charge}
    if no_show_charge is not None:
        defaults["no_show_charge"] = no_show_charge
    if reminder_days is not None:
        defaults["reminder_days"] = reminder_days
    settings_row, _ = CpdSettings.objects.update_or_create(partnership=partnership, defaults=defaults)
    return settings_row


def event_cancel(*, event: Event, by: User, reason: str, now: datetime.datetime | None = None) -> Event:
    """The coordinator cancels an event (too few bookings by the minimum, say): every live booking of it, place or
    queue, is cancelled with the reason, free of charge, and the event stays in the programme as cancelled."""
    now = now or timezone.now()
    if not reason.strip():
        raise ValidationError({"reason": "Say why the event is cancelled: everyone booked or waiting is told."})
    with transaction.atomic():
        sessions = list(Session.objects.select_for_update().filter(event=event).order_by("pk"))
        event = Event.objects.select_for_update().get(pk=event.pk)
        if event.status == EventStatus.CANCELLED:
            raise ValidationError(f"{event.title} is already cancelled.")
        told = []
        for booking in Booking.objects.select_for_update().filter(session__in=sessions, state__in=LIVE_STATES):
            _move(booking, BookingState.CANCELLED, by=by, now=now, reason=f"The event was cancelled: {reason.strip()}")
            told.append(booking.pk)
        # Everyone booked or waiting is told, by email and on their booking.
        notify_on_commit(told, Notice.EVENT_CANCELLED, partnership_id=event.partnership_id)
        event.status = EventStatus.CANCELLED
        event.cancelled_reason = reason.strip()[:300]
        event.save(update_fields=["status", "cancelled_reason"])
    return event


def cpd_leader_remove(*, school: School) -> None:
    """The school names nobody: its headteacher approves again."""
    CpdLeader.objects.filter(school=school).delete()
