"""CPD sessions in a person's calendar feed: every session they hold a confirmed booking on (a booking made for
them by their school counts; one awaiting approval, offered, on the waiting list or cancelled does not)."""

import datetime

from django.urls import reverse
from django.utils import timezone

from partnership.accounts.models import User
from partnership.tenancy.contributions import CalendarEntry, CalendarSource
from partnership.tenancy.hosts import partnership_url
from partnership.tenancy.models import Partnership

from .models import Booking, BookingState, EventStatus

# Sessions further back than this are left out of the feed (a calendar keeps what it has already shown).
PAST_SHOWN = datetime.timedelta(days=400)


def _at(day: datetime.date, time: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, time))


def booking_entries(user: User, partnership: Partnership) -> list[CalendarEntry]:
    """One query: the person's confirmed bookings with their sessions, workshops and events."""
    bookings = (
        Booking.objects.filter(user=user, state=BookingState.CONFIRMED, event__status=EventStatus.PUBLISHED)
        .filter(session__date__gte=timezone.localdate() - PAST_SHOWN)
        .select_related("session", "event", "workshop")
        .order_by("session__date", "session__starts_at", "pk")
    )
    entries = []
    for booking in bookings:
        session, event = booking.session, booking.event
        url = partnership_url(partnership, reverse("cpd_booking_detail", args=[booking.pk]))
        title = f"{event.title}: {session.title}" if session.title else event.title
        place = ", ".join(part for part in (booking.workshop.room if booking.workshop else "", session.venue) if part)
        lines = [
            f"Workshop: {booking.workshop.title}." if booking.workshop else "",
            f"With {session.facilitator}." if session.facilitator else "",
            f"Join online: {session.online_link}" if session.online_link else "",
            f"Your booking: {url}",
        ]
        entries.append(
            CalendarEntry(
                uid=f"cpd-booking-{booking.pk}",
                summary=f"CPD: {title}",
                start=_at(session.date, session.starts_at),
                end=_at(session.date, session.ends_at),
                location=place or session.online_link,
                description="\n".join(line for line in lines if line),
                url=url,
                last_modified=booking.updated_at,
                created=booking.created_at,
            )
        )
    return entries


# What cpd/portal.py registers: the feed shows these after visits and board meetings.
calendar_source = CalendarSource(30, "CPD sessions", booking_entries)
