"""A coordinator sets up a cycle in the browser: opens it, enrols an area, proposes groups, locks one, proposes the
rest again and publishes. axe-core checks every page on the way."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from partnership.tenancy.roles import Role
from reviews.models import Review, ReviewGroup
from tests.factories import PASSWORD, AreaFactory, ClusterFactory, PartnershipFactory, SchoolFactory, member
from tests.reviews.factories_cycles import train

from .dates import fill_date

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def partnership():
    partnership = PartnershipFactory(slug="northvale", name="Northvale Schools Partnership", colour="#005a5b")
    for area_name, town in (("West", "Ashby"), ("East", "Colebrook")):
        area = AreaFactory(partnership=partnership, name=area_name)
        cluster = ClusterFactory(partnership=partnership, name=f"{area_name} cluster", area=area)
        for index in range(6):
            school = SchoolFactory(
                partnership=partnership, name=f"{town} School {index + 1}", area=area, cluster=cluster
            )
            train(partnership, member(partnership, Role.HEADTEACHER, school=school))
    return partnership


def sign_in(page, email: str) -> None:
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_coordinator_sets_up_a_cycle_and_publishes_its_groups(page, site, axe, partnership, scope_of):
    coordinator = member(partnership, Role.COORDINATOR)
    page.goto(site(partnership, "/accounts/login/"))
    sign_in(page, coordinator.email)
    expect(page.get_by_text("No peer review cycle is open yet.")).to_be_visible()
    axe(page)

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Cycles").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Peer review cycles")
    axe(page)
    page.get_by_role("link", name="Open a new cycle").click()
    page.get_by_role("button", name="Open the cycle").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter a name for the cycle")
    expect(page).to_have_title(re.compile(r"^Error: "))
    axe(page)

    page.get_by_label("Name").fill("Peer review 2026/27")
    page.get_by_label("Academic year starts in").fill("2026")
    page.get_by_label("Leading / Effective / Working towards effective / Ineffective").check()
    fill_date(page, "Visit window opens", datetime.date(2026, 10, 1))
    closes = page.get_by_role("group", name="Visit window closes")
    closes.get_by_label("Day", exact=True).fill("31")
    closes.get_by_label("Month", exact=True).fill("2")
    closes.get_by_label("Year", exact=True).fill("2027")
    page.get_by_role("button", name="Open the cycle").click()
    # An impossible date: its own message, linked from the error summary to the box that is wrong.
    summary_link = page.get_by_role("alert").get_by_role("link", name=re.compile("^The last day visits can take"))
    expect(summary_link).to_have_attribute("href", "#id_visit_window_ends_on_day")
    expect(summary_link).to_contain_text("must be a real date")
    axe(page)
    summary_link.click()
    expect(closes.get_by_label("Day", exact=True)).to_be_focused()
    fill_date(page, "Visit window closes", datetime.date(2027, 6, 30))
    page.get_by_role("button", name="Open the cycle").click()
    expect(page.get_by_role("status")).to_contain_text("Peer review 2026/27 is open")
    expect(page.get_by_role("heading", level=1)).to_have_text("Peer review 2026/27")
    axe(page)

    cycle_nav = page.get_by_role("navigation", name="Peer review 2026/27")
    cycle_nav.get_by_role("link", name="Calendar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The partnership's calendar")
    expect(page.get_by_text("Christmas Day").first).to_be_visible()
    axe(page)
    cycle_nav.get_by_role("link", name="Focus areas").click()
    expect(page.get_by_role("cell", name=re.compile("^Inclusion"))).to_be_visible()
    axe(page)

    cycle_nav.get_by_role("link", name="Enrolment").click()
    page.get_by_label("Every school in an area").select_option(label="West (6 not enrolled)")
    page.get_by_role("button", name="Enrol the area").click()
    expect(page.get_by_role("status")).to_contain_text("Enrolled 6 schools in the area West.")
    expect(page.get_by_role("cell", name="Ashby School 1", exact=True)).to_be_visible()
    axe(page)

    cycle_nav.get_by_role("link", name="Reviewer training").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reviewer training")
    axe(page)

    cycle_nav.get_by_role("link", name="Review groups").click()
    axe(page)
    page.get_by_role("button", name="Propose groups").click()
    expect(page.get_by_role("status")).to_contain_text("2 groups proposed")
    axe(page)
    page.get_by_role("link", name="See the groups").click()
    expect(page.get_by_role("heading", name=re.compile("^Group 1"))).to_be_visible()
    page.get_by_text("Why Group 1's schools are together").click()
    page.get_by_text("The figures behind Group 1").click()  # the points are kept one step further in (issue 12)
    expect(page.get_by_role("cell", name="Short distance")).to_be_visible()
    axe(page)

    with scope_of(partnership):
        first = ReviewGroup.objects.get(number=1)
        kept = list(first.members.values_list("school_id", flat=True))
    page.get_by_role("button", name="Lock Group 1").click()
    expect(page.get_by_role("status")).to_contain_text("Group 1 is locked")
    axe(page)
    page.get_by_role("button", name="Propose the unlocked groups again").click()
    expect(page.get_by_role("status")).to_contain_text("1 locked group kept as it was")
    axe(page)
    page.get_by_role("link", name="See the groups").click()
    with scope_of(partnership):
        first.refresh_from_db()
        assert first.locked and list(first.members.values_list("school_id", flat=True)) == kept

    page.get_by_role("link", name="Publish the groups").first.click()
    expect(page.get_by_role("table", name="Who reviews whom")).to_be_visible()
    axe(page)
    page.get_by_role("button", name="Publish the groups and create the reviews").click()
    expect(page.get_by_role("status")).to_contain_text("Published 6 reviews.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Reviews and their teams")
    axe(page)
    page.get_by_role("link", name=re.compile("^Review team for Ashby School 1")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review team for Ashby School 1")
    axe(page)
    with scope_of(partnership):
        assert Review.objects.count() == 6
        assert all(review.team.filter(is_lead=True).exists() for review in Review.objects.all())
    assert len(axe.pages_checked) >= 14
