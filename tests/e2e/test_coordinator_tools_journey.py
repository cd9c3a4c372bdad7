"""Issue 12, the coordinator's tools in the browser at a desktop's and a phone's width: the invitation form shows
only the chosen role's fields, a cycle in the past is confirmed, a cycle with nothing done is deleted after a
confirmation page, "Your account" and the emails a person gets, Help and its glossary, and the schools directory
with no sideways scroll on a phone. axe-core checks every page on the way."""

import datetime

import pytest
from playwright.sync_api import expect

from partnership.accounts.models import Invitation, User
from partnership.tenancy.roles import Role
from partnership.tenancy.scoping import partnership_scope
from reviews.models import Cycle
from tests.factories import AreaFactory, ClusterFactory, PartnershipFactory, SchoolFactory, TrustFactory, member

from .dates import fill_date
from .test_sign_in_journey import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def partnership():
    partnership = PartnershipFactory(slug="northvale", name="Northvale Schools Partnership", colour="#005a5b")
    area = AreaFactory(partnership=partnership, name="West")
    cluster = ClusterFactory(partnership=partnership, name="West cluster 1", area=area)
    trust = TrustFactory(partnership=partnership, name="The Very Long Named Multi-Academy Learning Trust of the Vale")
    for index in range(4):
        SchoolFactory(
            partnership=partnership,
            name=f"St Bartholomew's Church of England Voluntary Aided Primary School {index}",
            area=area,
            cluster=cluster,
            trust=trust,
            town="Ashby-de-la-Marsh",
        )
    return partnership


@pytest.fixture(params=[1280, 390], ids=["desktop", "phone"])
def sized_page(request, browser):
    context = browser.new_context(viewport={"width": request.param, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page, request.param
    context.close()


def no_sideways_scroll(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


def test_a_coordinators_tools_at_desktop_and_phone_width(sized_page, site, axe, partnership):
    page, width = sized_page
    coordinator = member(partnership, Role.COORDINATOR)
    page.goto(site(partnership, "/accounts/login/"))
    sign_in(page, coordinator.email)

    # Inviting: only the chosen role's fields show.
    page.goto(site(partnership, "/invitations/new/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Invite someone")
    expect(page.get_by_label("School", exact=True)).to_be_hidden()
    expect(page.get_by_label("Chair of governors", exact=True)).to_be_hidden()
    axe(page)
    page.get_by_label("Role").select_option("governor")
    expect(page.get_by_label("School", exact=True)).to_be_visible()
    expect(page.get_by_label("Chair of governors", exact=True)).to_be_visible()
    expect(page.get_by_label("Body represented")).to_be_hidden()
    page.get_by_label("Role").select_option("board_member")
    expect(page.get_by_label("School", exact=True)).to_be_hidden()
    expect(page.get_by_label("Body represented")).to_be_visible()
    page.get_by_label("Role").select_option("governor")
    page.get_by_label("Email address").fill(f"new.governor.{width}@example.org")
    page.get_by_label("School", exact=True).select_option(index=1)
    page.get_by_label("Chair of governors", exact=True).check()
    no_sideways_scroll(page, width)
    axe(page)
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("status")).to_contain_text(f"Invitation sent to new.governor.{width}@example.org")
    with partnership_scope(partnership):
        invitation = Invitation.objects.get(email=f"new.governor.{width}@example.org")
    assert invitation.role == Role.GOVERNOR and invitation.is_chair_of_governors and invitation.school_id

    # A cycle entirely in the past is confirmed first; with nothing done in it, it can be deleted.
    page.goto(site(partnership, "/cycles/new/"))
    page.get_by_label("Name").fill("Peer review 2024/25")
    page.get_by_label("Academic year starts in").fill("2024")
    page.get_by_label("No grades (developmental enquiry)").check()
    fill_date(page, "Visit window opens", datetime.date(2024, 10, 1))
    fill_date(page, "Visit window closes", datetime.date(2025, 6, 30))
    page.get_by_role("button", name="Open the cycle").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("This cycle is entirely in the past")
    no_sideways_scroll(page, width)
    axe(page)
    page.get_by_role("button", name="Yes, open this past cycle").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Peer review 2024/25")
    page.get_by_role("link", name="Delete this cycle", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Are you sure you want to delete Peer review 2024/25?")
    no_sideways_scroll(page, width)
    axe(page)
    page.get_by_role("button", name="Yes, delete Peer review 2024/25").click()
    expect(page.get_by_role("status")).to_contain_text("Peer review 2024/25 is deleted.")
    with partnership_scope(partnership):
        assert not Cycle.objects.exists()

    # Your account, in the portal's own style, and the emails a person gets.
    page.get_by_role("link", name="Your account", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    no_sideways_scroll(page, width)
    axe(page)
    page.get_by_role("link", name="Change which emails you get").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Emails you get")
    page.get_by_label("Peer review reminders").uncheck()
    axe(page)
    page.get_by_role("button", name="Save your choices").click()
    expect(page.get_by_role("status")).to_contain_text("Your email choices are saved.")
    assert User.objects.get(pk=coordinator.pk).emails_declined == ["review_reminders"]

    # Help: the coordinator's guide first, and the glossary.
    page.get_by_role("link", name="Help", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("How to use the portal")
    axe(page)
    page.get_by_role("link", name="Coordinators", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Coordinators")
    page.get_by_role("link", name="Glossary of the partnership's words", exact=True).click()
    expect(page.locator("#right-to-reply")).to_contain_text("printed at the end of the final report")
    no_sideways_scroll(page, width)
    axe(page)

    # The schools directory: long names, a long trust, and still no sideways scroll of the page on a phone.
    page.goto(site(partnership, "/schools/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Schools")
    no_sideways_scroll(page, width)
    axe(page)
