"""The iCalendar feed and downloads, parsed with the icalendar library: the right events for that person only."""

import datetime

import pytest
from django.utils import timezone
from icalendar import Calendar

from partnership.tenancy.roles import Role
from reviews.models import ReviewStatus
from reviews.services import scheduling
from tests.factories import member
from tests.reviews.factories import TeamMemberFactory, review_scenario, visit_on
from tests.reviews.factories_scheduling import book, other_review

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2026, 11, 2)


def feed(client, user, status=200) -> Calendar | None:
    response = client.get(f"/calendar/{user.calendar_token}.ics")
    assert response.status_code == status
    if status != 200:
        return None
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events(calendar: Calendar) -> dict[str, dict]:
    return {
        str(event["UID"]): {
            "start": event.decoded("DTSTART"),
            "end": event.decoded("DTEND"),
            "summary": str(event["SUMMARY"]),
            "sequence": int(event["SEQUENCE"]),
        }
        for event in calendar.walk("VEVENT")
    }


@pytest.fixture
def booked(partnership_a, scope_of):
    """Kingsmead's visit booked on two days, Otterbrook (the reviewers' own school) on one, Heron Way on another."""
    s = review_scenario(partnership_a)
    s.reviewed_school.street = "1 Mill Lane"
    s.reviewed_school.town = "Ashby Marsh"
    s.reviewed_school.postcode = "NS1 4AB"
    with scope_of(partnership_a):
        s.reviewed_school.save()
        book(s.review, [D(2026, 11, 17), D(2026, 11, 19)], s.head, s.lead_reviewer, today=TODAY)
        own = other_review(s, name="Otterbrook visit", status=ReviewStatus.SCHEDULED)
        own.school = s.reviewing_school
        own.save()
        visit_on(own, D(2027, 2, 3))
        s.own_review = own
        elsewhere = other_review(s, name="Heron Way Primary School", status=ReviewStatus.SCHEDULED)
        visit_on(elsewhere, D(2027, 2, 4))
        s.elsewhere = elsewhere
    return s


def test_the_feed_is_a_valid_calendar_with_every_required_property(booked, client_at):
    s = booked
    calendar = feed(client_at(s.partnership), s.head)
    assert calendar["VERSION"] == "2.0"
    assert str(calendar["PRODID"]) == "-//Alpha Partnership//Partnership portal//EN"
    assert calendar["CALSCALE"] == "GREGORIAN" and calendar["METHOD"] == "PUBLISH"
    assert str(calendar["X-WR-CALNAME"]) == "Alpha Partnership calendar"
    vevents = calendar.walk("VEVENT")
    assert len(vevents) == 2
    first = vevents[0]
    for prop in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "LOCATION", "DESCRIPTION", "SEQUENCE"):
        assert prop in first, prop
    assert "LAST-MODIFIED" in first
    assert first["DTSTART"].params["VALUE"] == "DATE"
    assert first.decoded("DTSTART") == D(2026, 11, 17) and not isinstance(first.decoded("DTSTART"), datetime.datetime)
    assert first.decoded("DTEND") == D(2026, 11, 18)
    assert str(first["SUMMARY"]) == "Peer review visit: Kingsmead Primary School (day 1 of 2)"
    assert str(first["LOCATION"]) == "Kingsmead Primary School, 1 Mill Lane, Ashby Marsh, NS1 4AB"
    assert f"http://alpha.localhost/reviews/{s.review.pk}/" in str(first["DESCRIPTION"])
    assert "The visit is to your school." in str(first["DESCRIPTION"])
    assert str(first["UID"]) == f"review-{s.review.pk}-day-1@alpha.localhost"
    assert int(first["SEQUENCE"]) == 0


def test_each_person_sees_only_the_visits_they_take_part_in(booked, client_at, scope_of):
    s = booked
    client = client_at(s.partnership)
    kingsmead = {f"review-{s.review.pk}-day-1@alpha.localhost", f"review-{s.review.pk}-day-2@alpha.localhost"}
    otterbrook = {f"review-{s.own_review.pk}-day-1@alpha.localhost"}
    # Reviewers: Kingsmead's visit, and their own school's (the lead is Otterbrook's head, the reviewer a senior
    # leader there); never Heron Way's.
    assert set(events(feed(client, s.lead_reviewer))) == kingsmead | otterbrook
    assert set(events(feed(client, s.reviewer))) == kingsmead | otterbrook
    # Kingsmead's head and senior leader: their own school's visit.
    assert set(events(feed(client, s.head))) == kingsmead
    assert set(events(feed(client, s.senior_leader))) == kingsmead
    # Governors, staff, the board and coordinators take no part in visits.
    for person in (s.governor, s.staff, s.board_member, s.coordinator, s.other_head):
        assert events(feed(client, person)) == {}, person
    lead_events = events(feed(client, s.lead_reviewer))
    assert lead_events[f"review-{s.review.pk}-day-2@alpha.localhost"]["start"] == D(2026, 11, 19)


def test_a_feed_shows_one_partnerships_visits_on_its_own_address(booked, partnership_b, client_at, scope_of):
    s = booked
    there = review_scenario(partnership_b, status=ReviewStatus.SCHEDULED)
    member(partnership_b, Role.SENIOR_LEADER, user=s.lead_reviewer, school=there.reviewing_school)
    with scope_of(partnership_b):
        visit_on(there.review, D(2027, 1, 12))
        TeamMemberFactory(review=there.review, user=s.lead_reviewer)
    in_a = events(feed(client_at(s.partnership), s.lead_reviewer))
    in_b = events(feed(client_at(partnership_b), s.lead_reviewer))
    assert all(uid.endswith("@alpha.localhost") for uid in in_a) and len(in_a) == 3
    assert set(in_b) == {f"review-{there.review.pk}-day-1@beta.localhost"}
    # Someone who is not a member of a partnership has no feed there.
    assert feed(client_at(partnership_b), s.head, status=404) is None


def test_an_unknown_or_old_token_is_404_and_a_new_address_replaces_the_old(booked, client_at):
    s = booked
    anonymous = client_at(s.partnership)
    assert anonymous.get("/calendar/not-a-real-token.ics").status_code == 404
    old_token = s.head.calendar_token
    assert anonymous.get(f"/calendar/{old_token}.ics").status_code == 200

    signed_in = client_at(s.partnership, s.head)
    page = signed_in.get("/calendar/").content.decode()
    assert f"http://alpha.localhost/calendar/{old_token}.ics" in page
    assert f"webcal://alpha.localhost/calendar/{old_token}.ics" in page
    assert signed_in.get("/calendar/new-address/").status_code == 405
    response = signed_in.post("/calendar/new-address/", follow=True)
    s.head.refresh_from_db()
    assert s.head.calendar_token != old_token
    assert "Your calendar has a new address" in response.content.decode()
    assert f"/calendar/{s.head.calendar_token}.ics" in response.content.decode()
    assert anonymous.get(f"/calendar/{old_token}.ics").status_code == 404
    assert anonymous.get(f"/calendar/{s.head.calendar_token}.ics").status_code == 200


def test_an_inactive_persons_feed_is_404(booked, client_at):
    s = booked
    s.reviewer.is_active = False
    s.reviewer.save()
    feed(client_at(s.partnership), s.reviewer, status=404)


def test_a_rescheduled_visit_drops_out_then_moves_with_the_same_uids_and_a_higher_sequence(booked, client_at, scope_of):
    s = booked
    client = client_at(s.partnership)
    before = events(feed(client, s.head))
    with scope_of(s.partnership):
        proposal = scheduling.visit_dates_propose(
            review=s.review, actor=s.head, days=[D(2026, 12, 1), D(2026, 12, 2)], today=TODAY
        )
    assert events(feed(client, s.head)) == {}  # the cancelled days are gone until new ones are agreed
    with scope_of(s.partnership):
        scheduling.visit_dates_accept(proposal=proposal, actor=s.reviewer, today=TODAY)
    after = events(feed(client, s.head))
    assert set(after) == set(before)
    uid = f"review-{s.review.pk}-day-1@alpha.localhost"
    assert after[uid]["start"] == D(2026, 12, 1)
    assert after[uid]["sequence"] == before[uid]["sequence"] + 1


def test_a_visit_downloads_as_an_ics_file(booked, client_at):
    s = booked
    response = client_at(s.partnership, s.reviewer).get(f"/reviews/{s.review.pk}/visit.ics")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="peer-review-visit-kingsmead-primary-school.ics"'
    calendar = Calendar.from_ical(response.content)
    assert calendar["METHOD"] == "PUBLISH"
    assert [event.decoded("DTSTART") for event in calendar.walk("VEVENT")] == [D(2026, 11, 17), D(2026, 11, 19)]
    assert "You are a reviewer." in str(calendar.walk("VEVENT")[0]["DESCRIPTION"])


def test_the_feed_needs_no_sign_in_and_is_not_cached_or_indexed(booked, client_at):
    s = booked
    response = client_at(s.partnership).get(f"/calendar/{s.head.calendar_token}.ics")
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response.content.startswith(b"BEGIN:VCALENDAR\r\n")
    # Some calendar apps ask for the headers first.
    assert client_at(s.partnership).head(f"/calendar/{s.head.calendar_token}.ics").status_code == 200


def test_the_calendar_page_lists_the_persons_next_visits_only(partnership_a, client_at, scope_of):
    s = review_scenario(partnership_a, status=ReviewStatus.SCHEDULED)
    today = timezone.localdate()
    with scope_of(partnership_a):
        visit_on(s.review, today + datetime.timedelta(days=5))
        past = other_review(s, name="Long Ago Primary School", team=[s.reviewer], status=ReviewStatus.VISITED)
        visit_on(past, today - datetime.timedelta(days=30))
    page = client_at(partnership_a, s.reviewer).get("/calendar/").content.decode()
    assert "Kingsmead Primary School" in page and "Long Ago Primary School" not in page
    assert (
        "No visits are booked for you yet." in client_at(partnership_a, s.governor).get("/calendar/").content.decode()
    )
