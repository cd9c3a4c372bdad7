"""CPD's Celery tasks. Each loads by id inside its partnership's scope (TenantTask) and calls a service; the beat
task expires, in every partnership, what a lost or late message left behind."""

import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from partnership.accounts.selectors import wants_email
from partnership.tenancy.hosts import partnership_url
from partnership.tenancy.models import Partnership
from partnership.tenancy.tasks import TenantTask, for_each_partnership

from .models import Booking, BookingState
from .portal_topics import EMAIL_CPD_OFFERS
from .services.bookings import booking_expire, bookings_expire_due

logger = logging.getLogger(__name__)


@shared_task(base=TenantTask, name="cpd.tasks.expire_booking")
def expire_booking(*, booking_id: int) -> bool:
    """At an offer's expiry: if it is still open, it expires and the place passes to the next in the queue."""
    return booking_expire(booking_id=booking_id)


@shared_task(name="cpd.tasks.expire_due_bookings")
def expire_due_bookings() -> int:
    """Beat: offers past their time and requests past the booking deadline, in every partnership."""
    return sum(for_each_partnership(lambda partnership_id: bookings_expire_due()))


@shared_task(
    base=TenantTask, name="cpd.tasks.send_offer_email", autoretry_for=(OSError,), retry_backoff=True, max_retries=5
)
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
