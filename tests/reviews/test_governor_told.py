"""Governors are told when a final report of their school is shared with them (issue 12): on their home page and
by email, with the days the report was agreed and shared (from the workflow's record, not a file's date)."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from partnership.tenancy.roles import Role
from reviews.models import Notification, NotificationKind, ReviewEvent, ReviewStatus
from reviews.services import workflow
from tests.factories import member
from tests.reviews.factories import review_scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def s(partnership_a):
    return review_scenario(partnership_a, status=ReviewStatus.FINAL)


def share(s, scope_of, capture):
    with scope_of(s.partnership):
        agreed = timezone.now() - datetime.timedelta(days=9)
        ReviewEvent.objects.create(
            partnership=s.partnership, review=s.review, from_status="factual_accuracy", to_status="final", at=agreed
        )
        ReviewEvent.objects.filter(review=s.review, to_status="final").update(at=agreed)
        with capture(execute=True):
            workflow.review_share_with_governors(review=s.review, actor=s.head)
    return agreed


def test_governors_are_emailed_with_the_days_agreed_and_shared(s, scope_of, django_capture_on_commit_callbacks):
    other_governor = member(s.partnership, Role.GOVERNOR, school=s.reviewing_school)
    agreed = share(s, scope_of, django_capture_on_commit_callbacks)
    with scope_of(s.partnership):
        told = Notification.objects.filter(kind=NotificationKind.REPORT_SHARED)
        assert list(told.values_list("user", flat=True)) == [s.governor.pk]
        message = told.get().message
    assert f"agreed on {agreed:%A} {agreed.day} {agreed:%B %Y}" in message
    today = timezone.localdate()
    assert f"shared with its governors on {today:%A} {today.day} {today:%B %Y}" in message
    assert [m.to[0] for m in mail.outbox] == [s.governor.email]
    assert "Kingsmead Primary School" in mail.outbox[0].body
    assert other_governor.email not in {m.to[0] for m in mail.outbox}


def test_sharing_twice_tells_governors_once(s, scope_of, django_capture_on_commit_callbacks):
    share(s, scope_of, django_capture_on_commit_callbacks)
    with scope_of(s.partnership), pytest.raises(Exception):  # noqa: B017 - already shared: the step is refused
        workflow.review_share_with_governors(review=s.review, actor=s.head)
    assert len(mail.outbox) == 1


def test_the_governor_home_page_lists_shared_reports_with_their_dates(
    s, scope_of, client_at, django_capture_on_commit_callbacks
):
    client = client_at(s.partnership, s.governor)
    before = client.get("/").content.decode()
    assert "Peer review reports for governors" in before
    assert "No peer review report has been shared with your governing body yet" in before
    agreed = share(s, scope_of, django_capture_on_commit_callbacks)
    page = client.get("/").content.decode()
    assert "Kingsmead Primary School" in page
    assert f"Final report agreed on {agreed.day} {agreed:%B %Y}" in page
    today = timezone.localdate()
    assert f"shared with governors on {today.day} {today:%B %Y}" in page
    assert f"/reviews/{s.review.pk}/pdf/" in page


@pytest.mark.parametrize("role", [Role.HEADTEACHER, Role.STAFF, Role.BOARD_MEMBER, Role.COORDINATOR])
def test_only_governors_get_the_section(s, scope_of, client_at, role, django_capture_on_commit_callbacks):
    share(s, scope_of, django_capture_on_commit_callbacks)
    user = member(s.partnership, role, school=s.reviewed_school) if role in (Role.HEADTEACHER, Role.STAFF) else None
    user = user or member(s.partnership, role)
    assert "Peer review reports for governors" not in client_at(s.partnership, user).get("/").content.decode()


def test_a_governor_of_another_school_or_partnership_sees_nothing_of_it(
    s, scope_of, client_at, partnership_b, django_capture_on_commit_callbacks
):
    share(s, scope_of, django_capture_on_commit_callbacks)
    elsewhere = member(s.partnership, Role.GOVERNOR, school=s.reviewing_school)
    assert "Kingsmead" not in client_at(s.partnership, elsewhere).get("/").content.decode()
    outsider = member(partnership_b, Role.GOVERNOR)
    assert client_at(s.partnership, outsider).get(f"/reviews/{s.review.pk}/pdf/").status_code == 404
    assert "Kingsmead" not in client_at(partnership_b, outsider).get("/").content.decode()


def test_the_section_costs_one_query_whatever_the_number_of_reports(
    s, scope_of, client_at, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    from partnership.tenancy.models import Membership
    from reviews.home import governor_reports_home_context

    share(s, scope_of, django_capture_on_commit_callbacks)
    with scope_of(s.partnership):
        memberships = list(Membership.objects.filter(user=s.governor))
        with django_assert_max_num_queries(1):
            context = governor_reports_home_context(s.governor, s.partnership, memberships)
        assert len(context["reports"]) == 1
