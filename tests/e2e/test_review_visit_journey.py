"""The review itself in a real browser, with axe-core on every page: the school's self-review and documents; the
reviewers on a tablet planning the programme, recording evidence and drafting findings; the head's reply; the
coordinator finalising and sharing; and two reviewers editing one note at once."""

import datetime
import os
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from partnership.tenancy.scoping import partnership_scope
from reviews.models import AttachmentDownload, ReportDraft, ReviewEvent, ReviewStatus
from tests.factories import PASSWORD, PartnershipFactory
from tests.reviews.factories import review_scenario, visit_on
from tests.reviews.factories_visit import EXE_BYTES, add_note, pdf_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TABLET = {"viewport": {"width": 820, "height": 1180}, "has_touch": True, "is_mobile": True}
SCREENSHOTS = os.environ.get("PORTAL_SCREENSHOTS")  # a folder: save a picture of each page for a person to look at


def working_days_before_today(count: int) -> list[datetime.date]:
    days, day = [], timezone.localdate() - datetime.timedelta(days=3)
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day -= datetime.timedelta(days=1)
    return sorted(days)


@pytest.fixture
def s():
    partnership = PartnershipFactory(slug="northvale", name="Northvale Schools Partnership", colour="#005a5b")
    scenario = review_scenario(partnership, status=ReviewStatus.SCHEDULED)
    with partnership_scope(partnership):
        visit_on(scenario.review, *working_days_before_today(2))
    return scenario


def sign_in(page, site, s, user) -> None:
    page.goto(site(s.partnership, "/accounts/login/"))
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def check(page, axe, name: str) -> None:
    axe(page)
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{len(axe.pages_checked):02d}-{name}.png"), full_page=True)


def open_review(page, axe) -> None:
    page.get_by_role("link", name="Reviews").first.click()
    page.get_by_role("link", name="Kingsmead Primary School").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review of Kingsmead Primary School")
    check(page, axe, "review")


def test_from_a_scheduled_visit_to_a_report_shared_with_governors(browser, site, axe, s):
    # The lead reviewer, on a tablet, plans the programme with the school and records evidence.
    context = browser.new_context(**TABLET)
    page = context.new_page()
    page.set_default_timeout(15000)
    sign_in(page, site, s, s.lead_reviewer)
    open_review(page, axe)

    page.get_by_role("link", name="See and plan the visit programme").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Visit programme")
    check(page, axe, "programme-empty")
    page.get_by_role("link", name="Add an activity").click()
    check(page, axe, "activity-add")
    page.get_by_role("button", name="Save activity").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose the kind of activity.")
    check(page, axe, "activity-errors")
    page.get_by_label("Activity", exact=True).select_option(label="Learning walk")
    page.get_by_label("Title").fill("Early reading across KS1")
    page.get_by_label("Starts at").fill("09:15")
    page.get_by_label("Ends at").fill("10:00")
    page.get_by_label(re.compile(r"\(lead reviewer\)")).check()
    page.get_by_label(re.compile(r"\(headteacher\)")).check()
    page.get_by_label("Others taking part").fill("Year 1 pupils")
    page.get_by_role("button", name="Save activity").click()
    expect(page.get_by_role("status")).to_contain_text("is added to the programme")
    expect(page.get_by_role("cell", name="Learning walk Early reading across KS1")).to_be_visible()
    check(page, axe, "programme")

    page.get_by_role("link", name=re.compile(r"^Add a note")).click()
    expect(page.get_by_text("Do not name pupils").first).to_be_visible()
    check(page, axe, "note-add")
    page.get_by_label("Evidence", exact=True).fill(
        "Phonics sessions follow the scheme closely; pupils blend confidently.\nA Year 1 pupil read fluently."
    )
    page.get_by_label("Curriculum and teaching").check()
    page.get_by_role("button", name="Save note").click()
    expect(page.get_by_role("status")).to_contain_text("Your evidence note is saved.")
    expect(page.get_by_text("pupils blend confidently")).to_be_visible()
    check(page, axe, "evidence")
    page.get_by_label("Focus area", exact=True).select_option(label="Inclusion")
    page.get_by_role("button", name="Show notes").click()
    expect(page.get_by_text("No notes are tagged to Inclusion yet.")).to_be_visible()
    check(page, axe, "evidence-filtered")

    # After the visit: mark it visited, write the findings and the report, and send the draft.
    page.get_by_role("link", name=re.compile("Back to the review")).click()
    page.get_by_role("button", name="Mark as visited").click()
    expect(page.get_by_role("status")).to_contain_text("working days after the visit")
    check(page, axe, "visited")
    page.get_by_role("link", name="Write the findings and send the draft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Findings and report")
    check(page, axe, "findings")
    page.get_by_role("link", name="Write the findings for Curriculum and teaching").click()
    expect(page.get_by_text("pupils blend confidently")).to_be_visible()  # the evidence beside the form
    check(page, axe, "finding-edit")
    page.get_by_label("Strengths (what went well)").fill("Phonics is taught consistently and well.")
    page.get_by_label("Areas for development (even better if)").fill("Even better if reading books matched sounds.")
    page.get_by_role("button", name="Save findings").click()
    expect(page.get_by_role("status")).to_contain_text("are saved")
    page.get_by_role("link", name="Write the context, area of excellence and recommendations").click()
    check(page, axe, "report-edit")
    page.get_by_label("Context").fill("A one-form entry primary school of 210 pupils.")
    page.get_by_label("Area of excellence").fill("Early reading.")
    page.get_by_label("Recommendations").fill("Match reading books to the phonics sequence.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("are saved")
    page.get_by_role("link", name="Read the draft report").click()
    expect(page.get_by_text("for the school's factual-accuracy check")).to_be_visible()
    check(page, axe, "draft-report")
    page.go_back()
    page.get_by_role("link", name="Send the draft to the school").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Send the draft to the school")
    check(page, axe, "send-draft-confirm")
    page.get_by_role("button", name="Yes, send the draft").click()
    expect(page.get_by_role("status")).to_contain_text("The draft is sent to the school")
    check(page, axe, "draft-sent")
    context.close()

    # The school's headteacher reads the draft and accepts it, with the school's response.
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    page.set_default_timeout(15000)
    sign_in(page, site, s, s.head)
    open_review(page, axe)
    page.get_by_role("link", name="Check the draft report and reply").click()
    expect(page.get_by_role("heading", name="Peer review of Kingsmead Primary School")).to_be_visible()
    expect(page.get_by_text("Phonics is taught consistently and well.")).to_be_visible()
    check(page, axe, "factual-accuracy")
    page.get_by_label("No, there are no factual errors").check()
    page.get_by_label("The school's response (right to reply)").fill("We welcome the review and its findings.")
    page.get_by_role("button", name="Send your reply").click()
    expect(page.get_by_role("status")).to_contain_text("you have accepted the draft as factually accurate")
    check(page, axe, "replied")
    sign_out(page)

    # The coordinator finalises and shares with governors.
    sign_in(page, site, s, s.coordinator)
    open_review(page, axe)
    expect(page.get_by_text("No factual corrections.")).to_be_visible()
    page.get_by_role("link", name="Finalise the report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Finalise the report")
    check(page, axe, "finalise-confirm")
    page.get_by_role("button", name="Yes, finalise the report").click()
    expect(page.get_by_role("status")).to_contain_text("The report is final.")
    check(page, axe, "final")
    page.get_by_role("link", name="Share with governors").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Share the final report with governors")
    check(page, axe, "share-confirm")
    page.get_by_role("button", name="Yes, share it with governors").click()
    expect(page.get_by_role("status")).to_contain_text("shared with the school's governors")
    check(page, axe, "shared")
    page.get_by_role("link", name="Read the final report").click()
    expect(page.get_by_text("We welcome the review and its findings.")).to_be_visible()
    check(page, axe, "final-report")
    page.close()

    with partnership_scope(s.partnership):
        s.review.refresh_from_db()
        assert s.review.status == ReviewStatus.SHARED
        assert ReportDraft.objects.get(review=s.review).school_response == "We welcome the review and its findings."
        steps = list(ReviewEvent.objects.filter(review=s.review).values_list("to_status", flat=True))
    assert steps == ["visited", "draft", "factual_accuracy", "factual_accuracy", "final", "shared"]
    assert len(axe.pages_checked) >= 20


def test_the_school_shares_its_self_review_and_documents_and_the_team_downloads_them(
    browser, site, axe, s, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    page.set_default_timeout(15000)
    sign_in(page, site, s, s.head)
    open_review(page, axe)
    page.get_by_role("link", name="Write the self-review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Self-review")
    check(page, axe, "self-review")
    page.get_by_label("Curriculum and teaching").check()
    page.get_by_label("First line of enquiry").fill("How consistently is phonics taught in KS1?")
    page.get_by_label("Summary of your self-evaluation (SEF)").fill("Early reading is strong.")
    page.get_by_role("button", name="Save and share with the review team").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter a summary of your improvement plan before sharing.")
    expect(page.get_by_label("First line of enquiry")).to_have_value("How consistently is phonics taught in KS1?")
    check(page, axe, "self-review-errors")
    page.get_by_role("button", name="Save as draft").click()
    expect(page.get_by_role("status")).to_contain_text("Saved as a draft")

    page.get_by_role("link", name="Upload a document").click()
    check(page, axe, "upload")
    page.get_by_label("What kind of document is it?").select_option(label="Self-evaluation (SEF)")
    page.get_by_label("Document", exact=True).set_input_files(
        files=[{"name": "SEF.pdf", "mimeType": "application/pdf", "buffer": EXE_BYTES}]
    )
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("alert")).to_contain_text("‘SEF.pdf’ is a Windows program")
    check(page, axe, "upload-refused")
    page.get_by_label("Document", exact=True).set_input_files(
        files=[{"name": "SEF 2026.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}]
    )
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("status")).to_contain_text("‘SEF 2026.pdf’ is uploaded.")
    page.get_by_label("Summary of your school improvement plan (SIP)").fill("Maths mastery across KS2.")
    page.get_by_role("button", name="Save and share with the review team").click()
    # Sharing cannot be undone: check your answers first (issue 12).
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your self-review before you share it")
    expect(page.get_by_text("Maths mastery across KS2.")).to_be_visible()
    check(page, axe, "self-review-check")
    page.get_by_role("button", name="Yes, share it with the review team").click()
    expect(page.get_by_role("status")).to_contain_text("shared with the review team")
    check(page, axe, "self-review-shared")
    sign_out(page)

    sign_in(page, site, s, s.reviewer)
    open_review(page, axe)
    page.get_by_role("link", name="Read the self-review and documents").click()
    expect(page.get_by_text("How consistently is phonics taught in KS1?")).to_be_visible()
    check(page, axe, "self-review-team")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("SEF 2026.pdf")).click()
    assert download.value.suggested_filename == "SEF 2026.pdf"
    assert download.value.path().read_bytes() == pdf_bytes()
    with partnership_scope(s.partnership):
        assert AttachmentDownload.objects.get().user == s.reviewer
    page.close()


def test_two_reviewers_editing_one_note_the_second_is_told_and_keeps_their_typing(browser, site, axe, s):
    with partnership_scope(s.partnership):
        note = add_note(s.review, s.lead_reviewer, text="Calm corridors at lunchtime.")
    url = f"/reviews/{s.review.pk}/evidence/{note.pk}/edit/"
    lead_context, reviewer_context = browser.new_context(**TABLET), browser.new_context(**TABLET)
    lead, reviewer = lead_context.new_page(), reviewer_context.new_page()
    for page, person in ((lead, s.lead_reviewer), (reviewer, s.reviewer)):
        page.set_default_timeout(15000)
        sign_in(page, site, s, person)
        page.goto(site(s.partnership, url))
        check(page, axe, "note-edit")

    lead.get_by_label("Evidence", exact=True).fill("Calm corridors at lunchtime; staff visible on duty.")
    lead.get_by_role("button", name="Save note").click()
    expect(lead.get_by_role("status")).to_contain_text("Your changes to the note are saved.")

    reviewer.get_by_label("Evidence", exact=True).fill("Calm corridors. Pupils held doors for visitors.")
    reviewer.get_by_role("button", name="Save note").click()
    expect(reviewer.get_by_role("alert")).to_contain_text("saved this note while you were editing it")
    expect(reviewer.get_by_text("staff visible on duty")).to_be_visible()
    expect(reviewer.get_by_label("Evidence", exact=True)).to_have_value(
        "Calm corridors. Pupils held doors for visitors."
    )
    check(reviewer, axe, "note-conflict")
    reviewer.get_by_label("Evidence", exact=True).fill(
        "Calm corridors at lunchtime; staff visible on duty. Pupils held doors for visitors."
    )
    reviewer.get_by_role("button", name="Save my version").click()
    expect(reviewer.get_by_role("status")).to_contain_text("Your changes to the note are saved.")
    expect(reviewer.get_by_text("staff visible on duty. Pupils held doors")).to_be_visible()
    check(reviewer, axe, "note-merged")
    lead_context.close()
    reviewer_context.close()
