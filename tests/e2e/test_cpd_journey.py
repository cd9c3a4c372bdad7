"""A teacher books a course, their headteacher (the school's CPD leader) approves, the coordinator sees the register;
the course is then full, a head joins the waiting list and accepts the place a cancellation frees. Chromium through
Playwright, axe-core on every page visited."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cpd.models import Booking
from cpd.services.bookings import booking_cancel, booking_request
from partnership.tenancy.roles import Role
from partnership.tenancy.scoping import partnership_scope
from tests.cpd.factories import event_with_session, person
from tests.e2e.test_sign_in_journey import sign_in
from tests.factories import MembershipFactory, PartnershipFactory, SchoolFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def partnership():
    return PartnershipFactory(slug="northvale", name="Northvale Schools Partnership", colour="#005a5b")


def signed_in(page, site, partnership, user) -> None:
    page.context.clear_cookies()
    page.goto(site(partnership, "/accounts/login/"))
    sign_in(page, user.email)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")


def test_book_approve_register_then_a_waiting_list_offer_accepted(page, site, axe, partnership):
    school = SchoolFactory(partnership=partnership, name="Kingsmead Primary School")
    head = person(partnership, school, Role.HEADTEACHER)
    teacher = person(partnership, school, Role.STAFF, first_name="Tess", last_name="Teacher")
    coordinator = MembershipFactory(partnership=partnership, role=Role.COORDINATOR).user
    other_head, waiting_head = (person(partnership, role=Role.HEADTEACHER) for _ in range(2))
    now = timezone.now()
    event, session = event_with_session(
        partnership,
        capacity=2,
        title="Phonics refresher",
        deadline=now + datetime.timedelta(days=5),
        day=(now + datetime.timedelta(days=20)).date(),
    )

    # The teacher finds the course in the programme and asks for a place.
    signed_in(page, site, partnership, teacher)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="CPD").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("CPD programme")
    axe(page)
    page.get_by_role("link", name="Phonics refresher").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Phonics refresher")
    axe(page)
    page.get_by_role("button", name=re.compile("Book a place")).click()
    expect(page.get_by_text("Your request has gone to your school's CPD leader")).to_be_visible()
    expect(page.get_by_text("Awaiting approval").first).to_be_visible()
    axe(page)

    # The headteacher, the school's CPD leader by default, approves it from the home page.
    signed_in(page, site, partnership, head)
    page.get_by_role("link", name="Approve or decline").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("CPD approvals")
    axe(page)
    page.get_by_role("button", name=re.compile("Approve")).click()
    expect(page.get_by_text("The booking is approved.")).to_be_visible()
    expect(page.get_by_text("No requests are waiting.")).to_be_visible()
    # The leader looks at the school's bookings and spend this year: the approved place at its price.
    page.get_by_role("link", name="Kingsmead Primary School's bookings and spend", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("CPD bookings and spend")
    expect(page.get_by_role("table", name="The school's bookings this year")).to_contain_text("Phonics refresher")
    axe(page)

    # Another head takes the last place; the coordinator sees both on the register.
    with partnership_scope(partnership):
        taken = booking_request(session=session, user=other_head, booked_by=other_head, partnership=partnership)
    signed_in(page, site, partnership, coordinator)
    page.goto(site(partnership, f"/cpd/events/{event.pk}/"))
    page.get_by_role("link", name=re.compile("Register for")).click()
    confirmed = page.get_by_role("table", name=re.compile("Confirmed"))
    expect(confirmed).to_contain_text("Tess Teacher")
    expect(confirmed).to_contain_text(str(other_head))
    axe(page)

    # The course is full: a head joins the waiting list, a cancellation offers them the place, they accept it.
    signed_in(page, site, partnership, waiting_head)
    page.goto(site(partnership, f"/cpd/events/{event.pk}/"))
    page.get_by_role("button", name=re.compile("Join the waiting list")).click()
    expect(page.get_by_text("you are on the waiting list")).to_be_visible()
    with partnership_scope(partnership):
        booking_cancel(booking=taken, by=other_head, reason="Ill")
    page.goto(site(partnership, "/"))
    page.get_by_role("link", name=re.compile("Phonics refresher")).click()
    axe(page)
    page.get_by_role("button", name="Accept the place").click()
    expect(page.get_by_text("You accepted the place.")).to_be_visible()
    with partnership_scope(partnership):
        assert Booking.objects.get(session=session, user=waiting_head).state == "confirmed"
