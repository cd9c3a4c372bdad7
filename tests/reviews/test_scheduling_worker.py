"""Notification emails and the reminders task through a real Celery worker process and the real Redis broker."""

import datetime

import pytest
from django.utils import timezone

from partnership.tenancy.scoping import partnership_scope
from reviews.models import Notification, NotificationKind, ReviewStatus
from reviews.tasks import create_reminders, send_notification_email
from tests.reviews.factories import review_scenario, visit_on
from tests.reviews.factories_scheduling import open_window
from tests.test_celery_worker import worker  # noqa: F401 - the fixture that starts the worker

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_notification_email_round_trip_through_worker_and_redis(worker, partnership_a):  # noqa: F811
    queue, mail_dir = worker
    s = review_scenario(partnership_a)
    with partnership_scope(partnership_a):
        notification = Notification.objects.create(
            partnership=partnership_a,
            user=s.lead_reviewer,
            kind=NotificationKind.DATES_PROPOSED,
            review=s.review,
            message="Jo Bloggs has proposed Tuesday 2 March 2027 for the peer review visit to Kingsmead.",
            url=f"/reviews/{s.review.pk}/#visit-dates",
            dedupe_key="worker-test",
        )
    result = send_notification_email.apply_async(
        kwargs={"partnership_id": partnership_a.pk, "notification_id": notification.pk}, queue=queue
    )
    assert result.get(timeout=60) is True
    with partnership_scope(partnership_a):
        notification.refresh_from_db()
    assert notification.emailed_at is not None
    messages = "".join(path.read_text() for path in mail_dir.iterdir())
    assert s.lead_reviewer.email in messages
    assert f"http://alpha.localhost/reviews/{s.review.pk}/#visit-dates" in messages


def test_the_reminders_task_in_the_worker_records_and_emails_reminders(worker, partnership_a):  # noqa: F811
    queue, mail_dir = worker
    s = review_scenario(partnership_a, status=ReviewStatus.SCHEDULED)
    today = timezone.localdate()
    with partnership_scope(partnership_a):
        open_window(s.review, today)
        visit_on(s.review, today + datetime.timedelta(days=2))
    result = create_reminders.apply_async(kwargs={"partnership_id": partnership_a.pk}, queue=queue)
    assert result.get(timeout=60) == 4
    with partnership_scope(partnership_a):
        assert not Notification.objects.filter(emailed_at__isnull=True).exists()
    messages = "".join(path.read_text() for path in mail_dir.iterdir())
    for person in (s.head, s.senior_leader, s.lead_reviewer, s.reviewer):
        assert person.email in messages
    assert "starts in 2 days" in messages
