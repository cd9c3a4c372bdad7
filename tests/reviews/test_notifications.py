"""Notifications: reminders made once per occasion, emails sent by Celery tasks, robust when the broker is down."""

import datetime
from unittest import mock

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from partnership.celery import app as celery_app
from partnership.tenancy.roles import Role
from partnership.tenancy.scoping import partnership_scope
from reviews import tasks
from reviews.models import Notification, NotificationKind, ReportDraft, ReviewStatus, SelfReview
from reviews.services import notifications, scheduling
from tests.factories import PartnershipFactory, member
from tests.reviews.factories import review_scenario, visit_on
from tests.reviews.factories_scheduling import NO_TERMS, open_window, school_days

pytestmark = pytest.mark.django_db
D = datetime.date


def remind(today):
    return notifications.reminders_create(today=today, calendar=NO_TERMS)


def recipients(kind) -> set[int]:
    return set(Notification.objects.filter(kind=kind).values_list("user_id", flat=True))


@pytest.fixture
def scheduled(partnership_a):
    s = review_scenario(partnership_a, status=ReviewStatus.SCHEDULED)
    with partnership_scope(partnership_a), transaction.atomic():
        visit_on(s.review, D(2026, 11, 24), D(2026, 11, 25))
        s.review.self_review_due_on = D(2026, 11, 10)
        s.review.save()
    return s


# Reminders ---------------------------------------------------------------------------------------------------------


def test_self_review_due_is_sent_to_the_schools_leaders_in_the_week_before_it_is_due(scheduled, scope_of):
    s = scheduled
    with scope_of(s.partnership):
        assert remind(D(2026, 11, 2)) == []  # due in 8 days: not yet
        made = remind(D(2026, 11, 4))
        assert {n.user_id for n in made} == {s.head.pk, s.senior_leader.pk}
        assert made[0].kind == NotificationKind.SELF_REVIEW_DUE
        assert made[0].message.startswith(
            "Kingsmead Primary School's self-review is due on Tuesday 10 November 2026 (in 6 days)"
        )
        assert made[0].url == f"/reviews/{s.review.pk}/"
        assert remind(D(2026, 11, 5)) == []  # once per occasion


def test_no_self_review_reminder_once_the_school_has_shared_it(scheduled, scope_of):
    s = scheduled
    with scope_of(s.partnership):
        SelfReview.objects.create(partnership=s.partnership, review=s.review, shared_at=timezone.now())
        assert remind(D(2026, 11, 4)) == []


def test_visit_in_two_days_is_sent_to_the_team_and_the_school(scheduled, scope_of):
    s = scheduled
    with scope_of(s.partnership):
        SelfReview.objects.create(partnership=s.partnership, review=s.review, shared_at=timezone.now())
        assert remind(D(2026, 11, 21)) == []  # three days before
        made = remind(D(2026, 11, 22))
        assert {n.user_id for n in made} == {s.lead_reviewer.pk, s.reviewer.pk, s.head.pk, s.senior_leader.pk}
        assert made[0].message == (
            "The peer review visit to Kingsmead Primary School starts in 2 days, on Tuesday 24 November 2026."
        )
        assert remind(D(2026, 11, 23)) == []


def test_report_overdue_counts_working_days_and_goes_to_the_lead_reviewer_and_coordinators(partnership_a, scope_of):
    s = review_scenario(partnership_a, status=ReviewStatus.VISITED)
    second_coordinator = member(partnership_a, Role.COORDINATOR)
    with scope_of(partnership_a):
        s.review.report_due_on = D(2027, 3, 25)  # the Thursday before Easter
        s.review.save()
        assert remind(D(2027, 3, 29)) == []  # Good Friday and Easter Monday are not working days
        made = remind(D(2027, 3, 30))
        assert {n.user_id for n in made} == {s.lead_reviewer.pk, s.coordinator.pk, second_coordinator.pk}
        assert made[0].message == (
            "The report on the peer review of Kingsmead Primary School was due on Thursday 25 March 2027: "
            "it is 1 working day overdue."
        )
        assert remind(D(2027, 4, 6)) == []


def test_factual_accuracy_check_overdue_goes_to_the_head_and_coordinators_until_the_school_replies(
    partnership_a, scope_of
):
    s = review_scenario(partnership_a, status=ReviewStatus.FACTUAL_ACCURACY)
    with scope_of(partnership_a):
        s.review.factual_accuracy_due_on = D(2027, 4, 8)
        s.review.save()
        made = remind(D(2027, 4, 13))
        assert {n.user_id for n in made} == {s.head.pk, s.coordinator.pk}
        assert "was due on Thursday 8 April 2027: it is 3 working days overdue." in made[0].message

    other = review_scenario(partnership_a, status=ReviewStatus.FACTUAL_ACCURACY)
    with scope_of(partnership_a):
        other.review.factual_accuracy_due_on = D(2027, 4, 8)
        other.review.save()
        ReportDraft.objects.create(
            partnership=partnership_a, review=other.review, factual_accuracy_responded_at=timezone.now()
        )
        assert other.review.pk not in {n.review_id for n in remind(D(2027, 4, 14))}


def test_reminders_whose_occasion_has_passed_are_marked_done(scheduled, scope_of):
    s = scheduled
    with scope_of(s.partnership):
        remind(D(2026, 11, 22))
        assert Notification.objects.filter(read_at__isnull=True).count() == 4 + 2  # visit soon, self-review due
        s.review.status = ReviewStatus.VISITED
        s.review.save()
        remind(D(2026, 11, 26))
        assert not Notification.objects.filter(read_at__isnull=True).exists()


# Once per dedupe key -----------------------------------------------------------------------------------------------


def test_a_notification_is_recorded_once_per_person_and_key(scheduled, scope_of):
    s = scheduled
    occasion = notifications.Occasion(
        kind=NotificationKind.VISIT_SOON,
        review=s.review,
        message="Soon.",
        url="/",
        dedupe_key="visit-soon:test",
        user_ids=frozenset({s.head.pk, s.reviewer.pk}),
    )
    with scope_of(s.partnership):
        assert len(notifications.notifications_create([occasion], email=False)) == 2
        assert notifications.notifications_create([occasion], email=False) == []
        bigger = notifications.Occasion(**{**occasion.__dict__, "user_ids": frozenset({s.head.pk, s.governor.pk})})
        assert [n.user_id for n in notifications.notifications_create([bigger], email=False)] == [s.governor.pk]
        assert Notification.objects.count() == 3
        with pytest.raises(IntegrityError, match="notification_once_per_key"), transaction.atomic():
            Notification.objects.create(
                partnership=s.partnership, user=s.head, kind="visit_soon", message="Again", dedupe_key="visit-soon:test"
            )


def test_inactive_people_are_not_notified(scheduled, scope_of):
    s = scheduled
    s.reviewer.is_active = False
    s.reviewer.save()
    with scope_of(s.partnership):
        assert s.reviewer.pk not in {n.user_id for n in remind(D(2026, 11, 22))}


# Emails ------------------------------------------------------------------------------------------------------------


def test_the_reminders_task_records_and_emails_each_reminder_once(partnership_a, scope_of):
    s = review_scenario(partnership_a, status=ReviewStatus.SCHEDULED)
    today = timezone.localdate()
    with scope_of(partnership_a):
        open_window(s.review, today)
        visit_on(s.review, today + datetime.timedelta(days=2))
    assert tasks.create_reminders.delay(partnership_id=partnership_a.pk).get() == 4
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        u.email for u in (s.head, s.senior_leader, s.lead_reviewer, s.reviewer)
    )
    message = mail.outbox[0]
    assert message.subject == f"Visit soon: Kingsmead Primary School - {partnership_a.name}"
    assert f"http://alpha.localhost/reviews/{s.review.pk}/" in message.body
    assert "starts in 2 days" in message.body
    with scope_of(partnership_a):
        assert not Notification.objects.filter(emailed_at__isnull=True).exists()
    assert tasks.create_reminders.delay(partnership_id=partnership_a.pk).get() == 0
    assert len(mail.outbox) == 4


def test_the_daily_beat_task_runs_each_partnership_in_its_own_scope(partnership_a, partnership_b, scope_of):
    today = timezone.localdate()
    scenarios = {}
    for partnership in (partnership_a, partnership_b):
        s = review_scenario(partnership, status=ReviewStatus.SCHEDULED)
        with scope_of(partnership):
            open_window(s.review, today)
            visit_on(s.review, today + datetime.timedelta(days=1))
        scenarios[partnership.pk] = s
    PartnershipFactory()  # a partnership with nothing to remind anybody of
    assert tasks.send_daily_reminders.delay().get() == 3
    for partnership in (partnership_a, partnership_b):
        s = scenarios[partnership.pk]
        with scope_of(partnership):
            assert recipients(NotificationKind.VISIT_SOON) == {
                s.head.pk,
                s.senior_leader.pk,
                s.lead_reviewer.pk,
                s.reviewer.pk,
            }
    assert len(mail.outbox) == 8
    assert "http://beta.localhost/" in next(
        m.body for m in mail.outbox if m.to[0] == scenarios[partnership_b.pk].head.email
    )


def test_the_beat_schedule_runs_the_reminders_daily_and_sweeps_unsent_emails():
    schedule = {entry["task"]: entry["schedule"] for entry in celery_app.conf.beat_schedule.values()}
    assert "reviews.tasks.send_daily_reminders" in schedule
    assert schedule["reviews.tasks.send_unsent_notification_emails"] == 300.0
    daily = schedule["reviews.tasks.send_daily_reminders"]
    assert daily.hour == {6} and daily.minute == {30}


def test_when_the_broker_is_down_the_notification_is_kept_and_the_beat_sweep_emails_it_later(
    partnership_a, scope_of, django_capture_on_commit_callbacks
):
    s = review_scenario(partnership_a)
    today = timezone.localdate()
    with scope_of(partnership_a):
        open_window(s.review, today)
        days = school_days(today + datetime.timedelta(days=7), 1)
        with (
            mock.patch.object(tasks.send_notification_email, "delay", side_effect=OperationalError("Redis is down")),
            django_capture_on_commit_callbacks(execute=True),
        ):
            scheduling.visit_dates_propose(review=s.review, actor=s.head, days=days)
        unsent = Notification.objects.filter(emailed_at__isnull=True)
        assert unsent.count() == 2
        assert mail.outbox == []
        # The sweep leaves notifications of the last two minutes to their own task...
        assert tasks.send_unsent_notification_emails.delay().get() == 0
        unsent.update(created_at=timezone.now() - datetime.timedelta(minutes=5))
    # ...and sends the older ones once the broker is back.
    assert tasks.send_unsent_notification_emails.delay().get() == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([s.lead_reviewer.email, s.reviewer.email])
    assert tasks.send_unsent_notification_emails.delay().get() == 0
    with scope_of(partnership_a):
        assert not Notification.objects.filter(emailed_at__isnull=True).exists()


def test_items_already_done_or_for_inactive_people_are_not_emailed(scheduled, scope_of):
    s = scheduled
    with scope_of(s.partnership):
        made = remind(D(2026, 11, 22))
        for notification in made:
            if notification.user_id == s.head.pk:
                notifications.notification_mark_done(notification=notification)
        s.reviewer.is_active = False
        s.reviewer.save()
        sent = [n.user_id for n in made if notifications.notification_email_send(notification_id=n.pk)]
    assert s.head.pk not in sent and s.reviewer.pk not in sent
    assert {m.to[0] for m in mail.outbox} == {s.senior_leader.email, s.lead_reviewer.email}


def test_a_failed_email_stays_unsent_for_the_next_try(scheduled, scope_of):
    s = scheduled
    with scope_of(s.partnership):
        made = remind(D(2026, 11, 22))
        with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("SMTP is down")):
            assert notifications.notification_emails_send_unsent() == 0
        assert Notification.objects.filter(emailed_at__isnull=True).count() == len(made)
        assert notifications.notification_emails_send_unsent() == len(made)
