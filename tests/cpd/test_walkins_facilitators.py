"""Registers on the day: walk-ins take a place under the session's lock (never oversold, refused with the numbers
when full), the marks API the tablet page saves through, and a facilitator who is a portal user taking the
register of their own sessions only."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from cpd.models import HOLDING_STATES, Attendance, Booking, BookingChange, BookingState, PriceBand, Register
from cpd.services.attendance import register_close, register_mark, register_open, register_walk_in
from cpd.services.bookings import booking_request
from partnership.tenancy.roles import Role
from tests.factories import MembershipFactory, SchoolFactory

from .factories import NOW, coordinator, event_with_session, person
from .test_attendance import booked

DAY = NOW.date()


def open_register(partnership, *, capacity=3, n=2, **fields):
    _event, session = event_with_session(
        partnership, capacity=capacity, day=DAY, deadline=NOW - datetime.timedelta(days=5), **fields
    )
    bookings = booked(partnership, session, n)
    boss = coordinator(partnership)
    register = register_open(session=session, by=boss, now=NOW)
    return session, register, bookings, boss


@pytest.mark.django_db
def test_a_walk_in_takes_a_free_place_marked_present_at_their_schools_price(partnership_a, scope_of):
    with scope_of(partnership_a):
        session, register, _, boss = open_register(partnership_a)
        school = SchoolFactory(partnership=partnership_a)
        walker = person(partnership_a, school, Role.STAFF)
        booking = register_walk_in(register=register, user=walker, by=boss, partnership=partnership_a, now=NOW)
        assert booking.state == BookingState.CONFIRMED and booking.walk_in and not booking.needs_approval
        assert booking.school_id == school.pk and booking.price_band == PriceBand.NON_SLA and booking.price == 80
        assert Attendance.objects.get(booking=booking).mark == "present"
        assert BookingChange.objects.get(booking=booking).reason == "A walk-in, added at the register"
        # The register can close: the walk-in is already marked.
        register_mark(
            register=register,
            marks={b.pk: "present" for b in Booking.objects.filter(session=session, walk_in=False)},
            by=boss,
            now=NOW,
        )
        register_close(register=register, by=boss, now=NOW)


@pytest.mark.django_db
def test_walk_ins_refused_with_the_numbers_when_full_and_for_bad_cases_nothing_changes(partnership_a, scope_of):
    with scope_of(partnership_a):
        session, register, bookings, boss = open_register(partnership_a, capacity=2, n=2)
        walker = person(partnership_a, SchoolFactory(partnership=partnership_a), Role.STAFF)
        before = Booking.objects.count()
        with pytest.raises(ValidationError, match=r"The session is full: 2 of 2 places are held \(2 confirmed\)"):
            register_walk_in(register=register, user=walker, by=boss, partnership=partnership_a, now=NOW)
        with pytest.raises(ValidationError, match=r"already has a booking for this session \(confirmed\): mark them"):
            register_walk_in(register=register, user=bookings[0].user, by=boss, partnership=partnership_a, now=NOW)
        outsider = MembershipFactory(partnership=partnership_a, role=Role.BOARD_MEMBER).user
        with pytest.raises(ValidationError, match="not on the staff or governing body of a member school"):
            register_walk_in(register=register, user=outsider, by=boss, partnership=partnership_a, now=NOW)
        assert Booking.objects.count() == before and Attendance.objects.count() == 0

        # A closed register takes nobody.
        register_mark(register=register, marks={b.pk: "present" for b in bookings}, by=boss, now=NOW)
        register_close(register=register, by=boss, now=NOW)
        roomy = Booking.objects.filter(session=session).count()
        with pytest.raises(ValidationError, match="closed register cannot be changed"):
            register_walk_in(register=register, user=walker, by=boss, partnership=partnership_a, now=NOW)
        assert Booking.objects.filter(session=session).count() == roomy


@pytest.mark.django_db
def test_a_pending_request_still_holds_its_place_against_a_walk_in(partnership_a, scope_of):
    with scope_of(partnership_a):
        session, register, _, boss = open_register(partnership_a, capacity=2, n=1)
        school = SchoolFactory(partnership=partnership_a)
        person(partnership_a, school, Role.HEADTEACHER)  # the school's approver: a teacher's booking waits for them
        teacher = person(partnership_a, school, Role.STAFF)
        booking_request(
            session=session, user=teacher, booked_by=teacher, partnership=partnership_a, now=NOW - datetime.timedelta(6)
        )
        walker = person(partnership_a, SchoolFactory(partnership=partnership_a), Role.STAFF)
        with pytest.raises(ValidationError, match=r"2 of 2 places are held \(1 confirmed, 1 awaiting approval"):
            register_walk_in(register=register, user=walker, by=boss, partnership=partnership_a, now=NOW)


@pytest.mark.django_db(transaction=True)
def test_walk_ins_and_bookings_racing_for_the_last_places_never_oversell(partnership_a, scope_of):
    """Six walk-ins at the door and four late bookings, from ten connections at once, for three free places."""
    with scope_of(partnership_a):
        event, session = event_with_session(
            partnership_a, capacity=4, day=timezone.localdate() + datetime.timedelta(days=0)
        )
        event.booking_deadline = timezone.now() + datetime.timedelta(hours=2)
        event.save(update_fields=["booking_deadline"])
        first = person(partnership_a, role=Role.HEADTEACHER)
        booking_request(session=session, user=first, booked_by=first, partnership=partnership_a)
        boss = coordinator(partnership_a)
        register = register_open(session=session, by=boss)
        walkers = [person(partnership_a, role=Role.HEADTEACHER) for _ in range(6)]
        bookers = [person(partnership_a, role=Role.HEADTEACHER) for _ in range(4)]
    barrier = threading.Barrier(len(walkers) + len(bookers))
    refusals: list[str] = []
    errors: list[str] = []

    def run(work):
        try:
            with scope_of(partnership_a):
                barrier.wait(timeout=30)
                work()
        except ValidationError as refusal:
            refusals.append(str(refusal))
        except Exception as error:  # noqa: BLE001 - a deadlock or an integrity error must fail the test
            errors.append(repr(error))
        finally:
            connection.close()

    work = [
        *(
            (lambda p=p: register_walk_in(register=register, user=p, by=boss, partnership=partnership_a))
            for p in walkers
        ),
        *(
            (lambda p=p: booking_request(session=session, user=p, booked_by=p, partnership=partnership_a))
            for p in bookers
        ),
    ]
    threads = [threading.Thread(target=run, args=(item,)) for item in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with scope_of(partnership_a):
        held = Booking.objects.filter(session=session, state__in=HOLDING_STATES).count()
        walk_ins = Booking.objects.filter(session=session, walk_in=True).count()
        present = Attendance.objects.filter(register=register).count()
    assert held == 4  # full, never over
    assert present == walk_ins  # every walk-in is marked present
    assert sum("is full" in r for r in refusals) == len(walkers) - walk_ins


@pytest.fixture
def taking(partnership_a, scope_of):
    """A session today with a portal-user facilitator, another session they do not facilitate, and the people."""
    facilitator = person(partnership_a, role=Role.STAFF)
    _, session = event_with_session(partnership_a, capacity=5, day=timezone.localdate())
    with scope_of(partnership_a):
        session.facilitator_user = facilitator
        session.save(update_fields=["facilitator_user"])
    _, other = event_with_session(partnership_a, capacity=5, day=timezone.localdate(), title="Another course")
    people = {
        "facilitator": facilitator,
        "coordinator": coordinator(partnership_a),
        "staff": person(partnership_a, role=Role.STAFF),
        "headteacher": person(partnership_a, role=Role.HEADTEACHER),
        "board_member": MembershipFactory(partnership=partnership_a, role=Role.BOARD_MEMBER).user,
    }
    return session, other, people


@pytest.mark.django_db
def test_the_facilitator_takes_the_register_of_their_own_session_only(
    taking, partnership_a, partnership_b, client_at, scope_of
):
    session, other, people = taking
    may = {"facilitator", "coordinator"}
    for role, user in people.items():
        client = client_at(partnership_a, user)
        expected = 200 if role in may else 404
        assert client.get(f"/cpd/sessions/{session.pk}/register/").status_code == expected, role
        assert client.post(f"/cpd/sessions/{session.pk}/register/open/").status_code == (302 if role in may else 404)
        # Nobody but a coordinator takes another session's register.
        assert client.get(f"/cpd/sessions/{other.pk}/register/").status_code == (200 if role == "coordinator" else 404)
    outsider = MembershipFactory(partnership=partnership_b, role=Role.COORDINATOR).user
    assert client_at(partnership_a, outsider).get(f"/cpd/sessions/{session.pk}/register/").status_code == 404
    with scope_of(partnership_a):
        assert Register.objects.filter(session=session).count() == 1
        bookings = booked(partnership_a, session, 2)
    facilitator = client_at(partnership_a, people["facilitator"])
    page = facilitator.get(f"/cpd/sessions/{session.pk}/register/")
    assert "data-offline-register" in page.text and "Add a walk-in" in page.text
    # The tablet page's background save, then the close.
    saved = facilitator.post(
        f"/cpd/sessions/{session.pk}/register/marks/", {f"mark_{b.pk}": "present" for b in bookings}
    )
    assert saved.status_code == 200 and saved.json() == {"saved": sorted(b.pk for b in bookings)}
    assert facilitator.post(f"/cpd/sessions/{session.pk}/register/close/").status_code == 302
    with scope_of(partnership_a):
        register = Register.objects.get(session=session)
        assert register.is_closed and register.closed_by_id == people["facilitator"].pk
    # A mark queued on the tablet that arrives after the close is refused for good, and says why.
    late = facilitator.post(f"/cpd/sessions/{session.pk}/register/marks/", {f"mark_{bookings[0].pk}": "late"})
    assert late.status_code == 409 and late.json()["final"] and "closed" in late.json()["error"]


@pytest.mark.django_db
def test_the_marks_api_refuses_garbage_and_strangers_changing_nothing(taking, partnership_a, client_at, scope_of):
    session, _, people = taking
    client = client_at(partnership_a, people["facilitator"])
    url = f"/cpd/sessions/{session.pk}/register/marks/"
    assert client.post(url, {"mark_1": "present"}).status_code == 409  # not open yet
    client.post(f"/cpd/sessions/{session.pk}/register/open/")
    with scope_of(partnership_a):
        booking = booked(partnership_a, session, 1)[0]
    assert client.post(url, {"mark_abc": "present"}).status_code == 400
    assert client.post(url, {}).status_code == 400
    refused = client.post(url, {f"mark_{booking.pk}": "asleep"})
    assert refused.status_code == 409 and "is not a mark" in refused.json()["error"]
    assert client.post(url, {"mark_999999": "present"}).status_code == 409
    assert client.get(url).status_code == 405
    with scope_of(partnership_a):
        assert not Attendance.objects.exists()


@pytest.mark.django_db
def test_adding_a_walk_in_from_the_page_once_however_often_it_is_sent(taking, partnership_a, client_at, scope_of):
    session, _, people = taking
    client = client_at(partnership_a, people["facilitator"])
    client.post(f"/cpd/sessions/{session.pk}/register/open/")
    walker = person(partnership_a, role=Role.STAFF, first_name="Wendy", last_name="Walkin")
    page = client.get(f"/cpd/sessions/{session.pk}/register/?q=walkin")
    assert "Wendy Walkin" in page.text
    token = page.context["walk_ins"][0][1]["submission"].value()
    form = {"person": walker.pk, "submission": token}
    for _ in range(2):  # a double press
        assert client.post(f"/cpd/sessions/{session.pk}/register/walk-in/", form).status_code == 302
    with scope_of(partnership_a):
        assert Booking.objects.filter(session=session, user=walker, walk_in=True).count() == 1
    page = client.get(f"/cpd/sessions/{session.pk}/register/?q=walkin")
    assert "Walk-in" in page.text and "Nobody without a booking matches" in page.text
    # Another partnership's people are never offered.
    assert client.post(f"/cpd/sessions/{session.pk}/register/walk-in/", {"person": ""}).status_code == 302


@pytest.mark.django_db
def test_the_register_page_queries_stay_bounded(
    taking, partnership_a, client_at, scope_of, django_assert_max_num_queries
):
    session, _, people = taking
    client = client_at(partnership_a, people["facilitator"])
    client.post(f"/cpd/sessions/{session.pk}/register/open/")
    with scope_of(partnership_a):
        booked(partnership_a, session, 5)
        for _ in range(10):
            person(partnership_a, role=Role.STAFF, last_name="Searchable")
    with django_assert_max_num_queries(20):
        page = client.get(f"/cpd/sessions/{session.pk}/register/?q=searchable")
    assert page.status_code == 200 and page.text.count("as a walk-in") == 10


@pytest.mark.django_db
def test_a_coordinator_names_a_portal_user_as_facilitator_by_email(partnership_a, partnership_b, client_at, scope_of):
    boss = coordinator(partnership_a)
    facilitator = person(partnership_a, role=Role.STAFF, email="fay@example.org")
    stranger = person(partnership_b, role=Role.STAFF, email="stranger@example.org")
    event, _ = event_with_session(partnership_a, deadline=timezone.now() + datetime.timedelta(days=1))
    client = client_at(partnership_a, boss)
    day = (timezone.now() + datetime.timedelta(days=30)).date().isoformat()
    form = {"date": day, "starts_at": "09:30", "ends_at": "12:00", "venue": "Centre"}
    refused = client.post(f"/cpd/events/{event.pk}/sessions/new/", {**form, "facilitator_email": stranger.email})
    assert refused.status_code == 400 and "Nobody signs in to this partnership as stranger@example.org" in refused.text
    with scope_of(partnership_a):
        assert event.sessions.count() == 1
    done = client.post(f"/cpd/events/{event.pk}/sessions/new/", {**form, "facilitator_email": "FAY@example.org"})
    assert done.status_code == 302
    with scope_of(partnership_a):
        added = event.sessions.order_by("-pk").first()
    assert added.facilitator_user_id == facilitator.pk and added.facilitator == str(facilitator)
