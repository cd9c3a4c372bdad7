"""What CPD tells people by email: what someone else did to their booking (approved, declined, booked for them,
cancelled, the event cancelled), and a reminder before a booked session.

Each email goes by a task queued when the change commits (cpd.tasks.send_booking_email), so a slow mail server never
holds a booking's lock or a page. A person's own action gets no email: they see it on the page. Reminders are
recorded (one row per booking, unique), so a rerun of the day's task sends nobody a second one.
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from partnership.tenancy.hosts import partnership_url
from partnership.tenancy.models import Partnership

from ..models import Booking, BookingChange, BookingReminder, BookingState, CpdSettings, EventStatus

logger = logging.getLogger(__name__)


class Notice:
    APPROVED = "approved"
    DECLINED = "declined"
    BOOKED_FOR_YOU = "booked_for_you"
    CANCELLED = "cancelled"
    EVENT_CANCELLED = "event_cancelled"


# The state a booking must still be in for its notice to be worth sending when the task runs.
EXPECTED_STATES = {
    Notice.APPROVED: {BookingState.CONFIRMED},
    Notice.DECLINED: {BookingState.DECLINED},
    Notice.BOOKED_FOR_YOU: {BookingState.CONFIRMED, BookingState.WAITING, BookingState.REQUESTED},
    Notice.CANCELLED: {BookingState.CANCELLED},
    Notice.EVENT_CANCELLED: {BookingState.CANCELLED},
}


def notify_on_commit(booking_ids: list[int], notice: str, *, partnership_id: int) -> None:
    """Queue the notice's emails once the change commits. If the broker is down the change still stands, and the
    person sees it on their booking."""
    ids = list(booking_ids)
    if ids:
        transaction.on_commit(lambda: _enqueue(partnership_id, ids, notice))


def _enqueue(partnership_id: int, booking_ids: list[int], notice: str) -> None:
    from ..tasks import send_booking_email

    for booking_id in booking_ids:
        try:
            send_booking_email.delay(partnership_id=partnership_id, booking_id=booking_id, notice=notice)
        except Exception:  # the change is recorded; only the email is lost
            logger.exception("Could not queue the %s email of booking %s", notice, booking_id)


def _session_words(booking: Booking) -> str:
    session = booking.session
    return (
        f"{booking.event.title} on {date_format(session.date, 'l j F Y')}, "
        f"{session.starts_at:%H:%M} to {session.ends_at:%H:%M}"
        + (f", {booking.workshop.title}" if booking.workshop_id else "")
        + (f", at {session.venue}" if session.venue else f", online: {session.online_link}")
    )


def booking_email_send(*, booking_id: int, notice: str) -> bool:
    """Send one notice about one booking, if the booking is still as the notice says."""
    related = ("user", "event", "session", "workshop", "booked_by")
    booking = Booking.objects.select_related(*related).filter(pk=booking_id).first()
    if booking is None or booking.state not in EXPECTED_STATES.get(notice, ()):
        return False
    changes = BookingChange.objects.filter(booking=booking).select_related("changed_by")
    last = changes.order_by("-changed_at", "-pk").first()
    reason = last.reason if last else ""
    what = _session_words(booking)
    if notice == Notice.APPROVED:
        subject = f"Your place on {booking.event.title} is confirmed"
        body = f"Your school's CPD leader approved your place: {what}."
    elif notice == Notice.DECLINED:
        subject = f"Your request for {booking.event.title} was declined"
        body = f"Your school's CPD leader declined your request for {what}.\n\nThe reason given: {reason}"
    elif notice == Notice.BOOKED_FOR_YOU:
        subject = f"You are booked on {booking.event.title}"
        body = f"{booking.booked_by or 'Your CPD leader'} booked you on {what}. " + {
            BookingState.CONFIRMED: "Your place is confirmed.",
            BookingState.WAITING: "The session is full: you are on the waiting list.",
            BookingState.REQUESTED: "The booking awaits your school's CPD leader's approval.",
        }.get(booking.state, "")
    elif notice == Notice.EVENT_CANCELLED:
        subject = f"{booking.event.title} is cancelled"
        body = (
            f"{booking.event.title} is cancelled, and with it your booking for {what}. "
            f"No charge is made.\n\nThe reason given: {booking.event.cancelled_reason}"
        )
    else:
        subject = f"Your booking on {booking.event.title} is cancelled"
        who = last.changed_by if last and last.changed_by else "Your school's CPD leader or the partnership"
        body = f"{who} cancelled your booking for {what}." + (f"\n\nThe reason given: {reason}" if reason else "")
        if booking.charge:
            body += f"\n\nIt was cancelled after the booking deadline: your school is charged £{booking.charge}."
    link = partnership_url(
        Partnership.objects.get(pk=booking.partnership_id), reverse("cpd_booking_detail", args=[booking.pk])
    )
    send_mail(subject, f"{body}\n\nYour booking: {link}\n", settings.DEFAULT_FROM_EMAIL, [booking.user.email])
    return True


def reminders_send(*, today: datetime.date | None = None) -> int:
    """Remind everyone with a confirmed place on a session in the next `reminder_days` days (the partnership's
    setting; 0 sends none), once per booking. Each reminder is recorded in the transaction that sends it: if the
    mail server refuses, nothing is recorded and tomorrow's run tries again; a second run the same day finds the
    record and sends nothing."""
    today = today or timezone.localdate()
    settings_row = CpdSettings.objects.first()
    days = settings_row.reminder_days if settings_row else CpdSettings._meta.get_field("reminder_days").default
    if not days:
        return 0
    due = (
        Booking.objects.filter(
            state=BookingState.CONFIRMED,
            event__status=EventStatus.PUBLISHED,
            session__date__gte=today,
            session__date__lte=today + datetime.timedelta(days=days),
        )
        .exclude(Exists(BookingReminder.objects.filter(booking=OuterRef("pk"))))
        .select_related("user", "event", "session", "workshop")
        .order_by("session__date", "pk")
    )
    partnership = None
    sent = 0
    for booking in due:
        partnership = partnership or Partnership.objects.get(pk=booking.partnership_id)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    BookingReminder.objects.create(
                        partnership_id=booking.partnership_id, booking=booking, sent_at=timezone.now()
                    )
            except IntegrityError:  # another run reminded this booking meanwhile
                continue
            link = partnership_url(partnership, reverse("cpd_booking_detail", args=[booking.pk]))
            send_mail(
                f"Reminder: {booking.event.title} on {date_format(booking.session.date, 'j F')}",
                f"A reminder of your place: {_session_words(booking)}.\n\n"
                f"If you can no longer come, cancel it here so someone waiting can have it:\n{link}\n",
                settings.DEFAULT_FROM_EMAIL,
                [booking.user.email],
            )
        sent += 1
    return sent
