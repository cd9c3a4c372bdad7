"""Certificates: released only to people marked present at every session (on closed registers), never changed once
issued (the database refuses), downloadable as a PDF by the person, their CPD leader and coordinators, and checked
by code on a public page that shows only name, event, date and validity."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from cpd.models import Certificate, Session
from cpd.services.attendance import register_close, register_mark, register_open
from cpd.services.bookings import booking_request
from cpd.services.certificates import certificate_issue, certificate_revoke, certificates_release
from partnership.tenancy.roles import Role
from tests.factories import MembershipFactory, SchoolFactory

from .factories import NOW, coordinator, event_with_session, person
from .test_attendance import booked

pytestmark = pytest.mark.django_db
DAY = NOW.date()
BOOKED = NOW - datetime.timedelta(days=9)


def run_course(partnership, n=3, absent=None):
    """A two-day course with n people booked on both days; both registers marked and closed."""
    event, first = event_with_session(partnership, capacity=50, day=DAY, deadline=NOW - datetime.timedelta(days=5))
    second = Session.objects.create(
        partnership=partnership,
        event=event,
        date=DAY + datetime.timedelta(days=1),
        starts_at=datetime.time(9),
        ends_at=datetime.time(12),
        venue="Centre",
    )
    day_one = booked(partnership, first, n)
    people = [b.user for b in day_one]
    day_two = [
        booking_request(session=second, user=u, booked_by=u, partnership=partnership, now=BOOKED) for u in people
    ]
    boss = coordinator(partnership)
    for session, bookings in ((first, day_one), (second, day_two)):
        register = register_open(session=session, by=boss, now=NOW + datetime.timedelta(days=1))
        missed = people[absent] if absent is not None and session == second else None
        marks = {b.pk: "absent" if b.user == missed else "present" for b in bookings}
        register_mark(register=register, marks=marks, by=boss, now=NOW + datetime.timedelta(days=1))
        register_close(register=register, by=boss, now=NOW + datetime.timedelta(days=1))
    return event, people, boss


def test_released_only_to_those_present_at_every_session(partnership_a, scope_of):
    with scope_of(partnership_a):
        event, people, boss = run_course(partnership_a, n=3, absent=1)
        made = certificates_release(event=event, by=boss, now=NOW)
        assert {c.user_id for c in made} == {people[0].pk, people[2].pk}  # the second was absent on day two
        assert len({c.code for c in made}) == 2 and all(len(c.code) == 19 for c in made)
        with pytest.raises(ValidationError, match="already holds a certificate"):
            certificates_release(event=event, by=boss, now=NOW)  # a second run: nothing new, nothing duplicated
        assert Certificate.objects.filter(event=event).count() == 2


def test_never_for_someone_absent(partnership_a, scope_of):
    with scope_of(partnership_a):
        event, people, boss = run_course_with_absence(partnership_a)
        made = certificates_release(event=event, by=boss, now=NOW)
        assert {c.user_id for c in made} == {people[0].pk}  # late counts as present; absent does not
        with pytest.raises(ValidationError, match="was not marked present at every session"):
            certificate_issue(event=event, user=people[1], by=boss, now=NOW)
        assert not Certificate.objects.filter(user=people[1]).exists()


def run_course_with_absence(partnership):
    event, first = event_with_session(partnership, capacity=50, day=DAY, deadline=NOW - datetime.timedelta(days=5))
    bookings = booked(partnership, first, 2)
    boss = coordinator(partnership)
    register = register_open(session=first, by=boss, now=NOW)
    register_mark(register=register, marks={bookings[0].pk: "late", bookings[1].pk: "absent"}, by=boss, now=NOW)
    register_close(register=register, by=boss, now=NOW)
    return event, [b.user for b in bookings], boss


def test_an_open_register_releases_nothing(partnership_a, scope_of):
    with scope_of(partnership_a):
        event, first = event_with_session(partnership_a, capacity=5, day=DAY, deadline=NOW - datetime.timedelta(days=5))
        bookings = booked(partnership_a, first, 1)
        boss = coordinator(partnership_a)
        register = register_open(session=first, by=boss, now=NOW)
        register_mark(register=register, marks={bookings[0].pk: "present"}, by=boss, now=NOW)
        with pytest.raises(ValidationError, match="once every session's register is closed"):
            certificates_release(event=event, by=boss, now=NOW)


def test_an_issued_certificate_never_changes_but_can_be_revoked_and_reissued(partnership_a, scope_of):
    with scope_of(partnership_a):
        event, people, boss = run_course_with_absence(partnership_a)
        certificate = certificates_release(event=event, by=boss, now=NOW)[0]
        for change in (
            {"person_name": "Someone else"},
            {"code": "AAAA-AAAA-AAAA-AAAA"},
            {"completed_on": DAY - datetime.timedelta(days=1)},
        ):
            with pytest.raises(DatabaseError, match="never changes"), transaction.atomic():
                Certificate.objects.filter(pk=certificate.pk).update(**change)
        with pytest.raises(DatabaseError, match="never changes"), transaction.atomic():
            Certificate.objects.filter(pk=certificate.pk).delete()
        with pytest.raises(ValidationError, match="Say why"):
            certificate_revoke(certificate=certificate, by=boss, reason=" ")
        certificate_revoke(certificate=certificate, by=boss, reason="Name misspelt")
        with pytest.raises(ValidationError, match="already revoked"):
            certificate_revoke(certificate=certificate, by=boss, reason="again")
        reissued = certificate_issue(event=event, user=people[0], by=boss, now=NOW)
        assert reissued.pk != certificate.pk and reissued.code != certificate.code
        assert Certificate.objects.filter(event=event).count() == 2  # both recorded


@pytest.fixture
def issued(partnership_a, scope_of):
    with scope_of(partnership_a):
        school = SchoolFactory(partnership=partnership_a)
        event, first = event_with_session(partnership_a, capacity=5, day=DAY, deadline=NOW - datetime.timedelta(days=5))
        holder = person(partnership_a, school, Role.STAFF)
        leader = person(partnership_a, school, Role.HEADTEACHER)
        booking = booking_request(session=first, user=holder, booked_by=leader, partnership=partnership_a, now=BOOKED)
        boss = coordinator(partnership_a)
        register = register_open(session=first, by=boss, now=NOW)
        register_mark(register=register, marks={booking.pk: "present"}, by=boss, now=NOW)
        register_close(register=register, by=boss, now=NOW)
        certificate = certificates_release(event=event, by=boss, now=NOW)[0]
    people = {
        "holder": holder,
        "cpd_leader": leader,
        "coordinator": boss,
        "colleague": person(partnership_a, school, Role.STAFF),
        "other_head": person(partnership_a, role=Role.HEADTEACHER),
        "board_member": MembershipFactory(partnership=partnership_a, role=Role.BOARD_MEMBER).user,
    }
    return event, certificate, people


PAGES = {
    "pdf": {"holder", "cpd_leader", "coordinator"},
    "mine": {"holder", "cpd_leader", "coordinator", "colleague", "other_head", "board_member"},
    "event": {"coordinator"},
}


def test_who_may_open_each_certificate_page(issued, partnership_a, partnership_b, client_at):
    event, certificate, people = issued
    urls = {
        "pdf": f"/cpd/certificates/{certificate.pk}/certificate.pdf",
        "mine": "/cpd/certificates/",
        "event": f"/cpd/events/{event.pk}/certificates/",
    }
    outsider = MembershipFactory(partnership=partnership_b, role=Role.COORDINATOR).user
    for page, url in urls.items():
        for role, user in people.items():
            response = client_at(partnership_a, user).get(url)
            assert response.status_code == (200 if role in PAGES[page] else 404), (page, role)
        assert client_at(partnership_a, outsider).get(url).status_code == 404, page
    pdf = client_at(partnership_a, people["holder"]).get(urls["pdf"])
    assert pdf["Content-Type"] == "application/pdf" and b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert certificate.code in client_at(partnership_a, people["holder"]).get(urls["mine"]).text
    # Only coordinators release.
    for role in ("holder", "cpd_leader", "board_member"):
        assert client_at(partnership_a, people[role]).post(urls["event"]).status_code == 404


def test_the_public_check_shows_only_name_event_date_and_validity(
    issued, partnership_a, partnership_b, client_at, scope_of
):
    _, certificate, people = issued
    url = f"/cpd/certificates/verify/{certificate.code}/"
    page = client_at(partnership_a).get(url)  # nobody signed in
    assert page.status_code == 200
    assert certificate.person_name in page.text and certificate.event_title in page.text and "Valid" in page.text
    assert people["holder"].email not in page.text and "Sign out" not in page.text
    assert client_at(partnership_b).get(url).status_code == 404  # another partnership's address: not found
    assert client_at(partnership_a).get("/cpd/certificates/verify/ZZZZ-ZZZZ-ZZZZ-ZZZZ/").status_code == 404
    assert client_at(partnership_a, people["board_member"]).get(url).status_code == 200
    with scope_of(partnership_a):
        certificate_revoke(certificate=certificate, by=people["coordinator"], reason="Issued in error")
    assert "revoked" in client_at(partnership_a).get(url).text


@pytest.mark.parametrize("size", [1, 6])
def test_certificate_lists_have_bounded_queries(
    size, partnership_a, client_at, scope_of, django_assert_max_num_queries
):
    with scope_of(partnership_a):
        event, people, boss = run_course(partnership_a, n=size)
        certificates_release(event=event, by=boss, now=NOW)
    for user, url in ((boss, f"/cpd/events/{event.pk}/certificates/"), (people[0], "/cpd/certificates/")):
        client = client_at(partnership_a, user)
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200
