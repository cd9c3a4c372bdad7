"""Registers: open, mark, close; a closed register is final (the service refuses with a clear message and the
database refuses a direct change); only coordinators of the partnership may open, mark or close one."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone

from cpd.models import Attendance, AttendanceMark, BookingState, Register, Session
from cpd.services.attendance import register_close, register_mark, register_open
from cpd.services.bookings import booking_request
from partnership.tenancy.roles import Role
from tests.factories import MembershipFactory, SchoolFactory

from .factories import NOW, coordinator, event_with_session, person

pytestmark = pytest.mark.django_db

DAY = NOW.date()


def booked(partnership, session, n=3):
    """n headteachers (each their school's approver) with confirmed places on the session."""
    bookings = []
    for _ in range(n):
        head = person(partnership, SchoolFactory(partnership=partnership), Role.HEADTEACHER)
        bookings.append(
            booking_request(
                session=session,
                user=head,
                booked_by=head,
                partnership=partnership,
                now=NOW - datetime.timedelta(days=20),
            )
        )
    assert all(b.state == BookingState.CONFIRMED for b in bookings)
    return bookings


@pytest.fixture
def ran(partnership_a, scope_of):
    with scope_of(partnership_a):
        _, session = event_with_session(partnership_a, capacity=10, day=DAY, deadline=NOW - datetime.timedelta(days=5))
        bookings = booked(partnership_a, session)
        return session, bookings, coordinator(partnership_a)


def test_mark_then_close_records_no_shows(ran, partnership_a, scope_of):
    session, bookings, boss = ran
    with scope_of(partnership_a):
        register = register_open(session=session, by=boss, now=NOW)
        assert register_open(session=session, by=boss, now=NOW).pk == register.pk  # a double submit makes one
        register_mark(
            register=register,
            marks={bookings[0].pk: "present", bookings[1].pk: "late", bookings[2].pk: "absent"},
            by=boss,
            now=NOW,
        )
        register_mark(register=register, marks={bookings[1].pk: "left_early"}, by=boss, now=NOW)
        register_close(register=register, by=boss, now=NOW)
        marks = {a.booking_id: (a.mark, a.no_show) for a in Attendance.objects.all()}
    assert marks == {
        bookings[0].pk: ("present", False),
        bookings[1].pk: ("left_early", False),
        bookings[2].pk: ("absent", True),
    }


def test_closing_twice_or_changing_a_closed_register_is_refused(ran, partnership_a, scope_of):
    session, bookings, boss = ran
    with scope_of(partnership_a):
        register = register_open(session=session, by=boss, now=NOW)
        register_mark(register=register, marks={b.pk: "present" for b in bookings}, by=boss, now=NOW)
        register_close(register=register, by=boss, now=NOW)
        with pytest.raises(ValidationError, match=r"closed on .* a closed register cannot be changed"):
            register_close(register=register, by=boss, now=NOW)
        with pytest.raises(ValidationError, match="cannot be changed"):
            register_mark(register=register, marks={bookings[0].pk: "absent"}, by=boss, now=NOW)
        # The database refuses too, whatever the code path.
        with pytest.raises(DatabaseError, match="closed register"), transaction.atomic():
            Attendance.objects.filter(booking=bookings[0]).update(mark=AttendanceMark.ABSENT)
        with pytest.raises(DatabaseError, match="closed register"), transaction.atomic():
            Register.objects.filter(pk=register.pk).update(closed_at=None)
        assert set(Attendance.objects.values_list("mark", flat=True)) == {"present"}


def test_bad_input_changes_nothing(ran, partnership_a, scope_of):
    session, bookings, boss = ran
    with scope_of(partnership_a):
        _, later = event_with_session(partnership_a, day=DAY + datetime.timedelta(days=3))
        with pytest.raises(ValidationError, match="opens on the day of the session"):
            register_open(session=later, by=boss, now=NOW)
        register = register_open(session=session, by=boss, now=NOW)
        with pytest.raises(ValidationError, match="not a mark"):
            register_mark(register=register, marks={bookings[0].pk: "asleep"}, by=boss, now=NOW)
        with pytest.raises(ValidationError, match="confirmed place on this session"):
            register_mark(register=register, marks={bookings[0].pk: "present", 999999: "present"}, by=boss, now=NOW)
        assert not Attendance.objects.exists()
        register_mark(register=register, marks={bookings[0].pk: "present"}, by=boss, now=NOW)
        with pytest.raises(ValidationError, match="2 people are not marked yet"):
            register_close(register=register, by=boss, now=NOW)
        assert not Register.objects.get().is_closed


def test_the_register_page_for_coordinators_only(ran, partnership_a, partnership_b, client_at, scope_of):
    session, bookings, boss = ran
    url = f"/cpd/sessions/{session.pk}/register/"
    with scope_of(partnership_a):
        staff = person(partnership_a, SchoolFactory(partnership=partnership_a), Role.STAFF)
        board = MembershipFactory(partnership=partnership_a, role=Role.BOARD_MEMBER).user
    outsider = MembershipFactory(partnership=partnership_b, role=Role.COORDINATOR).user
    for user in (staff, board, bookings[0].user, outsider):
        client = client_at(partnership_a, user)
        for path in (url, url + "open/", url + "close/"):
            assert client.post(path).status_code == 404, (user, path)
    with scope_of(partnership_a):
        assert not Register.objects.exists()

    client = client_at(partnership_a, boss)
    with scope_of(partnership_a):
        Session.objects.filter(pk=session.pk).update(date=timezone.localdate())  # the page runs on the real clock
    assert "Open the register" in client.get(url).text
    client.post(url + "open/")
    page = client.get(url)
    assert page.status_code == 200 and "Save the marks" in page.text
    response = client.post(url, {f"mark_{b.pk}": "present" for b in bookings[:2]} | {f"mark_{bookings[2].pk}": "x"})
    assert response.status_code == 400 and "Select a valid choice" in response.text
    client.post(url, {f"mark_{b.pk}": "present" for b in bookings})
    client.post(url + "close/")
    again = client.post(url + "close/", follow=True)
    assert "a closed register cannot be changed" in again.text
    with scope_of(partnership_a):
        assert Register.objects.get().is_closed and Attendance.objects.filter(mark="present").count() == 3


@pytest.mark.parametrize("size", [2, 12])
def test_the_register_page_has_bounded_queries(size, partnership_a, client_at, scope_of, django_assert_max_num_queries):
    with scope_of(partnership_a):
        _, session = event_with_session(partnership_a, capacity=20, day=DAY, deadline=NOW - datetime.timedelta(days=5))
        bookings = booked(partnership_a, session, size)
        boss = coordinator(partnership_a)
        register = register_open(session=session, by=boss, now=NOW)
        register_mark(register=register, marks={b.pk: "present" for b in bookings}, by=boss, now=NOW)
    client = client_at(partnership_a, boss)
    with django_assert_max_num_queries(14):
        assert client.get(f"/cpd/sessions/{session.pk}/register/").status_code == 200
