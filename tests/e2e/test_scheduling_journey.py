"""A headteacher proposes visit dates (an impossible one first), a reviewer accepts, the review is scheduled.
axe-core checks every page on the way."""

import datetime
import re
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import Request, urlopen

import pytest
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from partnership.tenancy.scoping import partnership_scope
from reviews.models import ReviewStatus
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


def feed_request(url: str) -> Request:
    """The live server listens on 127.0.0.1; the partnership is chosen by the Host header, as in a browser."""
    parts = urlsplit(url)
    return Request(f"http://127.0.0.1:{parts.port}{parts.path}", headers={"Host": parts.netloc})


def next_saturday(after: datetime.date) -> datetime.date:
    return after + datetime.timedelta(days=(5 - after.weekday()) % 7 or 7)


def test_a_head_proposes_dates_and_a_reviewer_accepts(page, site, axe, scenario):
    s = scenario
    start = timezone.localdate() + datetime.timedelta(days=14)
    first, second = school_days(start, 2)
    saturday = next_saturday(start)

    page.goto(site(s.partnership, "/accounts/login/"))
    sign_in(page, s.head.email)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    axe(page)

    page.get_by_role("link", name="Review of Kingsmead Primary School", exact=True).click()
    expect(page.get_by_role("heading", name="Visit dates")).to_be_visible()
    expect(page.get_by_text("No visit dates have been proposed yet.")).to_be_visible()
    axe(page)

    page.get_by_role("link", name="Propose visit dates").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Propose visit dates")
    axe(page)

    # An impossible date: the error summary names the day and the reason, and links to the field.
    fill_date(page, "First day", saturday)
    page.get_by_label("Note for the review team").fill("Day two includes our governors.")
    page.get_by_role("button", name="Propose these dates").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text(f"{saturday.day} {saturday:%B %Y} is a Saturday.")
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.get_by_label("Note for the review team")).to_have_value("Day two includes our governors.")
    axe(page)

    fill_date(page, "First day", first)
    fill_date(page, "Second day", second)
    page.get_by_role("button", name="Propose these dates").click()
    expect(page.get_by_role("status")).to_contain_text("Dates proposed")
    expect(page.get_by_text("waiting for the review team to answer")).to_be_visible()
    axe(page)

    page.get_by_role("button", name="Sign out").click()
    page.goto(site(s.partnership, "/accounts/login/"))
    sign_in(page, s.reviewer.email)
    attention = page.get_by_role("region", name="What needs your attention")
    expect(attention).to_contain_text("Visit dates proposed: Kingsmead Primary School")
    axe(page)

    attention.get_by_role("link", name=re.compile("^Open")).first.click()
    page.get_by_role("link", name="Accept or ask for other dates").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Answer the proposed dates")
    axe(page)

    page.get_by_role("button", name="Send answer").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose whether to accept these dates or ask for other dates")
    axe(page)

    page.get_by_label("Yes, accept these dates").check()
    page.get_by_role("button", name="Send answer").click()
    expect(page.get_by_role("status")).to_contain_text("Dates accepted")
    expect(page.locator(".govuk-tag").first).to_have_text("Scheduled")
    expect(page.get_by_text("The visit is booked for:")).to_be_visible()
    axe(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Add this visit to your calendar (.ics file)").click()
    calendar = Calendar.from_ical(Path(download.value.path()).read_bytes())
    assert [e.decoded("DTSTART") for e in calendar.walk("VEVENT")] == [first, second]

    page.get_by_role("link", name="subscribe to all your visits").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your calendar")
    axe(page)
    feed_url = page.get_by_label("Your private calendar address").input_value()
    # A calendar app fetches the address with no cookies or sign-in.
    with urlopen(feed_request(feed_url)) as feed:  # noqa: S310 - our own live server
        assert feed.headers["Content-Type"] == "text/calendar; charset=utf-8"
        assert len(Calendar.from_ical(feed.read()).walk("VEVENT")) == 2

    with partnership_scope(s.partnership):
        s.review.refresh_from_db()
        assert s.review.status == ReviewStatus.SCHEDULED
    assert len(axe.pages_checked) == 10
