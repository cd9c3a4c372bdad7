"""The workflow's buttons on the review page: each shown only to who may press it, each step recorded."""

import datetime

import pytest
from django.utils import timezone
from django.utils.html import escape

from reviews.models import ReportDraft, ReviewEvent, ReviewStatus
from reviews.services.self_review import self_review_save
from tests.reviews.factories import PEOPLE_IN_A_SCENARIO, review_scenario, visit_on, write_findings

pytestmark = pytest.mark.django_db

PEOPLE = PEOPLE_IN_A_SCENARIO
BUTTONS = {
    "Mark as visited": (ReviewStatus.SCHEDULED, {"lead_reviewer", "reviewer", "coordinator"}),
    "Write the findings and send the draft": (ReviewStatus.DRAFT, {"lead_reviewer"}),
    "Check the draft report and reply": (ReviewStatus.FACTUAL_ACCURACY, {"head"}),
    "Finalise the report": (ReviewStatus.FACTUAL_ACCURACY, {"coordinator"}),
    "Share with governors": (ReviewStatus.FINAL, {"coordinator", "head"}),
}


def past_working_day() -> datetime.date:
    day = timezone.localdate() - datetime.timedelta(days=7)
    while day.weekday() >= 5:
        day -= datetime.timedelta(days=1)
    return day


@pytest.mark.parametrize("button", sorted(BUTTONS))
def test_each_button_appears_only_for_who_may_press_it(partnership_a, client_at, scope_of, button):
    status, allowed = BUTTONS[button]
    s = review_scenario(partnership_a, status=status)
    with scope_of(partnership_a):
        visit_on(s.review, past_working_day())
    for person in PEOPLE:
        response = client_at(partnership_a, getattr(s, person)).get(f"/reviews/{s.review.pk}/")
        shown = response.status_code == 200 and button in response.content.decode()
        assert shown is (person in allowed), f"{person}: {button}"


def test_mark_as_visited_shows_the_deadline_in_working_days(partnership_a, client_at, scope_of):
    s = review_scenario(partnership_a, status=ReviewStatus.SCHEDULED)
    with scope_of(partnership_a):
        visit_on(s.review, past_working_day())
    response = client_at(partnership_a, s.reviewer).post(f"/reviews/{s.review.pk}/mark-visited/", follow=True)
    page = response.content.decode()
    with scope_of(partnership_a):
        s.review.refresh_from_db()
    due = s.review.report_due_on
    assert s.review.status == ReviewStatus.VISITED
    assert f"The draft report is due by {due:%A} {due.day} {due:%B %Y} (18 working days after the visit)" in page
    with scope_of(partnership_a):
        assert ReviewEvent.objects.get().actor == s.reviewer


def test_a_visit_still_to_come_cannot_be_marked_and_says_from_when(partnership_a, client_at, scope_of):
    s = review_scenario(partnership_a, status=ReviewStatus.SCHEDULED)
    future = timezone.localdate() + datetime.timedelta(days=30)
    with scope_of(partnership_a):
        visit_on(s.review, future)
    page = client_at(partnership_a, s.lead_reviewer).get(f"/reviews/{s.review.pk}/").content.decode()
    assert "Mark as visited" not in page
    assert f"You can mark the review as visited from {future:%A} {future.day} {future:%B %Y}" in page
    response = client_at(partnership_a, s.lead_reviewer).post(f"/reviews/{s.review.pk}/mark-visited/", follow=True)
    assert "mark it as visited after that day" in response.content.decode()
    with scope_of(partnership_a):
        s.review.refresh_from_db()
        assert s.review.status == ReviewStatus.SCHEDULED


def test_the_head_reads_the_draft_and_replies_with_no_corrections(partnership_a, client_at, scope_of):
    s = review_scenario(partnership_a, status=ReviewStatus.SCHEDULED)
    with scope_of(partnership_a):
        self_review_save(
            review=s.review,
            actor=s.head,
            focus_area_ids=[],
            lines_of_enquiry=["How well do pupils read?"],
            self_evaluation_summary="S",
            improvement_plan_summary="P",
        )
        s.review.status = ReviewStatus.FACTUAL_ACCURACY
        s.review.save()
        visit_on(s.review, past_working_day())
        write_findings(s.review)
    client = client_at(partnership_a, s.head)
    url = f"/reviews/{s.review.pk}/factual-accuracy/"
    page = client.get(url).content.decode()
    for text in (
        "Draft",
        "Strong practice in inclusion.",
        "Even better if inclusion were consistent",
        "A two-form entry primary school.",
        "Early reading.",
        "Embed the new maths scheme.",
        escape(s.lead_reviewer),  # as the page escapes a name like O'Brien
    ):
        assert text in page, text
    assert "How well do pupils read?" not in page  # an unshared self-review is not part of the report
    response = client.post(url, {"corrections": "some", "comments": "", "school_response": "Thank you."})
    page = response.content.decode()
    assert "Enter your factual-accuracy comments, or choose ‘No’." in page and "Thank you.</textarea>" in page
    response = client.post(
        url, {"corrections": "none", "comments": "ignored", "school_response": "We welcome it."}, follow=True
    )
    assert "you have accepted the draft as factually accurate" in response.content.decode()
    with scope_of(partnership_a):
        report = ReportDraft.objects.get()
    assert (report.factual_accuracy_comments, report.school_response) == ("", "We welcome it.")
    assert report.factual_accuracy_responded_by == s.head
    report_page = client_at(partnership_a, s.lead_reviewer).get(f"/reviews/{s.review.pk}/report/").content.decode()
    assert "The school's response" in report_page and "We welcome it." in report_page
    # On the findings page the reply sits straight under the page's h1: its heading is an h2 (heading order).
    findings = client_at(partnership_a, s.lead_reviewer).get(f"/reviews/{s.review.pk}/findings/").content.decode()
    assert '<h2 class="govuk-heading-s" id="accuracy-reply-heading">' in findings
    review_page = client_at(partnership_a, s.lead_reviewer).get(f"/reviews/{s.review.pk}/").content.decode()
    assert '<h3 class="govuk-heading-s" id="accuracy-reply-heading">' in review_page  # inside its h2 section


def test_finalising_before_the_window_ends_without_a_reply_says_why(partnership_a, client_at, scope_of):
    s = review_scenario(partnership_a, status=ReviewStatus.FACTUAL_ACCURACY)
    due = timezone.localdate() + datetime.timedelta(days=5)
    with scope_of(partnership_a):
        s.review.factual_accuracy_due_on = due
        s.review.save()
        write_findings(s.review)
    client = client_at(partnership_a, s.coordinator)
    detail = client.get(f"/reviews/{s.review.pk}/").content.decode()
    assert "The headteacher has not replied yet." in detail
    response = client.post(f"/reviews/{s.review.pk}/finalise/", follow=True)
    page = response.content.decode()
    assert f"The school has until {due:%A %d %B %Y} to check the draft" in page
    assert 'role="alert"' in page
    with scope_of(partnership_a):
        s.review.refresh_from_db()
        assert s.review.status == ReviewStatus.FACTUAL_ACCURACY
    client_at(partnership_a, s.head).post(
        f"/reviews/{s.review.pk}/factual-accuracy/", {"corrections": "none", "school_response": ""}
    )
    response = client.post(f"/reviews/{s.review.pk}/finalise/", follow=True)
    assert "The report is final." in response.content.decode()
    response = client_at(partnership_a, s.head).post(f"/reviews/{s.review.pk}/share-with-governors/", follow=True)
    assert "The final report is shared with the school&#x27;s governors." in response.content.decode()
    with scope_of(partnership_a):
        s.review.refresh_from_db()
        assert s.review.status == ReviewStatus.SHARED
        steps = list(ReviewEvent.objects.values_list("to_status", "actor"))
    assert steps == [
        ("factual_accuracy", s.head.pk),
        ("final", s.coordinator.pk),
        ("shared", s.head.pk),
    ]


def test_a_governor_reads_the_final_report_only_once_shared_and_never_a_draft(partnership_a, client_at, scope_of):
    for status in ReviewStatus:
        s = review_scenario(partnership_a, status=status)
        with scope_of(partnership_a):
            write_findings(s.review)
        response = client_at(partnership_a, s.governor).get(f"/reviews/{s.review.pk}/report/")
        assert response.status_code == (200 if status == ReviewStatus.SHARED else 404), status
        if status == ReviewStatus.SHARED:
            page = response.content.decode()
            assert "Review report" in page and "Draft" not in page
        assert client_at(partnership_a, s.other_governor).get(f"/reviews/{s.review.pk}/report/").status_code == 404


def test_the_overdue_report_is_flagged(partnership_a, client_at, scope_of):
    s = review_scenario(partnership_a, status=ReviewStatus.DRAFT)
    with scope_of(partnership_a):
        s.review.report_due_on = datetime.date(2020, 3, 2)
        s.review.save()
    page = client_at(partnership_a, s.lead_reviewer).get(f"/reviews/{s.review.pk}/").content.decode()
    assert "The draft report is due by <strong>Monday 2 March 2020</strong>" in page and "Overdue" in page


CONFIRMATIONS = [
    ("send-draft", ReviewStatus.DRAFT, "lead_reviewer", "Send the draft to the school", "Yes, send the draft"),
    ("finalise", ReviewStatus.FACTUAL_ACCURACY, "coordinator", "Finalise the report", "Yes, finalise the report"),
    ("share-with-governors", ReviewStatus.FINAL, "head", "Share the final report with governors", "Yes, share it"),
]


@pytest.mark.parametrize("path,status,person,title,button", CONFIRMATIONS)
def test_an_irreversible_step_asks_first_and_a_get_changes_nothing(
    partnership_a, client_at, scope_of, path, status, person, title, button
):
    """Issue 12: the review page links to a confirmation page (GOV.UK pattern); only its button makes the step."""
    s = review_scenario(partnership_a, status=status)
    with scope_of(partnership_a):
        write_findings(s.review)
    client = client_at(partnership_a, getattr(s, person))
    page = client.get(f"/reviews/{s.review.pk}/{path}/").content.decode()
    assert f'<h1 class="govuk-heading-l">{title}</h1>' in page and button in page
    assert "You cannot" in page and f'action="/reviews/{s.review.pk}/{path}/"' in page
    with scope_of(partnership_a):
        s.review.refresh_from_db()
        assert s.review.status == status and not ReviewEvent.objects.exists()
    outsider = client_at(partnership_a, s.staff)
    assert outsider.get(f"/reviews/{s.review.pk}/{path}/").status_code == 404


def test_a_member_of_another_partnership_gets_404_for_the_confirmation_pages(
    partnership_a, partnership_b, client_at, scope_of
):
    from partnership.tenancy.roles import Role
    from tests.factories import member

    s = review_scenario(partnership_a, status=ReviewStatus.FINAL)
    other = member(partnership_b, Role.COORDINATOR)
    for path, *_ in CONFIRMATIONS:
        assert client_at(partnership_a, other).get(f"/reviews/{s.review.pk}/{path}/").status_code == 404


@pytest.mark.parametrize("status", [s.value for s in ReviewStatus])
def test_what_happens_next_is_never_empty_and_says_who(partnership_a, client_at, status):
    """Issue 12: at every stage the review page says what happens next and who does it."""
    s = review_scenario(partnership_a, status=status)
    page = client_at(partnership_a, s.head).get(f"/reviews/{s.review.pk}/").content.decode()
    what = page.split("<strong>What happens next:</strong>", 1)[1].split("</p>", 1)[0].strip()
    assert len(what) > 30, status
    assert any(who in what for who in ("headteacher", "lead reviewer", "coordinator", "review team", "Nothing more"))


def test_the_history_reads_in_words_with_date_proposals(partnership_a, client_at, scope_of):
    from reviews.models import VisitProposal
    from reviews.services import workflow

    s = review_scenario(partnership_a, status=ReviewStatus.DRAFT)
    with scope_of(partnership_a):
        VisitProposal.objects.create(
            partnership=partnership_a, review=s.review, days=[datetime.date(2027, 3, 24)], proposed_by=s.head
        )
        write_findings(s.review)
        workflow.review_submit_draft(review=s.review, actor=s.lead_reviewer)
    page = client_at(partnership_a, s.coordinator).get(f"/reviews/{s.review.pk}/").content.decode()
    history = page.split("Who did what, and when", 1)[1].split("</details>", 1)[0]
    assert "Draft sent to the school for its factual-accuracy check" in history
    assert "Visit dates proposed: Wednesday 24 March 2027" in history
    assert "factual_accuracy" not in history and "&rarr;" not in history
