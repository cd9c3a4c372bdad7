"""Issue 12: a person chooses which optional emails they get ("Your account" > Emails you get); the senders honour
the choice; emails about the account itself are always sent and the page says so."""

import pytest
from django.core import mail

from partnership.accounts.models import User
from partnership.portal.registry import email_topics
from partnership.tenancy.roles import Role
from reviews.models import Notification, ReviewStatus
from reviews.services import notifications
from tests.factories import member
from tests.reviews.factories import review_scenario

pytestmark = pytest.mark.django_db
KEYS = {
    "review_updates",
    "review_reminders",
    "report_shared",
    "cpd_offers",
    "board_papers",
    "action_reminders",
    "support_reminders",
}


def test_every_app_declares_its_optional_emails_in_order():
    topics = email_topics()
    assert {t.key for t in topics} == KEYS
    assert [t.order for t in topics] == sorted({t.order for t in topics})


def test_a_person_turns_an_email_off_and_on_again(partnership_a, client_at):
    person = member(partnership_a, Role.HEADTEACHER)
    client = client_at(partnership_a, person)
    page = client.get("/account/emails/").content.decode()
    assert "Peer review reminders" in page and "CPD places offered from a waiting list" in page
    assert page.count("checked") == len(KEYS)  # everything is sent until a person says otherwise
    assert "Always sent" in page and "a link to reset your password" in page
    assert "/account/emails/" in client.get("/account/").content.decode()
    on = dict.fromkeys(KEYS - {"review_reminders", "board_papers"}, "on")
    response = client.post("/account/emails/", on, follow=True)
    assert "Your email choices are saved." in response.content.decode()
    person.refresh_from_db()
    assert person.emails_declined == ["board_papers", "review_reminders"]
    client.post("/account/emails/", dict.fromkeys(KEYS, "on"))
    person.refresh_from_db()
    assert person.emails_declined == []


def test_an_unknown_kind_of_email_is_refused_and_nothing_changes(partnership_a):
    from django.core.exceptions import ValidationError

    from partnership.accounts.services import user_set_emails_declined

    person = member(partnership_a, Role.STAFF)
    with pytest.raises(ValidationError, match="There is no kind of email called passwords"):
        user_set_emails_declined(user=person, declined=["passwords"], known=KEYS)
    person.refresh_from_db()
    assert person.emails_declined == []


def test_an_opted_out_reminder_is_not_emailed_but_stays_on_the_home_page(partnership_a, client_at, scope_of):
    s = review_scenario(partnership_a, status=ReviewStatus.FACTUAL_ACCURACY)
    User.objects.filter(pk=s.head.pk).update(emails_declined=["review_reminders"])
    with scope_of(partnership_a):
        made = notifications.notifications_create(
            [
                notifications.Occasion(
                    kind="factual_accuracy_overdue",
                    review=s.review,
                    message="The factual-accuracy check is overdue.",
                    url="/",
                    dedupe_key="test:fa-overdue",
                    user_ids=frozenset({s.head.pk, s.coordinator.pk}),
                )
            ],
            email=False,
        )
        sent = {n.user_id: notifications.notification_email_send(notification_id=n.pk) for n in made}
        assert sent == {s.head.pk: False, s.coordinator.pk: True}
        declined = Notification.objects.get(user=s.head)
        # Marked as dealt with, so the beat sweep does not try it again; still unread on the home page.
        assert declined.email_declined and declined.emailed_at is not None and declined.read_at is None
        assert notifications.notification_emails_send_unsent() == 0
    assert [m.to for m in mail.outbox] == [[s.coordinator.email]]
    assert "The factual-accuracy check is overdue." in client_at(partnership_a, s.head).get("/").content.decode()


def test_an_opted_out_cpd_offer_is_not_emailed(partnership_a, scope_of, django_capture_on_commit_callbacks):
    from cpd.services.bookings import booking_cancel, booking_request
    from tests.cpd.factories import NOW, event_with_session, person

    first, second = (person(partnership_a, role=Role.HEADTEACHER) for _ in range(2))
    User.objects.filter(pk=second.pk).update(emails_declined=["cpd_offers"])
    _, session = event_with_session(partnership_a, capacity=1)
    now = NOW
    with scope_of(partnership_a):
        taken = booking_request(session=session, user=first, booked_by=first, partnership=partnership_a, now=now)
        booking_request(session=session, user=second, booked_by=second, partnership=partnership_a, now=now)
        with django_capture_on_commit_callbacks(execute=True):
            booking_cancel(booking=taken, by=first, now=now)
    assert mail.outbox == []


def test_the_page_needs_a_sign_in_and_is_a_404_on_a_partnership_one_does_not_belong_to(
    partnership_a, partnership_b, client_at
):
    assert client_at(partnership_a).get("/account/emails/").status_code == 302
    outsider = member(partnership_b, Role.COORDINATOR)
    assert client_at(partnership_a, outsider).get("/account/emails/").status_code == 404
    assert client_at(partnership_a, outsider).post("/account/emails/", {}).status_code == 404
    outsider.refresh_from_db()
    assert outsider.emails_declined == []
