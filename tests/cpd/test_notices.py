"""What CPD tells people: an email when someone else acts on their booking (approved, declined, booked for them,
cancelled, the whole event cancelled), a reminder before a booked session sent once per booking, and the audience
an event is for (phases, roles, a network's members) enforced when booking and filtered on the programme."""

import datetime
from smtplib import SMTPException

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from cpd.models import BookingReminder, BookingState, CpdSettings, EventKind, Network, NetworkMember
from cpd.services.bookings import booking_approve, booking_cancel, booking_decline, booking_request
from cpd.services.notices import reminders_send
from cpd.services.programme import event_cancel
from cpd.tasks import send_booking_reminders
from partnership.tenancy.rls import all_partnerships
from partnership.tenancy.roles import Role
from schools.models import School
from tests.factories import SchoolFactory

from .factories import NOW, coordinator, event_with_session, person

pytestmark = pytest.mark.django_db


def book(partnership, session, user, by=None):
    return booking_request(session=session, user=user, booked_by=by or user, partnership=partnership, now=NOW)


def test_people_are_told_what_others_did_to_their_bookings(partnership_a, scope_of, django_capture_on_commit_callbacks):
    school = SchoolFactory(partnership=partnership_a)
    head = person(partnership_a, school, Role.HEADTEACHER)
    ann, bob, cat = (person(partnership_a, school, Role.STAFF) for _ in range(3))
    event, session = event_with_session(partnership_a, capacity=3)
    with scope_of(partnership_a), django_capture_on_commit_callbacks(execute=True):
        asked, declined = book(partnership_a, session, ann), book(partnership_a, session, bob)
        assert mail.outbox == []  # a person's own request: they see it on the page
        booking_approve(booking=asked, by=head, now=NOW)
        booking_decline(booking=declined, by=head, reason="Already on a course that week", now=NOW)
        booked = book(partnership_a, session, cat, by=head)
    by_person = {(m.to[0], m.subject) for m in mail.outbox}
    assert (ann.email, "Your place on Phonics refresher is confirmed") in by_person
    assert (bob.email, "Your request for Phonics refresher was declined") in by_person
    assert (cat.email, "You are booked on Phonics refresher") in by_person
    assert "Already on a course that week" in next(m.body for m in mail.outbox if m.to == [bob.email])
    assert f"/cpd/bookings/{booked.pk}/" in next(m.body for m in mail.outbox if m.to == [cat.email])

    mail.outbox.clear()
    waiting = person(partnership_a, role=Role.HEADTEACHER)
    with scope_of(partnership_a), django_capture_on_commit_callbacks(execute=True):
        book(partnership_a, session, waiting)  # the course is full: the waiting list
        booking_cancel(booking=booked, by=head, reason="Ofsted are coming", now=NOW)
    assert [m.to for m in mail.outbox if "cancelled" in m.subject] == [[cat.email]]
    mail.outbox.clear()
    with scope_of(partnership_a), django_capture_on_commit_callbacks(execute=True):
        event_cancel(event=event, by=coordinator(partnership_a), reason="Too few bookings", now=NOW)
    told = sorted(m.to[0] for m in mail.outbox if m.subject == "Phonics refresher is cancelled")
    assert told == sorted([ann.email, waiting.email])  # everyone booked or waiting (the offered place included)
    assert all("Too few bookings" in m.body for m in mail.outbox)


def test_reminders_go_once_per_booking_and_a_rerun_sends_nothing(partnership_a, scope_of, monkeypatch):
    heads = [person(partnership_a, role=Role.HEADTEACHER) for _ in range(3)]
    today = NOW.date()
    _, soon = event_with_session(partnership_a, capacity=5, day=today + datetime.timedelta(days=2))
    _, later = event_with_session(partnership_a, capacity=5, day=today + datetime.timedelta(days=9), title="Later")
    with scope_of(partnership_a):
        CpdSettings.objects.create(partnership=partnership_a, reminder_days=3)
        booked = [book(partnership_a, soon, h) for h in heads[:2]]
        booking_cancel(booking=booked[1], by=heads[1], now=NOW)
        book(partnership_a, later, heads[2])
        assert reminders_send(today=today) == 1
        assert reminders_send(today=today) == 0
    (email,) = mail.outbox
    assert email.to == [heads[0].email] and email.subject.startswith("Reminder: Phonics refresher")
    # The beat task covers every partnership and, a week on, reminds the later course's person once.
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: today + datetime.timedelta(days=7))
    assert send_booking_reminders.delay().get() >= 1
    send_booking_reminders.delay().get()
    assert [m.to for m in mail.outbox[1:]] == [[heads[2].email]]


def test_a_reminder_the_mail_server_refused_is_sent_next_time(partnership_a, scope_of, monkeypatch):
    head = person(partnership_a, role=Role.HEADTEACHER)
    _, session = event_with_session(partnership_a, capacity=5, day=NOW.date() + datetime.timedelta(days=1))
    with scope_of(partnership_a):
        book(partnership_a, session, head)

        def refuse(*args, **kwargs):
            raise SMTPException("mail server down")

        monkeypatch.setattr("cpd.services.notices.send_mail", refuse)
        with pytest.raises(SMTPException):
            reminders_send(today=NOW.date())
        assert not BookingReminder.objects.exists()
        monkeypatch.undo()
        assert reminders_send(today=NOW.date()) == 1
        CpdSettings.objects.create(partnership=partnership_a, reminder_days=0)
        BookingReminder.objects.all().delete()
        assert reminders_send(today=NOW.date()) == 0  # 0 days: the partnership sends none


def test_an_event_is_booked_only_by_its_audience(partnership_a, scope_of):
    primary = SchoolFactory(partnership=partnership_a, phase=School.Phase.PRIMARY)
    secondary = SchoolFactory(partnership=partnership_a, phase=School.Phase.SECONDARY)
    primary_head = person(partnership_a, primary, Role.HEADTEACHER)
    secondary_head = person(partnership_a, secondary, Role.HEADTEACHER)
    primary_teacher = person(partnership_a, primary, Role.STAFF)
    _, phonics = event_with_session(partnership_a, capacity=5, audience_phases=[School.Phase.PRIMARY])
    _, heads_only = event_with_session(
        partnership_a,
        capacity=5,
        audience_roles=[Role.HEADTEACHER, Role.SENIOR_LEADER],
        day=phonics.date.replace(day=1),
    )
    with all_partnerships(True):
        network = Network.objects.create(partnership=partnership_a, name="SENDCo network")
        NetworkMember.objects.create(partnership=partnership_a, network=network, user=primary_teacher)
    _, meeting = event_with_session(
        partnership_a,
        capacity=5,
        kind=EventKind.NETWORK_MEETING,
        network=network,
        day=phonics.date.replace(day=2),
    )
    with scope_of(partnership_a):
        with pytest.raises(
            ValidationError, match="You are not in the audience of Phonics refresher: it is for primary"
        ):
            book(partnership_a, phonics, secondary_head)
        with pytest.raises(ValidationError, match="headteachers or senior leaders only"):
            book(partnership_a, heads_only, primary_teacher)
        with pytest.raises(ValidationError, match="network's members only"):
            book(partnership_a, meeting, primary_head)
        # The CPD leader booking a colleague outside the audience is refused too, naming the colleague.
        with pytest.raises(ValidationError, match=f"{primary_teacher} is not in the audience"):
            book(partnership_a, heads_only, primary_teacher, by=primary_head)
        assert book(partnership_a, phonics, primary_head).state == BookingState.CONFIRMED
        assert book(partnership_a, heads_only, secondary_head).state == BookingState.CONFIRMED
        assert book(partnership_a, meeting, primary_teacher).state == BookingState.REQUESTED


def test_the_programme_filters_by_audience(partnership_a, client_at):
    teacher = person(partnership_a, role=Role.STAFF)
    event_with_session(partnership_a, title="Heads day", audience_roles=[Role.HEADTEACHER])
    event_with_session(partnership_a, title="Governors evening", audience_roles=[Role.GOVERNOR])
    event_with_session(partnership_a, title="Open to all")
    client = client_at(partnership_a, teacher)
    page = client.get("/cpd/?audience=headteacher&date_from=2027-01-01").content.decode()
    assert "Heads day" in page and "Open to all" in page and "Governors evening" not in page
    mine = client.get("/cpd/?audience=mine&date_from=2027-01-01").content.decode()
    assert "Open to all" in mine and "Heads day" not in mine and "Governors evening" not in mine
    refused = client.get("/cpd/?audience=nonsense")
    assert refused.status_code == 200 and "Select a valid choice" in refused.content.decode()
