"""The scheduling pages: who may use each one (404 for everyone else), forms, messages and bounded queries."""

import datetime

import pytest
from django.utils import timezone
from django.utils.html import escape

from partnership.tenancy.roles import Role
from reviews.models import Notification, NotificationKind, ReviewStatus, VisitDay, VisitProposal
from reviews.services import notifications, scheduling
from tests.factories import member
from tests.reviews.factories import review_scenario, visit_on
from tests.reviews.factories_scheduling import open_window, school_days

pytestmark = pytest.mark.django_db

EVERYONE = [
    "coordinator",
    "head",
    "senior_leader",
    "governor",
    "staff",
    "lead_reviewer",
    "reviewer",
    "board_member",
    "other_head",
    "other_governor",
]
MAY_PROPOSE = {"head", "coordinator"}
MAY_RESPOND = {"lead_reviewer", "reviewer", "coordinator"}
MAY_SEE_THE_REVIEW = {"coordinator", "head", "senior_leader", "lead_reviewer", "reviewer"}


def grouped(partnership):
    s = review_scenario(partnership)
    today = timezone.localdate()
    open_window(s.review, today)
    s.days = school_days(today + datetime.timedelta(days=10), 3)
    return s


def with_open_proposal(partnership, scope_of):
    s = grouped(partnership)
    with scope_of(partnership):
        s.proposal = scheduling.visit_dates_propose(review=s.review, actor=s.head, days=s.days[:2], note="Two days")
    return s


def propose_url(s):
    return f"/reviews/{s.review.pk}/visit-dates/"


def respond_url(s):
    return f"/reviews/{s.review.pk}/visit-dates/{s.proposal.pk}/"


# Permissions -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("person", EVERYONE)
def test_who_may_propose_dates(partnership_a, client_at, person):
    s = grouped(partnership_a)
    response = client_at(partnership_a, getattr(s, person)).get(propose_url(s))
    assert response.status_code == (200 if person in MAY_PROPOSE else 404), person


@pytest.mark.parametrize("person", EVERYONE)
def test_who_may_answer_proposed_dates(partnership_a, client_at, scope_of, person):
    s = with_open_proposal(partnership_a, scope_of)
    response = client_at(partnership_a, getattr(s, person)).get(respond_url(s))
    assert response.status_code == (200 if person in MAY_RESPOND else 404), person
    refused = client_at(partnership_a, getattr(s, person)).post(respond_url(s), {"response": "accept"})
    assert refused.status_code == (302 if person in MAY_RESPOND else 404), person


@pytest.mark.parametrize("person", EVERYONE)
def test_who_may_download_a_visit(partnership_a, client_at, scope_of, person):
    s = review_scenario(partnership_a, status=ReviewStatus.SCHEDULED)
    with scope_of(partnership_a):
        visit_on(s.review, datetime.date(2027, 3, 2))
    response = client_at(partnership_a, getattr(s, person)).get(f"/reviews/{s.review.pk}/visit.ics")
    assert response.status_code == (200 if person in MAY_SEE_THE_REVIEW else 404), person


def test_a_visit_without_days_has_no_download(partnership_a, client_at):
    s = review_scenario(partnership_a)
    assert client_at(partnership_a, s.head).get(f"/reviews/{s.review.pk}/visit.ics").status_code == 404


def test_people_of_another_partnership_get_404_everywhere(partnership_a, partnership_b, client_at, scope_of):
    s = with_open_proposal(partnership_a, scope_of)
    outsider = member(partnership_b, Role.COORDINATOR)
    client = client_at(partnership_a, outsider)
    for url in (propose_url(s), respond_url(s), f"/reviews/{s.review.pk}/visit.ics", "/calendar/", "/notifications/"):
        assert client.get(url).status_code == 404, url
    with scope_of(partnership_a):
        item = Notification.objects.filter(user=s.lead_reviewer).first()
    assert client_at(partnership_b, s.lead_reviewer).post(f"/notifications/{item.pk}/done/").status_code == 404


def test_signing_in_is_needed_for_every_page_but_the_feed(partnership_a, client_at, scope_of):
    s = with_open_proposal(partnership_a, scope_of)
    client = client_at(partnership_a)
    for url in (propose_url(s), respond_url(s), f"/reviews/{s.review.pk}/visit.ics", "/calendar/", "/notifications/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url


def test_a_review_at_the_wrong_stage_cannot_be_proposed_for(partnership_a, client_at):
    s = review_scenario(partnership_a, status=ReviewStatus.VISITED)
    assert client_at(partnership_a, s.head).get(propose_url(s)).status_code == 404


def test_nobody_may_mark_someone_elses_notification_done(partnership_a, client_at, scope_of):
    s = with_open_proposal(partnership_a, scope_of)
    with scope_of(partnership_a):
        theirs = Notification.objects.get(user=s.lead_reviewer)
    assert client_at(partnership_a, s.reviewer).post(f"/notifications/{theirs.pk}/done/").status_code == 404
    assert client_at(partnership_a, s.lead_reviewer).get(f"/notifications/{theirs.pk}/done/").status_code == 405
    response = client_at(partnership_a, s.lead_reviewer).post(
        f"/notifications/{theirs.pk}/done/", {"next": "https://evil.example/"}
    )
    assert response.status_code == 302 and response["Location"] == "/notifications/"
    with scope_of(partnership_a):
        theirs.refresh_from_db()
    assert theirs.read_at is not None


# Proposing through the page ----------------------------------------------------------------------------------------


def test_an_impossible_date_shows_the_reason_on_its_field_and_keeps_what_was_typed(partnership_a, client_at, scope_of):
    s = grouped(partnership_a)
    saturday = next(
        timezone.localdate() + datetime.timedelta(days=n)
        for n in range(10, 20)
        if (timezone.localdate() + datetime.timedelta(days=n)).weekday() == 5
    )
    response = client_at(partnership_a, s.head).post(
        propose_url(s), {"day_1": s.days[0].isoformat(), "day_2": saturday.isoformat(), "note": "Our governors' day"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Error: " in page
    assert f'<a href="#id_day_2">{saturday.day} {saturday:%B %Y} is a Saturday.</a>' in page
    assert f'value="{saturday.isoformat()}"' in page and "Our governors&#x27; day" in page
    with scope_of(partnership_a):
        assert not VisitProposal.objects.exists()


def test_the_form_asks_for_a_first_day_and_each_day_once(partnership_a, client_at):
    s = grouped(partnership_a)
    client = client_at(partnership_a, s.head)
    assert "Enter the first visit day." in client.post(propose_url(s), {"day_1": ""}).content.decode()
    same = client.post(propose_url(s), {"day_1": s.days[0].isoformat(), "day_2": s.days[0].isoformat()})
    assert "The second day is the same as the first day." in same.content.decode()
    assert "Enter the first day as a real date" in client.post(propose_url(s), {"day_1": "31/02/2027"}).content.decode()


def test_the_head_proposes_and_sees_the_dates_waiting_on_the_review_page(partnership_a, client_at, scope_of):
    s = grouped(partnership_a)
    client = client_at(partnership_a, s.head)
    response = client.post(propose_url(s), {"day_1": s.days[1].isoformat(), "day_3": s.days[0].isoformat()})
    assert response.status_code == 302 and response["Location"] == f"/reviews/{s.review.pk}/#visit-dates"
    page = client.get(response["Location"]).content.decode()
    assert "Dates proposed. The review team has been asked to accept them." in page
    assert "waiting for the review team to answer" in page
    assert f"{s.days[0]:%A} {s.days[0].day} {s.days[0]:%B %Y}" in page
    assert "Propose different dates" in page
    assert "Accept or ask for other dates" not in page  # the head does not answer their own dates
    with scope_of(partnership_a):
        assert VisitProposal.objects.get().days == s.days[:2]


# Answering through the page ----------------------------------------------------------------------------------------


def test_a_reviewer_accepts_and_the_review_is_scheduled(partnership_a, client_at, scope_of):
    s = with_open_proposal(partnership_a, scope_of)
    client = client_at(partnership_a, s.reviewer)
    review_page = client.get(f"/reviews/{s.review.pk}/").content.decode()
    assert f'href="{respond_url(s)}"' in review_page
    response = client.post(respond_url(s), {"response": "accept"})
    assert response["Location"] == f"/reviews/{s.review.pk}/#visit-dates"
    page = client.get(response["Location"]).content.decode()
    assert "Dates accepted. The visit is booked" in page
    assert "The visit is booked for:" in page and f"/reviews/{s.review.pk}/visit.ics" in page
    with scope_of(partnership_a):
        s.review.refresh_from_db()
        assert s.review.status == ReviewStatus.SCHEDULED
        assert VisitDay.objects.filter(review=s.review).count() == 2


def test_the_second_person_to_answer_is_told_who_answered_first(partnership_a, client_at, scope_of):
    s = with_open_proposal(partnership_a, scope_of)
    form_seen_by_both = [client_at(partnership_a, u) for u in (s.lead_reviewer, s.reviewer)]
    for client in form_seen_by_both:
        assert client.get(respond_url(s)).status_code == 200
    form_seen_by_both[0].post(respond_url(s), {"response": "accept"})
    late = form_seen_by_both[1].post(respond_url(s), {"response": "other", "reason": "Cannot do Tuesdays"}, follow=True)
    page = late.content.decode()
    assert f"{escape(s.lead_reviewer.get_full_name())} accepted these dates at" in page  # names like O'Brien
    assert 'role="alert"' in page
    with scope_of(partnership_a):
        assert VisitProposal.objects.get().status == VisitProposal.Status.ACCEPTED
    # Opening the answered proposal again explains instead of showing the form.
    again = form_seen_by_both[1].get(respond_url(s), follow=True)
    assert again.redirect_chain[-1][0] == f"/reviews/{s.review.pk}/#visit-dates"
    assert "accepted these dates at" in again.content.decode()


def test_asking_for_other_dates_needs_a_reason(partnership_a, client_at, scope_of):
    s = with_open_proposal(partnership_a, scope_of)
    client = client_at(partnership_a, s.lead_reviewer)
    response = client.post(respond_url(s), {"response": "other", "reason": " "})
    assert "Say why these dates do not work for the review team." in response.content.decode()
    assert "Choose whether to accept" in client.post(respond_url(s), {}).content.decode()
    response = client.post(respond_url(s), {"response": "other", "reason": "Our own Ofsted window"})
    assert response.status_code == 302
    head_page = client_at(partnership_a, s.head).get(f"/reviews/{s.review.pk}/").content.decode()
    assert "asked for other dates than" in head_page and "Our own Ofsted window" in head_page
    assert "Propose visit dates" in head_page


def test_acceptance_refused_by_the_rules_shows_every_reason(partnership_a, client_at, scope_of):
    s = with_open_proposal(partnership_a, scope_of)
    with scope_of(partnership_a):
        member(partnership_a, Role.GOVERNOR, user=s.reviewer, school=s.reviewed_school)
    response = client_at(partnership_a, s.lead_reviewer).post(respond_url(s), {"response": "accept"})
    assert response.status_code == 200
    assert "the school being reviewed" in response.content.decode()


# The home page, the notifications page and bounded queries ---------------------------------------------------------


def _notify(s, count: int, user):
    occasions = [
        notifications.Occasion(
            kind=NotificationKind.REPORT_OVERDUE if index % 2 else NotificationKind.DATES_PROPOSED,
            review=s.review,
            message=f"Item number {index}.",
            url=f"/reviews/{s.review.pk}/",
            dedupe_key=f"test:{index}",
            user_ids=frozenset({user.pk}),
        )
        for index in range(count)
    ]
    notifications.notifications_create(occasions, email=False)


def test_the_home_page_shows_what_needs_attention_with_a_live_overdue_count(partnership_a, client_at, scope_of):
    s = review_scenario(partnership_a, status=ReviewStatus.DRAFT)
    with scope_of(partnership_a):
        s.review.report_due_on = timezone.localdate() - datetime.timedelta(days=14)
        s.review.save()
        _notify(s, 2, s.lead_reviewer)
    page = client_at(partnership_a, s.lead_reviewer).get("/").content.decode()
    assert "What needs your attention" in page
    assert "Item number 1." in page and "working days overdue" in page
    assert "What needs your attention" not in client_at(partnership_a, s.governor).get("/").content.decode()


@pytest.mark.parametrize("size", [2, 40])
def test_the_home_page_queries_do_not_grow_with_the_number_of_items(
    partnership_a, client_at, scope_of, django_assert_max_num_queries, size
):
    s = review_scenario(partnership_a, status=ReviewStatus.DRAFT)
    with scope_of(partnership_a):
        s.review.report_due_on = timezone.localdate() - datetime.timedelta(days=14)
        s.review.save()
        _notify(s, size, s.head)
    client = client_at(partnership_a, s.head)
    # 14, plus a count when there are more than five, plus one for CPD's home section (offers and approvals), 1 for
    # the improvement section (its plans, one query) and 1 for CPD's evaluations to answer
    with django_assert_max_num_queries(18):
        page = client.get("/").content.decode()
    assert page.count("Mark as done<") == min(size, 5)
    if size > 5:
        assert f"See all {size} items" in page


@pytest.mark.parametrize("size", [3, 60])
def test_the_notifications_page_queries_do_not_grow_and_items_can_be_marked_done(
    partnership_a, client_at, scope_of, django_assert_max_num_queries, size
):
    s = review_scenario(partnership_a)
    with scope_of(partnership_a):
        _notify(s, size, s.head)
    client = client_at(partnership_a, s.head)
    with django_assert_max_num_queries(10):
        page = client.get("/notifications/").content.decode()
    assert f"{size} items need your attention." in page
    with scope_of(partnership_a):
        first = Notification.objects.filter(user=s.head).first()
    response = client.post(f"/notifications/{first.pk}/done/", {"next": "/"})
    assert response["Location"] == "/"
    response = client.post("/notifications/done/")
    assert response["Location"] == "/notifications/"
    with scope_of(partnership_a):
        assert not Notification.objects.filter(user=s.head, read_at__isnull=True).exists()
    assert "What needs your attention" not in client.get("/").content.decode()


@pytest.mark.parametrize("proposals", [1, 12])
def test_the_review_page_with_its_visit_dates_section_has_bounded_queries(
    partnership_a, client_at, scope_of, django_assert_max_num_queries, proposals
):
    s = grouped(partnership_a)
    with scope_of(partnership_a):
        for _ in range(proposals):
            scheduling.visit_dates_propose(review=s.review, actor=s.head, days=s.days[:1])
    client = client_at(partnership_a, s.reviewer)
    # 12 for the page with its visit dates section, plus 1 for the self-review section (reviews/sections_visit.py),
    # plus 1 for the date proposals in the review's history (reviews/workflow_display.py, issue 12).
    with django_assert_max_num_queries(14):
        page = client.get(f"/reviews/{s.review.pk}/").content.decode()
    assert page.count("<tr>") == (proposals + 1 if proposals > 1 else 0)  # the history, once there is one
