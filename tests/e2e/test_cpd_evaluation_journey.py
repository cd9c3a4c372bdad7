"""A participant marked present opens the on-the-day evaluation from the link shown in the room (the coordinator's
page with its QR code), answers it, and, since the partnership releases certificates only after that evaluation,
then downloads their certificate. Chromium through Playwright, axe-core on every page visited."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cpd.models import Booking
from cpd.services.attendance import register_close, register_mark, register_open
from cpd.services.bookings import booking_request
from cpd.services.certificates import certificates_release
from cpd.services.evaluations import evaluation_settings_save
from partnership.tenancy.roles import Role
from partnership.tenancy.scoping import partnership_scope
from tests.cpd.factories import event_with_session, person
from tests.e2e.test_cpd_journey import signed_in
from tests.factories import MembershipFactory, PartnershipFactory, SchoolFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def partnership():
    return PartnershipFactory(slug="northvale", name="Northvale Schools Partnership", colour="#005a5b")


def test_present_participant_evaluates_on_the_day_then_downloads_the_certificate(page, site, axe, partnership):
    school = SchoolFactory(partnership=partnership, name="Kingsmead Primary School")
    participant = person(partnership, school, Role.HEADTEACHER, first_name="Pat", last_name="Present")
    coordinator = MembershipFactory(partnership=partnership, role=Role.COORDINATOR).user
    now = timezone.now()
    event, session = event_with_session(
        partnership,
        capacity=10,
        title="Early reading leadership",
        deadline=now - datetime.timedelta(days=2),
        day=timezone.localdate(),
        start=(0, 0),
        end=(23, 59),
    )
    with partnership_scope(partnership):
        evaluation_settings_save(
            partnership=partnership, anonymous=True, impact_weeks=6, certificate_needs_evaluation=True
        )
        booking_request(
            session=session,
            user=participant,
            booked_by=participant,
            partnership=partnership,
            now=now - datetime.timedelta(days=9),
        )
        register = register_open(session=session, by=coordinator)
        booking = Booking.objects.get(user=participant)
        register_mark(register=register, marks={booking.pk: "present"}, by=coordinator)

    # The coordinator shows the on-the-day link and its QR code in the room.
    signed_in(page, site, partnership, coordinator)
    page.goto(site(partnership, f"/cpd/events/{event.pk}/"))
    page.get_by_role("link", name="On-the-day evaluation link and QR code", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("On-the-day evaluation")
    expect(page.get_by_role("img", name=re.compile("QR code of the on-the-day evaluation"))).to_be_visible()
    axe(page)
    link = page.locator("code").inner_text()
    assert link.endswith(f"/cpd/events/{event.pk}/evaluation/on-the-day/")

    # The participant, marked present, opens it (as the QR code would) and answers.
    signed_in(page, site, partnership, participant)
    expect(page.get_by_role("link", name=re.compile("Early reading leadership: on the day"))).to_be_visible()
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Evaluation: on the day")
    axe(page)
    page.get_by_role("button", name="Send your answers", exact=True).click()
    expect(page.get_by_text("There is a problem")).to_be_visible()  # nothing chosen: each question says so
    axe(page)
    for group in page.get_by_role("group").all():  # each rating and choice: its last answer
        radios = group.get_by_role("radio")
        if radios.count():
            radios.nth(radios.count() - 1).check()
    page.get_by_label("What was the most useful part?").fill("The case studies from partner schools.")
    page.get_by_role("button", name="Send your answers", exact=True).click()
    expect(page.get_by_text("Thank you: your answers are saved.")).to_be_visible()
    axe(page)

    # The register closes and the certificates are released: the participant evaluated, so theirs is among them.
    with partnership_scope(partnership):
        register_close(register=register, by=coordinator)
        assert len(certificates_release(event=event, by=coordinator)) == 1
    page.get_by_role("link", name="your certificates", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My certificates")
    axe(page)
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("PDF")).click()
    assert download.value.suggested_filename.startswith("certificate-")
