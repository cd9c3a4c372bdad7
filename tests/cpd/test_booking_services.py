"""Each change of a booking's state, through the services, with the places held re-counted every time."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cpd.models import Booking, BookingChange, BookingState, CpdSettings, EventStatus, Session
from cpd.services.bookings import (
    BookingClashError,
    booking_approve,
    booking_cancel,
    booking_decline,
    booking_expire,
    booking_request,
    booking_substitute,
    bookings_expire_due,
    offer_accept,
    offer_decline,
    places_held,
)
from cpd.services.programme import cpd_leader_appoint, event_cancel, event_update, school_sla_set, session_add
from partnership.tenancy.roles import Role
from tests.factories import SchoolFactory

from .factories import NOW, coordinator, event_with_session, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def school(partnership_a):
    return SchoolFactory(partnership=partnership_a)


@pytest.fixture
def head(partnership_a, school):
    return person(partnership_a, school, Role.HEADTEACHER)


def book(partnership, session, user, *, by=None, minutes=0, **extra):
    return booking_request(
        session=session,
        user=user,
        booked_by=by or user,
        partnership=partnership,
        now=NOW + datetime.timedelta(minutes=minutes),
        **extra,
    )


def states(session):
    return list(
        Session.objects.get(pk=session.pk).bookings.order_by("created_at", "pk").values_list("state", flat=True)
    )


def test_a_teachers_request_waits_for_their_heads_approval_and_is_recorded(partnership_a, school, head, scope_of):
    teacher = person(partnership_a, school)
    _, session = event_with_session(partnership_a)
    with scope_of(partnership_a):
        booking = book(partnership_a, session, teacher)
        assert booking.state == BookingState.REQUESTED and booking.price == Decimal("80")
        booking_approve(booking=booking, by=head, reason="Good fit", now=NOW)
        booking.refresh_from_db()
        assert booking.state == BookingState.CONFIRMED
        history = list(BookingChange.objects.filter(booking=booking).values_list("from_state", "to_state", "reason"))
    assert history == [("", "requested", ""), ("requested", "confirmed", "Good fit")]


def test_the_price_is_fixed_from_the_schools_sla_that_year(partnership_a, school, head, scope_of):
    _, session = event_with_session(partnership_a)
    with scope_of(partnership_a):
        school_sla_set(school=school, academic_year_start=2026)
        booking = book(partnership_a, session, head)
        assert (booking.state, booking.price_band, booking.price) == ("confirmed", "sla", Decimal("40"))


def test_a_named_cpd_leader_approves_and_the_head_no_longer_does(partnership_a, school, head, scope_of):
    teacher, leader = person(partnership_a, school), person(partnership_a, school, Role.SENIOR_LEADER)
    _, session = event_with_session(partnership_a)
    with scope_of(partnership_a):
        cpd_leader_appoint(school=school, user=leader, by=head)
        head.__dict__.pop("_cpd_approver_schools", None)
        booking = book(partnership_a, session, teacher)
        with pytest.raises(ValidationError, match="own school"):
            booking_approve(booking=booking, by=head, now=NOW)
        booking_approve(booking=booking, by=leader, now=NOW)


def test_another_schools_leader_and_a_coordinator_cannot_approve(partnership_a, school, head, scope_of):
    teacher = person(partnership_a, school)
    other_head = person(partnership_a, role=Role.HEADTEACHER)
    _, session = event_with_session(partnership_a)
    with scope_of(partnership_a):
        booking = book(partnership_a, session, teacher)
        for outsider in (other_head, coordinator(partnership_a)):
            with pytest.raises(ValidationError, match="own school"):
                booking_approve(booking=booking, by=outsider, now=NOW)
        assert Booking.objects.get(pk=booking.pk).state == BookingState.REQUESTED


def test_full_session_queues_and_a_cancellation_offers_the_place_in_order(partnership_a, school, head, scope_of):
    people = [person(partnership_a, role=Role.HEADTEACHER) for _ in range(4)]
    _, session = event_with_session(partnership_a, capacity=2)
    with scope_of(partnership_a):
        bookings = [book(partnership_a, session, p, minutes=n) for n, p in enumerate(people)]
        assert [b.state for b in bookings] == ["confirmed", "confirmed", "waiting", "waiting"]
        booking_cancel(booking=bookings[0], by=people[0], now=NOW + datetime.timedelta(hours=1))
        assert states(session) == ["cancelled", "confirmed", "offered", "waiting"]
        assert places_held(session) == 2
        # Nobody jumps the queue: a newcomer waits behind, though an offer is open.
        late = book(partnership_a, session, head, minutes=90)
        assert late.state == BookingState.WAITING
        offered = Booking.objects.get(pk=bookings[2].pk)
        offer_decline(booking=offered, by=people[2], now=NOW + datetime.timedelta(hours=2))
        assert states(session) == ["cancelled", "confirmed", "declined", "offered", "waiting"]
        offer_accept(
            booking=Booking.objects.get(pk=bookings[3].pk), by=people[3], now=NOW + datetime.timedelta(hours=3)
        )
        assert states(session) == ["cancelled", "confirmed", "declined", "confirmed", "waiting"]


def test_an_offer_expires_and_passes_on(partnership_a, scope_of):
    people = [person(partnership_a, role=Role.HEADTEACHER) for _ in range(3)]
    _, session = event_with_session(partnership_a, capacity=1)
    with scope_of(partnership_a):
        CpdSettings.objects.create(partnership=partnership_a, offer_hours=24)
        first, second, _third = (book(partnership_a, session, p, minutes=n) for n, p in enumerate(people))
        booking_cancel(booking=first, by=people[0], now=NOW)
        second.refresh_from_db()
        assert second.offer_expires_at == NOW + datetime.timedelta(hours=24)
        with pytest.raises(ValidationError, match="expired"):
            offer_accept(booking=second, by=people[1], now=NOW + datetime.timedelta(hours=25))
        assert bookings_expire_due(now=NOW + datetime.timedelta(hours=25)) == 1
        assert states(session) == ["cancelled", "expired", "offered"]
        assert not booking_expire(booking_id=second.pk, now=NOW + datetime.timedelta(hours=26))


def test_a_request_not_approved_by_the_deadline_expires(partnership_a, school, head, scope_of):
    teacher = person(partnership_a, school)
    event, session = event_with_session(partnership_a)
    with scope_of(partnership_a):
        booking = book(partnership_a, session, teacher)
        assert not booking_expire(booking_id=booking.pk, now=event.booking_deadline)
        assert booking_expire(booking_id=booking.pk, now=event.booking_deadline + datetime.timedelta(minutes=1))
        assert Booking.objects.get(pk=booking.pk).state == BookingState.EXPIRED


def test_declining_needs_a_reason(partnership_a, school, head, scope_of):
    teacher = person(partnership_a, school)
    _, session = event_with_session(partnership_a)
    with scope_of(partnership_a):
        booking = book(partnership_a, session, teacher)
        with pytest.raises(ValidationError, match="why"):
            booking_decline(booking=booking, by=head, reason=" ", now=NOW)
        booking_decline(booking=booking, by=head, reason="Budget", now=NOW)
        assert Booking.objects.get(pk=booking.pk).state == BookingState.DECLINED


def test_bad_bookings_are_refused_and_change_nothing(partnership_a, school, head, scope_of):
    event, session = event_with_session(partnership_a)
    _, other = event_with_session(partnership_a, title="Maths", start=(13, 0), end=(16, 0))
    with scope_of(partnership_a):
        book(partnership_a, session, head)
        with pytest.raises(ValidationError, match="already booked"):
            book(partnership_a, session, head)
        with pytest.raises(BookingClashError, match="overlaps"):
            book(partnership_a, other, head)
        assert book(partnership_a, other, head, accept_clash=True).state == BookingState.CONFIRMED
        latecomer = person(partnership_a, role=Role.HEADTEACHER)
        with pytest.raises(ValidationError, match="closed"):
            booking_request(
                session=session,
                user=latecomer,
                booked_by=latecomer,
                partnership=partnership_a,
                now=event.booking_deadline + datetime.timedelta(seconds=1),
            )
        assert Booking.objects.count() == 2


def test_only_the_cpd_leader_books_for_a_colleague(partnership_a, school, head, scope_of):
    teacher, colleague = person(partnership_a, school), person(partnership_a, school)
    _, session = event_with_session(partnership_a)
    with scope_of(partnership_a):
        with pytest.raises(ValidationError, match="CPD leader"):
            book(partnership_a, session, colleague, by=teacher)
        assert book(partnership_a, session, colleague, by=head).state == BookingState.CONFIRMED


def test_a_late_cancellation_carries_the_charge(partnership_a, school, head, scope_of):
    event, session = event_with_session(partnership_a)
    with scope_of(partnership_a):
        CpdSettings.objects.create(partnership=partnership_a, late_cancellation_charge=Decimal("25"))
        booking = book(partnership_a, session, head)
        booking_cancel(booking=booking, by=head, now=event.booking_deadline + datetime.timedelta(hours=1))
        assert Booking.objects.get(pk=booking.pk).charge == Decimal("25")


def test_capacity_below_the_places_held_is_refused_with_the_numbers_and_a_raise_offers(partnership_a, scope_of):
    people = [person(partnership_a, role=Role.HEADTEACHER) for _ in range(3)]
    event, session = event_with_session(partnership_a, capacity=2)
    organiser = coordinator(partnership_a)
    with scope_of(partnership_a):
        for n, p in enumerate(people):
            book(partnership_a, session, p, minutes=n)
        with pytest.raises(ValidationError, match="2 places are already held"):
            event_update(event=event, by=organiser, capacity=1)
        event_update(event=event, by=organiser, capacity=3)
        assert states(session) == ["confirmed", "confirmed", "offered"]


def test_a_session_ending_before_it_starts_is_refused(partnership_a, scope_of):
    event, _ = event_with_session(partnership_a)
    with scope_of(partnership_a):
        with pytest.raises(ValidationError) as refusal:
            session_add(
                event=event,
                date=datetime.date(2027, 2, 1),
                starts_at=datetime.time(10),
                ends_at=datetime.time(9),
                venue="Hall",
            )
        assert "end after it starts" in str(refusal.value)


def test_the_database_holds_one_live_place_per_person_per_session(partnership_a, school, head, scope_of):
    _, session = event_with_session(partnership_a)
    with scope_of(partnership_a):
        booking = book(partnership_a, session, head)
        with pytest.raises(IntegrityError), transaction.atomic():
            Booking.objects.create(
                partnership=partnership_a,
                event=booking.event,
                session=session,
                user=head,
                state="waiting",
                price_band="non_sla",
                price=0,
                created_at=NOW,
                updated_at=NOW,
            )
        with pytest.raises(IntegrityError), transaction.atomic():
            Session.objects.filter(pk=session.pk).update(ends_at=datetime.time(8))


def test_an_unpublished_event_cannot_be_booked(partnership_a, head, scope_of):
    _, session = (
        event_with_session(partnership_a, status=EventStatus.DRAFT) if False else event_with_session(partnership_a)
    )
    with scope_of(partnership_a):
        session.event.status = EventStatus.DRAFT
        session.event.save()
        with pytest.raises(ValidationError, match="not open"):
            book(partnership_a, session, head)


def test_cancelling_an_event_cancels_every_place_and_queue_free_of_charge(partnership_a, scope_of):
    people = [person(partnership_a, role=Role.HEADTEACHER) for _ in range(3)]
    event, session = event_with_session(partnership_a, capacity=2)
    organiser = coordinator(partnership_a)
    with scope_of(partnership_a):
        for n, p in enumerate(people):
            book(partnership_a, session, p, minutes=n)
        with pytest.raises(ValidationError, match="Say why"):
            event_cancel(event=event, by=organiser, reason="")
        event_cancel(event=event, by=organiser, reason="Too few bookings", now=NOW)
        assert states(session) == ["cancelled"] * 3
        assert set(BookingChange.objects.filter(to_state="cancelled").values_list("reason", flat=True)) == {
            "The event was cancelled: Too few bookings"
        }
        assert not Booking.objects.filter(charge__gt=0).exists()
        with pytest.raises(ValidationError, match="already cancelled"):
            event_cancel(event=event, by=organiser, reason="Again", now=NOW)


def test_a_cpd_leader_names_a_substitute_who_takes_the_place(partnership_a, school, head, scope_of):
    teacher, colleague = person(partnership_a, school), person(partnership_a, school)
    outsider = person(partnership_a)
    _, session = event_with_session(partnership_a, capacity=1)
    with scope_of(partnership_a):
        booking = book(partnership_a, session, teacher, by=head)
        with pytest.raises(ValidationError, match="same school"):
            booking_substitute(booking=booking, substitute=outsider, by=head, partnership=partnership_a, now=NOW)
        with pytest.raises(ValidationError, match="CPD leader"):
            booking_substitute(booking=booking, substitute=colleague, by=teacher, partnership=partnership_a, now=NOW)
        replacement = booking_substitute(
            booking=booking, substitute=colleague, by=head, partnership=partnership_a, now=NOW
        )
        assert (replacement.state, replacement.price) == (BookingState.CONFIRMED, booking.price)
        assert states(session) == ["cancelled", "confirmed"]
        assert places_held(session) == 1
