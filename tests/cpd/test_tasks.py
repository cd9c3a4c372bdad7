"""The offer's follow-up: an email when it is made, and its expiry by a task that loads the booking by id."""

import datetime

import pytest
from django.core import mail

from cpd.models import Booking, BookingState
from cpd.services.bookings import booking_cancel, booking_request
from cpd.tasks import expire_booking, expire_due_bookings
from partnership.tenancy.roles import Role

from .factories import NOW, event_with_session, person

pytestmark = pytest.mark.django_db


def test_an_offer_is_emailed_and_expires_by_its_task(partnership_a, scope_of, django_capture_on_commit_callbacks):
    first, second = (person(partnership_a, role=Role.HEADTEACHER) for _ in range(2))
    _, session = event_with_session(partnership_a, capacity=1)
    with scope_of(partnership_a):
        taken = booking_request(session=session, user=first, booked_by=first, partnership=partnership_a, now=NOW)
        waiting = booking_request(session=session, user=second, booked_by=second, partnership=partnership_a, now=NOW)
        with django_capture_on_commit_callbacks(execute=True):
            booking_cancel(booking=taken, by=first, now=NOW)
    (email,) = mail.outbox
    assert email.to == [second.email] and "A place is free on Phonics refresher" in email.subject
    assert f"/cpd/bookings/{waiting.pk}/" in email.body
    # The task queued for the expiry ran at once here (tasks are eager in tests): before its time it changes nothing.
    with scope_of(partnership_a):
        assert Booking.objects.get(pk=waiting.pk).state == BookingState.OFFERED
    assert expire_booking.delay(partnership_id=partnership_a.pk, booking_id=waiting.pk).get() is False


def test_the_beat_task_expires_what_is_due_in_every_partnership(partnership_a, scope_of, monkeypatch):
    first, second = (person(partnership_a, role=Role.HEADTEACHER) for _ in range(2))
    _, session = event_with_session(partnership_a, capacity=1)
    with scope_of(partnership_a):
        taken = booking_request(session=session, user=first, booked_by=first, partnership=partnership_a, now=NOW)
        waiting = booking_request(session=session, user=second, booked_by=second, partnership=partnership_a, now=NOW)
        booking_cancel(booking=taken, by=first, now=NOW)
    later = NOW + datetime.timedelta(hours=49)
    monkeypatch.setattr("django.utils.timezone.now", lambda: later)
    assert expire_due_bookings.delay().get() == 1
    with scope_of(partnership_a):
        assert Booking.objects.get(pk=waiting.pk).state == BookingState.EXPIRED
