"""A board meeting in the browser: the clerk schedules it, builds the agenda, uploads a paper and publishes the pack
(warned that it is short notice); a member opens the meeting and downloads the paper; on the day the clerk records
attendance (the page says it is quorate), a decision and an action; the next meeting approves the minutes; the
public pages show them. Chromium through Playwright, axe-core on every page visited."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from partnership.governance.models import Decision, Meeting, Minutes, PaperDownload, PublicPages
from partnership.governance.sample_pdf import sample_pdf
from partnership.tenancy.scoping import partnership_scope
from tests.e2e.test_sign_in_journey import sign_in
from tests.factories import PartnershipFactory
from tests.governance.factories import hold, make_board

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def partnership():
    return PartnershipFactory(slug="northvale", name="Northvale Schools Partnership", colour="#005a5b")


def test_the_clerk_publishes_a_pack_a_member_downloads_a_paper_and_the_meeting_is_minuted(
    page, site, axe, partnership, media_root, tmp_path
):
    board = make_board(partnership)
    with partnership_scope(partnership):
        board.body.is_public = True
        board.body.save()
        PublicPages.objects.create(partnership=partnership, enabled=True, about="Schools improving together.")

    # The clerk schedules a meeting four days ahead and builds its agenda.
    page.goto(site(partnership, "/accounts/login/"))
    sign_in(page, board.clerk.email)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Boards", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Boards")
    axe(page)
    page.get_by_role("link", name="Partnership Board", exact=True).click()
    axe(page)
    page.get_by_role("link", name="Schedule a meeting", exact=True).click()
    starts = timezone.localtime() + datetime.timedelta(days=4)
    page.get_by_label("Date and time").fill(starts.strftime("%Y-%m-%dT18:00"))
    page.get_by_label("Place").fill("Kingsmead Primary School")
    axe(page)
    page.get_by_role("button", name="Schedule").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Meeting on")
    axe(page)
    page.get_by_role("link", name="Add an agenda item", exact=True).click()
    page.get_by_label("Title").fill("Budget for next year")
    page.get_by_label("Presenter").fill("Treasurer")
    page.get_by_label("For decision").check()
    axe(page)
    page.get_by_role("button", name="Add the item").click()
    page.get_by_role("link", name="Upload a paper for item 4", exact=True).click()
    paper = tmp_path / "budget.pdf"
    paper.write_bytes(sample_pdf("Budget", 2))
    page.get_by_label("Title").fill("Draft budget")
    page.get_by_label("Paper", exact=True).set_input_files(str(paper))
    axe(page)
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("link", name="Draft budget", exact=True)).to_be_visible()
    page.get_by_role("link", name="Publish the pack", exact=True).click()
    expect(page.locator(".govuk-warning-text")).to_contain_text("members should have at least 7")
    axe(page)
    page.get_by_role("button", name="Publish the pack").click()
    expect(page.get_by_text("The pack is published to the members")).to_be_visible()
    with partnership_scope(partnership):
        meeting = Meeting.objects.get(body=board.body)
    assert meeting.status == Meeting.Status.PUBLISHED

    # A member opens the meeting and downloads the paper.
    page.context.clear_cookies()
    page.goto(site(partnership, "/accounts/login/"))
    sign_in(page, board.members[1].email)
    page.goto(site(partnership, f"/meetings/{meeting.pk}/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Meeting on")
    axe(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Draft budget", exact=True).click()
    with open(download_info.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    with partnership_scope(partnership):
        assert PaperDownload.objects.get().user == board.members[1]

    # The day comes: the clerk records attendance, a decision and an action.
    meeting = hold(meeting)
    page.context.clear_cookies()
    page.goto(site(partnership, "/accounts/login/"))
    sign_in(page, board.clerk.email)
    page.goto(site(partnership, f"/meetings/{meeting.pk}/"))
    page.get_by_role("link", name="Record attendance", exact=True).click()
    for person in board.members[:3]:
        page.get_by_role("group", name=re.compile(re.escape(person.get_full_name()))).get_by_label("Present").check()
    axe(page)
    page.get_by_role("button", name="Record attendance").click()
    expect(page.locator("#quorum-now")).to_contain_text("Quorate: 3 voting members present, 3 needed")
    axe(page)
    page.get_by_role("link", name="Minutes", exact=True).click()
    axe(page)
    page.get_by_role("link", name="Record a decision on item 4", exact=True).click()
    expect(page.locator("#item-quorum")).to_contain_text("Quorate")
    page.get_by_label("Motion").fill("To approve the draft budget.")
    page.get_by_label("For", exact=True).fill("2")
    page.get_by_label("Against").fill("0")
    page.get_by_label("Abstaining").fill("1")
    axe(page)
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("The decision is recorded (carried).")).to_be_visible()
    page.get_by_role("link", name="Record an action", exact=True).click()
    page.get_by_label("Action").fill("Send the budget to every school.")
    page.get_by_label("Owner").select_option(label=str(board.chair))
    page.get_by_label("Due by").fill((timezone.localdate() + datetime.timedelta(days=14)).isoformat())
    axe(page)
    page.get_by_role("button", name="Record the action").click()
    expect(page.get_by_text("Send the budget to every school.")).to_be_visible()
    page.get_by_role("link", name="Write the minute for item 4", exact=True).click()
    page.get_by_label("Minute").fill("The treasurer presented the draft budget.")
    page.get_by_role("button", name="Save the minute").click()
    with partnership_scope(partnership):
        decision = Decision.objects.get()
    assert decision.carried and decision.voting_present == 3 and decision.quorum_required == 3

    # The next meeting, once under way, approves the minutes; the coordinator publishes them.
    with partnership_scope(partnership):
        next_meeting = Meeting.objects.create(
            partnership=partnership,
            body=board.body,
            starts_at=timezone.now() - datetime.timedelta(minutes=30),
            place="Online",
            status=Meeting.Status.PUBLISHED,
            published_at=timezone.now() - datetime.timedelta(days=9),
        )
        Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - datetime.timedelta(days=20))
    page.goto(site(partnership, f"/meetings/{next_meeting.pk}/"))
    axe(page)
    page.get_by_role("link", name="Approve them at this meeting", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Approve the minutes")
    axe(page)
    page.get_by_role("button", name="Approve the minutes").click()
    expect(page.get_by_text("are approved and locked")).to_be_visible()
    page.context.clear_cookies()
    page.goto(site(partnership, "/accounts/login/"))
    sign_in(page, board.coordinator.email)
    page.goto(site(partnership, f"/meetings/{meeting.pk}/minutes/"))
    page.get_by_role("button", name="Publish on the public pages").click()
    with partnership_scope(partnership):
        assert Minutes.objects.get(meeting=meeting).is_public

    # The public, without signing in.
    page.context.clear_cookies()
    for path in ("/public/", "/public/bodies/", "/public/areas/", "/public/schools/", "/public/minutes/"):
        page.goto(site(partnership, path))
        axe(page)
    page.get_by_role("link", name=re.compile("Partnership Board")).click()
    expect(page.get_by_text("The treasurer presented the draft budget.")).to_be_visible()
    axe(page)
