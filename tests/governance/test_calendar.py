"""Board meetings and CPD sessions in a person's calendar feed (reviews' feed reads every app's `CalendarSource`):
each person sees the meetings of the bodies they sit on and the sessions they hold a confirmed booking on, never
another body's meetings, another person's bookings or another partnership's."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from icalendar import Calendar

from cpd.models import Booking, BookingState, PriceBand
from partnership.governance.models import BodyMembership, Meeting, Position
from partnership.governance.services.meetings import meeting_cancel, meeting_publish, meeting_schedule
from partnership.tenancy.contributions import calendar_sources
from partnership.tenancy.rls import all_partnerships
from partnership.tenancy.roles import Role
from partnership.tenancy.scoping import partnership_scope
from tests.cpd.factories import event_with_session
from tests.factories import member

from .factories import make_board, scheduled_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(partnership_a, media_root):
    return make_board(partnership_a)


def feed(client, user) -> dict[str, dict]:
    response = client.get(f"/calendar/{user.calendar_token}.ics")
    assert response.status_code == 200
    calendar = Calendar.from_ical(response.content)
    return {
        str(event["UID"]): {
            "summary": str(event["SUMMARY"]),
            "status": str(event.get("STATUS")),
            "start": event.decoded("DTSTART"),
            "end": event.decoded("DTEND"),
            "location": str(event.get("LOCATION", "")),
            "description": str(event.get("DESCRIPTION", "")),
        }
        for event in calendar.walk("VEVENT")
    }


def published(board) -> Meeting:
    meeting = scheduled_meeting(board, papers=0)
    with partnership_scope(board.partnership):
        return meeting_publish(meeting=meeting).meeting


def test_the_feed_reads_every_apps_calendar_source_in_order():
    assert [source.name for source in calendar_sources()] == ["board meetings", "CPD sessions"]


def test_members_see_their_bodys_published_meetings_and_the_clerk_the_drafts_too(board, client_at):
    meeting = published(board)
    draft = scheduled_meeting(board, days_ahead=40, papers=0)
    with partnership_scope(board.partnership):
        elsewhere = meeting_schedule(
            body=board.other_body, starts_at=timezone.now() + datetime.timedelta(days=20), place="Room 9"
        )
        meeting_publish(meeting=elsewhere)
    client = client_at(board.partnership)
    uid, draft_uid, elsewhere_uid = (f"meeting-{m.pk}@alpha.localhost" for m in (meeting, draft, elsewhere))

    mine = feed(client, board.members[2])
    assert set(mine) == {uid}
    entry = mine[uid]
    assert entry["summary"] == "Partnership Board meeting" and entry["status"] == "CONFIRMED"
    starts = meeting.starts_at.replace(microsecond=0)  # iCalendar times are to the second
    assert entry["start"] == starts and entry["end"] == starts + datetime.timedelta(hours=2)
    assert entry["location"] == "Room 1"
    assert f"http://alpha.localhost/meetings/{meeting.pk}/" in entry["description"]
    assert set(feed(client, board.clerk)) == {uid, draft_uid}
    assert "You are the clerk." in feed(client, board.clerk)[uid]["description"]
    # A member of another body sees that body's meeting only; a coordinator or head without a seat, none.
    assert set(feed(client, board.outsider)) == {elsewhere_uid}
    assert feed(client, board.coordinator) == {}
    assert feed(client, board.head) == {}


def test_a_member_whose_term_ends_before_the_meeting_does_not_see_it(board, client_at):
    meeting = published(board)
    leaving = board.members[4]
    with partnership_scope(board.partnership):
        BodyMembership.objects.filter(pk=board.seats[leaving.pk].pk).update(term_end=timezone.localdate())
    assert feed(client_at(board.partnership), leaving) == {}
    assert f"meeting-{meeting.pk}@alpha.localhost" in feed(client_at(board.partnership), board.members[2])


def test_a_cancelled_meeting_stays_in_the_feed_marked_cancelled(board, client_at):
    meeting = published(board)
    with partnership_scope(board.partnership):
        meeting_cancel(meeting=meeting, reason="Not enough business.", actor=board.clerk)
    entry = feed(client_at(board.partnership), board.members[2])[f"meeting-{meeting.pk}@alpha.localhost"]
    assert entry["status"] == "CANCELLED" and entry["summary"] == "Cancelled: Partnership Board meeting"


def test_a_draft_cancelled_before_publishing_never_reaches_the_members(board, client_at):
    draft = scheduled_meeting(board, papers=0)
    with partnership_scope(board.partnership):
        meeting_cancel(meeting=draft, actor=board.clerk)
    client = client_at(board.partnership)
    assert feed(client, board.members[2]) == {}
    assert feed(client, board.clerk)[f"meeting-{draft.pk}@alpha.localhost"]["status"] == "CANCELLED"


def test_a_feed_never_shows_another_partnerships_meetings(board, partnership_b, client_at):
    meeting = published(board)
    person = board.members[2]
    member(partnership_b, Role.BOARD_MEMBER, user=person)
    there = make_board(partnership_b)
    with partnership_scope(partnership_b):
        BodyMembership.objects.create(
            partnership=partnership_b,
            body=there.body,
            user=person,
            position=Position.MEMBER,
            term_start=timezone.localdate() - datetime.timedelta(days=10),
        )
    other = published(there)
    in_a = feed(client_at(board.partnership), person)
    in_b = feed(client_at(partnership_b), person)
    assert set(in_a) == {f"meeting-{meeting.pk}@alpha.localhost"}
    assert set(in_b) == {f"meeting-{other.pk}@beta.localhost"}


def _booking(session, event, user, state) -> Booking:
    with all_partnerships(True):
        return Booking.objects.create(
            partnership=event.partnership,
            event=event,
            session=session,
            user=user,
            state=state,
            price_band=PriceBand.SLA,
            price=Decimal("40"),
            created_at=timezone.now(),
            updated_at=timezone.now(),
        )


def test_a_confirmed_cpd_booking_is_in_the_bookers_feed_and_nobody_elses(partnership_a, partnership_b, client_at):
    teacher = member(partnership_a, Role.STAFF)
    colleague = member(partnership_a, Role.STAFF)
    event, session = event_with_session(partnership_a, title="Phonics refresher")
    booking = _booking(session, event, teacher, BookingState.CONFIRMED)
    _booking(session, event, colleague, BookingState.REQUESTED)
    later_event, later = event_with_session(partnership_a, title="Maths mastery", day=session.date)
    _booking(later, later_event, teacher, BookingState.CANCELLED)
    client = client_at(partnership_a)

    mine = feed(client, teacher)
    assert set(mine) == {f"cpd-booking-{booking.pk}@alpha.localhost"}
    entry = mine[f"cpd-booking-{booking.pk}@alpha.localhost"]
    assert entry["summary"] == "CPD: Phonics refresher" and entry["location"] == "Centre"
    assert timezone.localtime(entry["start"]).time() == datetime.time(9, 30)
    assert timezone.localtime(entry["end"]).time() == datetime.time(15, 0)
    assert f"/cpd/bookings/{booking.pk}/" in entry["description"]
    # Awaiting approval is not a place yet; a cancelled booking is gone.
    assert feed(client, colleague) == {}

    # The same person in another partnership: that partnership's feed holds none of these.
    member(partnership_b, Role.STAFF, user=teacher)
    b_event, b_session = event_with_session(partnership_b, title="Early reading")
    b_booking = _booking(b_session, b_event, teacher, BookingState.CONFIRMED)
    assert set(feed(client_at(partnership_b), teacher)) == {f"cpd-booking-{b_booking.pk}@beta.localhost"}
    assert set(feed(client, teacher)) == {f"cpd-booking-{booking.pk}@alpha.localhost"}


def test_the_feed_takes_a_bounded_number_of_queries(board, client_at, django_assert_max_num_queries):
    for _ in range(3):
        published(board)
    client = client_at(board.partnership)
    with django_assert_max_num_queries(14):
        assert len(feed(client, board.clerk)) == 3
    for days in (50, 60, 70):
        scheduled_meeting(board, days_ahead=days, papers=0)
    with django_assert_max_num_queries(14):
        assert len(feed(client, board.clerk)) == 6
