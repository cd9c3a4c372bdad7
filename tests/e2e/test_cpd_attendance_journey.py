"""On the day: the session's facilitator marks the register on a tablet (768 px wide), keeps marking through a
dropped connection (the marks wait in the browser and are sent when it is back), adds a walk-in and closes the
register; the coordinator releases the certificates and watches them prepared; a participant downloads theirs; the
school's CPD leader opens their staff's CPD records. Chromium through Playwright, axe-core on every page visited."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cpd.models import Attendance, Booking, Register
from cpd.services.bookings import booking_request
from partnership.tenancy.roles import Role
from partnership.tenancy.scoping import partnership_scope
from tests.cpd.factories import event_with_session, person
from tests.e2e.test_sign_in_journey import sign_in
from tests.factories import MembershipFactory, PartnershipFactory, SchoolFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TABLET = {"width": 768, "height": 1024}


@pytest.fixture
def partnership():
    return PartnershipFactory(slug="northvale", name="Northvale Schools Partnership", colour="#005a5b")


@pytest.fixture
def tablet(browser):
    context = browser.new_context(viewport=TABLET, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def signed_in(page, site, partnership, user) -> None:
    page.context.clear_cookies()
    page.goto(site(partnership, "/accounts/login/"))
    sign_in(page, user.email)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")


def test_facilitator_marks_offline_and_back_participant_downloads_leader_sees_records(tablet, site, axe, partnership):
    page = tablet
    school = SchoolFactory(partnership=partnership, name="Kingsmead Primary School")
    head = person(partnership, school, Role.HEADTEACHER, first_name="Hana", last_name="Head")
    tess = person(partnership, school, Role.STAFF, first_name="Tess", last_name="Teacher")
    other = person(partnership, role=Role.HEADTEACHER, first_name="Omar", last_name="Other")
    walker = person(partnership, school, Role.STAFF, first_name="Wendy", last_name="Walkin")
    facilitator = person(partnership, role=Role.STAFF, first_name="Fay", last_name="Facilitator")
    coordinator = MembershipFactory(partnership=partnership, role=Role.COORDINATOR).user
    now = timezone.now()
    event, session = event_with_session(
        partnership,
        capacity=3,
        title="Early reading leadership",
        deadline=now + datetime.timedelta(hours=1),
        day=timezone.localdate(),
    )
    with partnership_scope(partnership):
        session.facilitator_user = facilitator
        session.save(update_fields=["facilitator_user"])
        for who, by in ((tess, head), (other, other)):
            booking_request(session=session, user=who, booked_by=by, partnership=partnership)

    # The facilitator finds their session among their bookings, opens the register on the tablet.
    signed_in(page, site, partnership, facilitator)
    page.goto(site(partnership, "/cpd/bookings/"))
    axe(page)
    page.get_by_role("link", name=re.compile("^Register for")).click()
    page.get_by_role("button", name="Open the register").click()
    expect(page.get_by_text("Register opened.")).to_be_visible()
    axe(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= TABLET["width"]  # nothing runs off the side

    tess_row = page.get_by_role("group", name=re.compile("Tess Teacher"))
    omar_row = page.get_by_role("group", name=re.compile("Omar Other"))
    tess_row.get_by_label("Present", exact=True).check()
    expect(tess_row.get_by_text("Saved", exact=True)).to_be_visible()

    # The connection drops: the next mark waits on the tablet and says so, then goes when it is back.
    page.context.set_offline(True)
    omar_row.get_by_label("Late", exact=True).check()
    expect(omar_row.get_by_text("Not saved yet")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="kept on this device")).to_be_visible()
    with partnership_scope(partnership):
        assert Attendance.objects.count() == 1
    page.context.set_offline(False)
    expect(omar_row.get_by_text("Saved", exact=True)).to_be_visible(timeout=20000)
    with partnership_scope(partnership):
        assert dict(Attendance.objects.values_list("booking__user__last_name", "mark")) == {
            "Teacher": "present",
            "Other": "late",
        }

    # A colleague came without a booking: found by name and added, taking the last place, marked present.
    page.get_by_label("Name or email").fill("walkin")
    page.get_by_role("button", name="Find").click()
    axe(page)
    page.get_by_role("button", name="Add Wendy Walkin as a walk-in").click()
    expect(page.get_by_text("Wendy Walkin added as a walk-in and marked present.")).to_be_visible()
    page.get_by_role("button", name="Close the register").click()
    expect(page.get_by_text("Register closed.")).to_be_visible()
    axe(page)
    with partnership_scope(partnership):
        assert Register.objects.get(session=session).closed_by_id == facilitator.pk
        assert Booking.objects.get(user=walker).walk_in

    # The coordinator releases the certificates and sees them prepared.
    signed_in(page, site, partnership, coordinator)
    page.goto(site(partnership, f"/cpd/events/{event.pk}/certificates/"))
    page.get_by_role("button", name="Release certificates").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Preparing certificates")
    expect(page.get_by_text("All 3 certificates ready to download.")).to_be_visible(timeout=30000)
    axe(page)

    # Tess downloads hers.
    signed_in(page, site, partnership, tess)
    page.goto(site(partnership, "/cpd/certificates/"))
    axe(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF of the certificate for Early reading leadership").click()
    assert download.value.suggested_filename.startswith("certificate-")
    with open(download.value.path(), "rb") as handle:
        assert handle.read(4) == b"%PDF"

    # The headteacher, the school's CPD leader, opens the staff records and Tess's record.
    signed_in(page, site, partnership, head)
    page.goto(site(partnership, "/cpd/approvals/"))
    page.get_by_role("link", name="Staff CPD records", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Staff CPD records")
    axe(page)
    page.get_by_role("link", name="Tess Teacher", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("CPD record: Tess Teacher")
    expect(page.get_by_role("table", name=re.compile("Certificates"))).to_contain_text("Valid")
    axe(page)
