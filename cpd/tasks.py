"""CPD's Celery tasks. Each loads by id inside its partnership's scope (TenantTask) and calls a service; the beat
task expires, in every partnership, what a lost or late message left behind."""

import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone

from partnership.accounts.selectors import wants_email
from partnership.tenancy.hosts import partnership_url
from partnership.tenancy.models import Partnership
from partnership.tenancy.scoping import active_partnership_id
from partnership.tenancy.tasks import RETRY_WHEN_UNREACHABLE, TenantTask, for_each_partnership

from .models import Booking, BookingState, ImpactReminder
from .portal_topics import EMAIL_CPD_OFFERS
from .services.bookings import booking_expire, bookings_expire_due
from .services.certificates import certificate_render, certificates_enqueue_render, certificates_unrendered
from .services.evaluations import impact_reminders_record
from .services.invoices import finance_pdf_render
from .services.notices import booking_email_send, reminders_send
from .services.records import record_render

logger = logging.getLogger(__name__)


@shared_task(base=TenantTask, name="cpd.tasks.expire_booking")
def expire_booking(*, booking_id: int) -> bool:
    """At an offer's expiry: if it is still open, it expires and the place passes to the next in the queue."""
    return booking_expire(booking_id=booking_id)


@shared_task(name="cpd.tasks.expire_due_bookings")
def expire_due_bookings() -> int:
    """Beat: offers past their time and requests past the booking deadline, in every partnership."""
    return sum(for_each_partnership(lambda partnership_id: bookings_expire_due()))


@shared_task(base=TenantTask, name="cpd.tasks.send_offer_email", **RETRY_WHEN_UNREACHABLE)
def send_offer_email(*, booking_id: int) -> bool:
    booking = Booking.objects.select_related("user", "event", "session").filter(pk=booking_id).first()
    if booking is None or booking.state != BookingState.OFFERED:
        return False
    if not wants_email(booking.user, EMAIL_CPD_OFFERS):
        return False  # turned off on "Your account": the offer shows on their home page and bookings page
    partnership = Partnership.objects.get(pk=booking.partnership_id)
    link = partnership_url(partnership, reverse("cpd_booking_detail", args=[booking.pk]))
    send_mail(
        f"A place is free on {booking.event.title}",
        f"A place has become free on {booking.event.title} on {booking.session.date:%-d %B %Y}.\n\n"
        f"It is held for you until {booking.offer_expires_at:%-d %B %Y, %H:%M}. Accept or decline it here:\n{link}\n",
        settings.DEFAULT_FROM_EMAIL,
        [booking.user.email],
    )
    return True


def enqueue_offer_follow_up(partnership_id: int, booking_ids: list[int], expires: datetime.datetime) -> None:
    """After an offer commits: the email, and the offer's expiry at its time. If the broker is down the offer
    still stands; the beat task expires it later and the person sees it on their home page."""
    for booking_id in booking_ids:
        try:
            send_offer_email.delay(partnership_id=partnership_id, booking_id=booking_id)
            expire_booking.apply_async(kwargs={"partnership_id": partnership_id, "booking_id": booking_id}, eta=expires)
        except Exception:  # the offer is recorded; beat catches up its follow-up
            logger.exception("Could not queue the follow-up of offer %s", booking_id)


@shared_task(base=TenantTask, name="cpd.tasks.send_booking_email", **RETRY_WHEN_UNREACHABLE)
def send_booking_email(*, booking_id: int, notice: str) -> bool:
    """Tell the person what someone else did to their booking (cpd/services/notices.py)."""
    return booking_email_send(booking_id=booking_id, notice=notice)


@shared_task(base=TenantTask, name="cpd.tasks.render_finance_pdf", acks_late=True, ignore_result=True)
def render_finance_pdf(*, document_id: int) -> None:
    """On the `pdf` queue: an issued invoice's or a credit note's PDF, made once."""
    finance_pdf_render(document_id=document_id)


@shared_task(base=TenantTask, name="cpd.tasks.remind_booked_people", ignore_result=True)
def remind_booked_people(*, today: str | None = None) -> int:
    return reminders_send(today=datetime.date.fromisoformat(today) if today else None)


@shared_task(name="cpd.tasks.send_booking_reminders")
def send_booking_reminders() -> int:
    """Beat, once a day: a reminders task per partnership (each sends each booking's reminder once)."""
    return len(for_each_partnership(lambda partnership_id: remind_booked_people.delay(partnership_id=partnership_id)))


@shared_task(name="cpd.tasks.send_impact_reminders")
def send_impact_reminders() -> int:
    """Beat, daily: in every partnership, record a reminder for each person whose impact evaluation has opened (once:
    a reminder is recorded before its email is queued, and nobody already reminded is found again)."""

    def remind(partnership_id: int) -> int:
        made = impact_reminders_record()
        for reminder_id in made:
            try:
                send_impact_reminder_email.delay(partnership_id=partnership_id, reminder_id=reminder_id)
            except Exception:  # the reminder stays on the person's home page; the email is lost, not repeated
                logger.exception("Could not queue the impact reminder %s", reminder_id)
        return len(made)

    return sum(for_each_partnership(remind))


@shared_task(
    base=TenantTask,
    name="cpd.tasks.render_certificates",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    **RETRY_WHEN_UNREACHABLE,
)
def render_certificates(*, certificate_ids: list[int]) -> int:
    """On the `pdf` queue: lay out and store a batch of certificates' PDFs (those not stored yet). Returns how
    many were rendered; one that fails to lay out is logged and left for the beat task, not the whole batch."""
    partnership = Partnership.objects.get(pk=active_partnership_id())
    rendered = 0
    for certificate_id in certificate_ids:
        try:
            rendered += certificate_render(certificate_id=certificate_id, partnership=partnership)
        except OSError:
            raise  # storage trouble passes: the whole batch is tried again, finished ones are skipped
        except Exception:
            logger.exception("Certificate %s could not be rendered", certificate_id)
    return rendered


@shared_task(name="cpd.tasks.render_pending_certificates", ignore_result=True)
def render_pending_certificates() -> int:
    """Beat: in every partnership, queue again the certificates whose PDF a lost message never rendered."""

    def resend(partnership_id: int) -> int:
        ids = list(certificates_unrendered().order_by("pk").values_list("pk", flat=True)[:2000])
        if ids:
            certificates_enqueue_render(ids, partnership_id)
        return len(ids)

    return sum(for_each_partnership(resend))


@shared_task(
    base=TenantTask,
    name="cpd.tasks.render_record",
    ignore_result=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=3,
)
def render_record(*, user_id: int) -> str:
    """On the `pdf` queue: a person's CPD record as a stored PDF (nothing new if it is unchanged)."""
    partnership = Partnership.objects.get(pk=active_partnership_id())
    return record_render(user_id=user_id, partnership=partnership, today=timezone.localdate())


@shared_task(
    base=TenantTask,
    name="cpd.tasks.send_impact_reminder_email",
    **RETRY_WHEN_UNREACHABLE,
)
def send_impact_reminder_email(*, reminder_id: int) -> bool:
    reminder = ImpactReminder.objects.select_related("user", "event").filter(pk=reminder_id).first()
    if reminder is None:
        return False
    partnership = Partnership.objects.get(pk=reminder.partnership_id)
    link = partnership_url(partnership, reverse("cpd_evaluation_answer", args=[reminder.event_id, "impact"]))
    send_mail(
        f"What has {reminder.event.title} changed in your practice?",
        f"Some weeks ago you attended {reminder.event.title}. A few questions on what it has changed in your "
        f"practice take a couple of minutes:\n{link}\n",
        settings.DEFAULT_FROM_EMAIL,
        [reminder.user.email],
    )
    return True
