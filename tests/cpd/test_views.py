"""CPD's pages: who may open and do what (role x action), a member of another partnership gets 404, and the list
pages' queries stay bounded as the data grows."""

import datetime

import pytest
from django.utils import timezone

from cpd.models import Booking, BookingState
from cpd.services.bookings import booking_request
from partnership.tenancy.roles import Role
from tests.factories import MembershipFactory, SchoolFactory

from .factories import event_with_session, person

pytestmark = pytest.mark.django_db


def soon(days=10):
    return timezone.now() + datetime.timedelta(days=days)


@pytest.fixture
def world(partnership_a):
    school = SchoolFactory(partnership=partnership_a)
    people = {
        "coordinator": MembershipFactory(partnership=partnership_a, role=Role.COORDINATOR).user,
        "board_member": MembershipFactory(partnership=partnership_a, role=Role.BOARD_MEMBER).user,
        "headteacher": person(partnership_a, school, Role.HEADTEACHER),
        "staff": person(partnership_a, school, Role.STAFF),
        "other_head": person(partnership_a, role=Role.HEADTEACHER),
    }
    event, session = event_with_session(
        partnership_a, deadline=soon(5), day=(timezone.now() + datetime.timedelta(days=20)).date()
    )
    return people, event, session


def request_of(partnership, session, user):
    return booking_request(session=session, user=user, booked_by=user, partnership=partnership)


PAGES = {
    # page: who may open it
    "programme": {"coordinator", "board_member", "headteacher", "staff", "other_head"},
    "event": {"coordinator", "board_member", "headteacher", "staff", "other_head"},
    "my_bookings": {"coordinator", "board_member", "headteacher", "staff", "other_head"},
    "approvals": {"headteacher", "other_head"},
    "booking": {"coordinator", "headteacher", "staff"},
    "event_create": {"coordinator"},
    "event_edit": {"coordinator"},
    "session_add": {"coordinator"},
    "register": {"coordinator"},
    "invoices": {"coordinator"},
    "settings": {"coordinator"},
    "leader": {"coordinator", "headteacher"},
}


def url_of(page, event, session, booking):
    return {
        "programme": "/cpd/",
        "event": f"/cpd/events/{event.pk}/",
        "my_bookings": "/cpd/bookings/",
        "approvals": "/cpd/approvals/",
        "booking": f"/cpd/bookings/{booking.pk}/",
        "event_create": "/cpd/events/new/",
        "event_edit": f"/cpd/events/{event.pk}/edit/",
        "session_add": f"/cpd/events/{event.pk}/sessions/new/",
        "register": f"/cpd/sessions/{session.pk}/register/",
        "invoices": "/cpd/invoices/",
        "settings": "/cpd/settings/",
        "leader": f"/cpd/schools/{booking.school_id}/leader/",
    }[page]


def test_who_may_open_each_page(world, partnership_a, partnership_b, client_at, scope_of):
    people, event, session = world
    with scope_of(partnership_a):
        booking = request_of(partnership_a, session, people["staff"])
    outsider = MembershipFactory(partnership=partnership_b, role=Role.COORDINATOR).user
    for page, allowed in PAGES.items():
        url = url_of(page, event, session, booking)
        for role, user in people.items():
            status = client_at(partnership_a, user).get(url).status_code
            assert status == (200 if role in allowed else 404), (page, role, status)
        assert client_at(partnership_a, outsider).get(url).status_code == 404, page


def test_approving_is_for_the_own_schools_leader_only(world, partnership_a, partnership_b, client_at, scope_of):
    people, _, session = world
    with scope_of(partnership_a):
        booking = request_of(partnership_a, session, people["staff"])
    outsider = MembershipFactory(
        partnership=partnership_b, role=Role.HEADTEACHER, school=SchoolFactory(partnership=partnership_b)
    ).user
    for role in ("coordinator", "board_member", "other_head", "staff"):
        client_at(partnership_a, people[role]).post(f"/cpd/bookings/{booking.pk}/approve/")
    assert client_at(partnership_a, outsider).post(f"/cpd/bookings/{booking.pk}/approve/").status_code == 404
    with scope_of(partnership_a):
        assert Booking.objects.get(pk=booking.pk).state == BookingState.REQUESTED
    response = client_at(partnership_a, people["headteacher"]).post(f"/cpd/bookings/{booking.pk}/approve/")
    assert response.status_code == 302
    with scope_of(partnership_a):
        assert Booking.objects.get(pk=booking.pk).state == BookingState.CONFIRMED


def test_booking_from_the_event_page_and_a_clash_warning_that_can_be_accepted(
    world, partnership_a, client_at, scope_of
):
    people, _event, session = world
    _, other = event_with_session(
        partnership_a, title="Maths", deadline=soon(5), day=session.date, start=(14, 0), end=(16, 0)
    )
    client = client_at(partnership_a, people["staff"])
    assert client.post(f"/cpd/sessions/{session.pk}/book/").status_code == 302
    again = client.post(f"/cpd/sessions/{session.pk}/book/")
    assert again.status_code == 400 and "already booked" in again.content.decode()
    clash = client.post(f"/cpd/sessions/{other.pk}/book/")
    assert clash.status_code == 400 and "Book anyway" in clash.content.decode()
    assert client.post(f"/cpd/sessions/{other.pk}/book/", {f"s{other.pk}-accept_clash": "on"}).status_code == 302
    with scope_of(partnership_a):
        assert Booking.objects.filter(user=people["staff"]).count() == 2


def test_the_coordinator_creates_an_event_and_bad_input_changes_nothing(world, partnership_a, client_at, scope_of):
    people, event, _ = world
    client = client_at(partnership_a, people["coordinator"])
    data = {
        "kind": "course",
        "title": "Early reading",
        "status": "published",
        "capacity": "10",
        "minimum": "20",
        "price_sla": "-5",
        "price_non_sla": "10",
        "booking_deadline": "2027-05-01T17:00",
    }
    refused = client.post("/cpd/events/new/", data)
    assert refused.status_code == 400
    assert "cannot be more than the capacity" in refused.content.decode()
    assert client.post("/cpd/events/new/", data | {"minimum": "2", "price_sla": "5"}).status_code == 302
    session_data = {"date": "2027-05-10", "starts_at": "10:00", "ends_at": "09:00", "venue": "Hall"}
    refused = client.post(f"/cpd/events/{event.pk}/sessions/new/", session_data)
    assert refused.status_code == 400 and "end after it starts" in refused.content.decode()
    with scope_of(partnership_a):
        assert event.sessions.count() == 1


@pytest.mark.parametrize("size", [3, 12])
def test_list_pages_have_bounded_queries(
    size, world, partnership_a, client_at, scope_of, django_assert_max_num_queries
):
    people, _, _ = world
    for n in range(size):
        _, session = event_with_session(
            partnership_a,
            title=f"Course {n}",
            deadline=soon(5),
            day=(timezone.now() + datetime.timedelta(days=30 + n)).date(),
        )
        with scope_of(partnership_a):
            request_of(partnership_a, session, people["staff"])
    for role, url, limit in (
        ("staff", "/cpd/", 12),
        ("staff", f"/cpd/events/{session.event_id}/", 14),
        ("coordinator", f"/cpd/sessions/{session.pk}/register/", 12),
        ("coordinator", "/cpd/invoices/", 12),
        ("staff", "/cpd/bookings/", 10),
        ("headteacher", "/cpd/approvals/", 14),
        ("headteacher", "/", 40),
    ):
        client = client_at(partnership_a, people[role])
        with django_assert_max_num_queries(limit):
            assert client.get(url).status_code == 200


def test_the_leader_passes_a_place_to_a_substitute_and_the_coordinator_cancels_the_event(
    world, partnership_a, client_at, scope_of
):
    people, event, session = world
    with scope_of(partnership_a):
        school = people["staff"].memberships.get().school
    colleague = person(partnership_a, school, Role.STAFF)
    with scope_of(partnership_a):
        booking = booking_request(
            session=session, user=people["staff"], booked_by=people["headteacher"], partnership=partnership_a
        )
    head = client_at(partnership_a, people["headteacher"])
    assert "Name a substitute" in head.get(f"/cpd/bookings/{booking.pk}/").content.decode()
    assert (
        client_at(partnership_a, people["staff"])
        .post(f"/cpd/bookings/{booking.pk}/substitute/", {"substitute": colleague.pk})
        .status_code
        == 302
    )
    with scope_of(partnership_a):
        assert Booking.objects.get(pk=booking.pk).state == BookingState.CONFIRMED
    head.post(f"/cpd/bookings/{booking.pk}/substitute/", {"substitute": colleague.pk})
    with scope_of(partnership_a):
        assert Booking.objects.get(session=session, user=colleague).state == BookingState.CONFIRMED
    coordinator = client_at(partnership_a, people["coordinator"])
    assert (
        client_at(partnership_a, people["headteacher"])
        .post(f"/cpd/events/{event.pk}/cancel/", {"reason": "Too few"})
        .status_code
        == 404
    )
    coordinator.post(f"/cpd/events/{event.pk}/cancel/", {"reason": "Too few bookings"})
    with scope_of(partnership_a):
        assert not Booking.objects.filter(event=event, state__in=["confirmed", "requested", "waiting"]).exists()


def test_the_head_names_a_cpd_leader_who_then_approves(world, partnership_a, client_at, scope_of):
    people, _, session = world
    with scope_of(partnership_a):
        school = people["staff"].memberships.get().school
        booking = request_of(partnership_a, session, people["staff"])
    leader = person(partnership_a, school, Role.SENIOR_LEADER)
    url = f"/cpd/schools/{school.pk}/leader/"
    head = client_at(partnership_a, people["headteacher"])
    refused = head.post(url, {"person": people["other_head"].pk})
    assert refused.status_code == 400
    assert head.post(url, {"person": leader.pk}).status_code == 302
    assert (
        client_at(partnership_a, people["headteacher"]).post(f"/cpd/bookings/{booking.pk}/approve/").status_code == 404
    )
    client_at(partnership_a, leader).post(f"/cpd/bookings/{booking.pk}/approve/")
    with scope_of(partnership_a):
        assert Booking.objects.get(pk=booking.pk).state == BookingState.CONFIRMED
    coordinator = client_at(partnership_a, people["coordinator"])
    charges = {"late_cancellation_charge": "5", "no_show_charge": "10", "reminder_days": "3"}
    assert coordinator.post("/cpd/settings/", {"offer_hours": "0", **charges}).status_code == 400
    assert coordinator.post("/cpd/settings/", {"offer_hours": "24", **charges}).status_code == 302
