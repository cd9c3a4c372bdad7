"""The peer review journey of issue 4 in one run, in a real browser with axe-core on every page: the headteacher
proposes visit dates, the lead reviewer accepts them, records evidence and drafts the findings, the headteacher
accepts the draft and the coordinator finalises."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from partnership.tenancy.scoping import partnership_scope
from reviews.models import ReviewEvent, ReviewStatus, VisitDay
from tests.e2e.dates import fill_date
from tests.e2e.test_sign_in_journey import sign_in
from tests.factories import PartnershipFactory
from tests.reviews.factories import review_scenario
from tests.reviews.factories_scheduling import open_window, school_days

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scenario():
    partnership = PartnershipFactory(slug="northvale", name="Northvale Schools Partnership", colour="#005a5b")
    s = review_scenario(partnership)
    with partnership_scope(partnership):
        open_window(s.review, timezone.localdate())
    return s


def sign_in_as(page, site, s, user) -> None:
    page.goto(site(s.partnership, "/accounts/login/"))
    sign_in(page, user.email)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")


def open_the_review(page, axe) -> None:
    page.get_by_role("link", name="Reviews").first.click()
    page.get_by_role("link", name="Kingsmead Primary School").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review of Kingsmead Primary School")
    axe(page)


def the_visit_has_happened(s) -> None:
    """Time passes: the agreed visit days move into the past, as they would two weeks later."""
    with partnership_scope(s.partnership):
        days = list(VisitDay.objects.filter(review=s.review).order_by("date"))
        shift = days[-1].date - timezone.localdate() + datetime.timedelta(days=1)
        for day in days:
            day.date -= shift
            day.save(update_fields=["date"])


def test_head_proposes_reviewer_accepts_records_and_drafts_head_accepts_coordinator_finalises(
    page, site, axe, scenario
):
    s = scenario
    first, second = school_days(timezone.localdate() + datetime.timedelta(days=14), 2)

    # The reviewed school's headteacher proposes two visit days.
    sign_in_as(page, site, s, s.head)
    axe(page)
    open_the_review(page, axe)
    page.get_by_role("link", name="Propose visit dates").click()
    fill_date(page, "First day", first)
    fill_date(page, "Second day", second)
    page.get_by_role("button", name="Propose these dates").click()
    expect(page.get_by_role("status")).to_contain_text("Dates proposed")
    axe(page)
    page.get_by_role("button", name="Sign out").click()

    # The lead reviewer accepts them and, during the visit, records evidence.
    sign_in_as(page, site, s, s.lead_reviewer)
    axe(page)
    open_the_review(page, axe)
    page.get_by_role("link", name="Accept or ask for other dates").click()
    page.get_by_label("Yes, accept these dates").check()
    page.get_by_role("button", name="Send answer").click()
    expect(page.get_by_role("status")).to_contain_text("Dates accepted")
    axe(page)
    page.get_by_role("link", name="Add an evidence note").click()
    page.get_by_label("Evidence", exact=True).fill("Phonics sessions follow the scheme closely; pupils blend well.")
    page.get_by_label("Curriculum and teaching").check()
    page.get_by_role("button", name="Save note").click()
    expect(page.get_by_role("status")).to_contain_text("Your evidence note is saved.")
    axe(page)

    # After the visit: mark it visited, draft the findings and send the draft to the school.
    the_visit_has_happened(s)
    open_the_review(page, axe)
    page.get_by_role("button", name="Mark as visited").click()
    expect(page.get_by_role("status")).to_contain_text("working days after the visit")
    page.get_by_role("link", name="Write the findings and send the draft").click()
    page.get_by_role("link", name="Write the findings for Curriculum and teaching").click()
    expect(page.get_by_text("pupils blend well")).to_be_visible()
    axe(page)
    page.get_by_label("Strengths (what went well)").fill("Phonics is taught consistently and well.")
    page.get_by_label("Areas for development (even better if)").fill("Even better if reading books matched sounds.")
    page.get_by_role("button", name="Save findings").click()
    expect(page.get_by_role("status")).to_contain_text("are saved")
    axe(page)
    open_the_review(page, axe)
    page.get_by_role("link", name="Write the findings and send the draft").click()
    page.get_by_role("link", name="Send the draft to the school").click()
    # Irreversible steps ask first (issue 12).
    expect(page.get_by_role("heading", level=1)).to_have_text("Send the draft to the school")
    axe(page)
    page.get_by_role("button", name="Yes, send the draft").click()
    expect(page.get_by_role("status")).to_contain_text("The draft is sent to the school")
    axe(page)
    page.get_by_role("button", name="Sign out").click()

    # The headteacher checks the draft for factual accuracy and accepts it, with the school's response.
    sign_in_as(page, site, s, s.head)
    open_the_review(page, axe)
    page.get_by_role("link", name="Check the draft report and reply").click()
    expect(page.get_by_text("Phonics is taught consistently and well.")).to_be_visible()
    axe(page)
    page.get_by_label("No, there are no factual errors").check()
    page.get_by_label("The school's response (right to reply)").fill("We welcome the review.")
    page.get_by_role("button", name="Send your reply").click()
    expect(page.get_by_role("status")).to_contain_text("you have accepted the draft as factually accurate")
    axe(page)
    page.get_by_role("button", name="Sign out").click()

    # The coordinator finalises the report.
    sign_in_as(page, site, s, s.coordinator)
    open_the_review(page, axe)
    page.get_by_role("link", name="Finalise the report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Finalise the report")
    axe(page)
    page.get_by_role("button", name="Yes, finalise the report").click()
    expect(page.get_by_role("status")).to_contain_text("The report is final.")
    axe(page)

    with partnership_scope(s.partnership):
        s.review.refresh_from_db()
        steps = list(ReviewEvent.objects.filter(review=s.review).values_list("to_status", "actor"))
    assert s.review.status == ReviewStatus.FINAL
    assert [to for to, _ in steps] == ["scheduled", "visited", "draft", "factual_accuracy", "factual_accuracy", "final"]
    assert dict(steps)["final"] == s.coordinator.pk
    assert len(axe.pages_checked) >= 15
