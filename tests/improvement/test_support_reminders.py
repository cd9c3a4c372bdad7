"""Brokered support's next steps emailed as well as shown on the home page: each step once, to those who take it,
unless they turned these emails off; the daily task runs in each partnership's scope and sends only its own."""

import datetime
from smtplib import SMTPException

import pytest
from django.core import mail
from django.utils import timezone

from improvement.models import SupportAgreement, SupportRequest
from improvement.services.reminders import support_reminders_send
from improvement.tasks import remind_support_next_steps_task, send_support_reminders
from partnership.accounts.models import User
from partnership.tenancy.scoping import partnership_scope

from .test_support import TODAY, agree, support_scenario

pytestmark = pytest.mark.django_db


def at_midpoint(partnership):
    """Support agreed 60 days ago for 120 days: its mid-point review is due today."""
    s = support_scenario(partnership)
    with partnership_scope(partnership):
        s.agreement = agree(s, starts_on=TODAY - datetime.timedelta(days=60))
    return s


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def test_the_midpoint_review_is_emailed_once_to_those_who_hold_it(partnership_a, scope_of):
    s = at_midpoint(partnership_a)
    with scope_of(partnership_a):
        assert support_reminders_send(today=TODAY) == 3
        assert support_reminders_send(today=TODAY) == 0  # a rerun sends nothing
    assert recipients() == sorted([s.coordinator.email, s.head.email, s.leader.email])
    assert all(len(message.to) == 1 for message in mail.outbox)  # nobody sees who else was told
    message = mail.outbox[0]
    assert message.subject == "Support for Kingsmead Primary: hold the mid-point review"
    assert f"/improvement/support/{s.request.pk}/" in message.body and "Emails you get" in message.body


def test_the_evaluation_then_follows_once_the_support_has_ended(partnership_a, scope_of):
    s = at_midpoint(partnership_a)
    with scope_of(partnership_a):
        support_reminders_send(today=TODAY)
        mail.outbox.clear()
        SupportAgreement.objects.filter(pk=s.agreement.pk).update(ends_on=TODAY - datetime.timedelta(days=1))
        assert support_reminders_send(today=TODAY) == 2
        assert support_reminders_send(today=TODAY) == 0
    assert recipients() == sorted([s.coordinator.email, s.head.email])
    assert "evaluate the impact against the aims" in mail.outbox[0].subject
    assert "due since" in mail.outbox[0].body


def test_a_request_waiting_a_week_for_its_agreement_reminds_the_coordinators(partnership_a, scope_of):
    s = support_scenario(partnership_a)
    with scope_of(partnership_a):
        assert support_reminders_send(today=TODAY) == 0  # asked today: brokering takes a few days
        SupportRequest.objects.filter(pk=s.request.pk).update(requested_at=timezone.now() - datetime.timedelta(days=8))
        assert support_reminders_send(today=TODAY) == 1
        assert support_reminders_send(today=TODAY) == 0
    assert recipients() == [s.coordinator.email]


def test_a_person_who_turned_these_emails_off_is_not_emailed(partnership_a, scope_of, client_at):
    s = at_midpoint(partnership_a)
    User.objects.filter(pk=s.head.pk).update(emails_declined=["support_reminders"])
    with scope_of(partnership_a):
        assert support_reminders_send(today=TODAY) == 2
    assert s.head.email not in recipients()
    # The step still shows on the head's home page.
    assert "hold the mid-point review" in client_at(partnership_a, s.head).get("/").content.decode()


def test_a_reminder_the_mail_server_refused_is_sent_the_next_day(partnership_a, scope_of, monkeypatch):
    s = at_midpoint(partnership_a)

    def refuse(*args, **kwargs):
        raise SMTPException("mail server down")

    with scope_of(partnership_a):
        monkeypatch.setattr("improvement.services.reminders.send_mail", refuse)
        with pytest.raises(SMTPException):
            support_reminders_send(today=TODAY)
        assert SupportAgreement.objects.get(pk=s.agreement.pk).midpoint_reminded_at is None
        monkeypatch.undo()
        assert support_reminders_send(today=TODAY) == 3


def test_the_daily_task_runs_in_each_partnerships_scope_and_sends_only_its_own(partnership_a, partnership_b):
    ours, theirs = at_midpoint(partnership_a), at_midpoint(partnership_b)
    assert remind_support_next_steps_task.delay(partnership_id=partnership_a.pk).get() == 3
    assert recipients() == sorted([ours.coordinator.email, ours.head.email, ours.leader.email])
    with partnership_scope(partnership_b):
        assert SupportAgreement.objects.get(pk=theirs.agreement.pk).midpoint_reminded_at is None
    mail.outbox.clear()
    assert send_support_reminders.delay().get() >= 2  # the beat: one task per partnership
    assert recipients() == sorted([theirs.coordinator.email, theirs.head.email, theirs.leader.email])
    with pytest.raises(TypeError):
        remind_support_next_steps_task.delay().get()  # never without its partnership
