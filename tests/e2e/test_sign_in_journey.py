"""A person signs in, sees the home page that fits their role, and signs out; axe-core checks every page."""

import re

import pytest
from playwright.sync_api import expect

from partnership.tenancy.roles import Role
from tests.factories import PASSWORD, AreaFactory, ClusterFactory, PartnershipFactory, SchoolFactory, member

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROLE_SECTIONS = {
    Role.COORDINATOR: "Running the partnership",
    Role.HEADTEACHER: "Invite staff or governors",
    Role.GOVERNOR: "Schools you govern",
    Role.BOARD_MEMBER: "The partnership at a glance",
    Role.AREA_CHAIR: "the area you chair",
}


@pytest.fixture
def partnership():
    partnership = PartnershipFactory(slug="northvale", name="Northvale Schools Partnership", colour="#005a5b")
    area = AreaFactory(partnership=partnership, name="West")
    cluster = ClusterFactory(partnership=partnership, name="West cluster 1", area=area)
    for index in range(4):
        SchoolFactory(partnership=partnership, name=f"Ashby Marsh School {index}", area=area, cluster=cluster)
    return partnership


def sign_in(page, email: str, password: str = PASSWORD) -> None:
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.parametrize("role", list(ROLE_SECTIONS))
def test_sign_in_see_the_roles_home_page_and_sign_out(page, site, axe, partnership, role):
    user = member(partnership, role)

    page.goto(site(partnership, "/"))
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Northvale Schools Partnership")
    axe(page)

    sign_in(page, user.email)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    expect(page.get_by_text(ROLE_SECTIONS[role])).to_be_visible()
    expect(page.locator("header")).to_contain_text("Northvale Schools Partnership")
    axe(page)

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.goto(site(partnership, "/"))
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    axe(page)
    assert len(axe.pages_checked) == 3


def test_a_wrong_password_shows_the_error_summary_and_keeps_the_email(page, site, axe, partnership):
    user = member(partnership, Role.GOVERNOR)
    page.goto(site(partnership, "/accounts/login/"))
    sign_in(page, user.email, "not-the-password")
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    expect(page.get_by_label("Email address")).to_have_value(user.email)
    expect(page).to_have_title(re.compile(r"^Error: "))
    axe(page)


def test_coordinator_pages_and_the_invitation_journey(page, site, axe, partnership):
    coordinator = member(partnership, Role.COORDINATOR)
    page.goto(site(partnership, "/accounts/login/"))
    sign_in(page, coordinator.email)

    page.get_by_role("link", name="People").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("People")
    axe(page)

    page.get_by_role("link", name="Invite someone").click()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the email address of the person you are inviting")
    axe(page)

    page.get_by_label("Email address").fill("new.governor@example.org")
    page.get_by_label("Role", exact=True).select_option("governor")
    page.get_by_label("School", exact=True).select_option(label="Ashby Marsh School 0")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("status")).to_contain_text("Invitation sent to new.governor@example.org")
    expect(page.get_by_role("cell", name="new.governor@example.org", exact=True)).to_be_visible()
    axe(page)

    page.goto(site(partnership, "/accounts/2fa/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Two-Factor Authentication")
    axe(page)

    page.get_by_role("link", name="Settings").click()
    page.get_by_label("Brand colour").fill("#ffdd00")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("choose a darker colour")
    expect(page.get_by_label("Brand colour")).to_have_value("#ffdd00")
    axe(page)


def test_the_portal_address_lists_partnerships_and_hands_over(page, site, axe, partnership):
    person = member(partnership, Role.HEADTEACHER)
    page.goto(site(None, "/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    axe(page)
    sign_in(page, person.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your partnerships")
    axe(page)
    page.get_by_role("button", name="Go to Northvale Schools Partnership").click()  # then the hand-off page posts
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    expect(page).to_have_url(site(partnership, "/"))


def test_error_pages_are_in_the_portal_style(page, site, axe, partnership):
    page.goto(site(partnership, "/no-such-page/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    axe(page)
    page.goto(site(partnership, "/join/not-a-real-token/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("This invitation link is not valid")
    axe(page)
