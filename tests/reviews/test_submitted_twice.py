"""The same form sent twice (the browser's Back button, a double press) is recognised and does nothing the second
time (issue 12): one evidence note, one set of findings saved once, one date proposal."""

import datetime
import re

import pytest
from django.utils import timezone

from reviews.models import EvidenceNote, Finding, FocusArea, Notification, ReviewEvent, ReviewStatus, VisitProposal
from tests.reviews.factories import review_scenario
from tests.reviews.factories_scheduling import open_window, proposal_form, school_days

pytestmark = pytest.mark.django_db
TOKEN = re.compile(r'name="submission" value="([0-9a-f]{32})"')


def token_of(client, url) -> str:
    return TOKEN.search(client.get(url).content.decode()).group(1)


def test_an_evidence_note_sent_twice_is_saved_once(partnership_a, client_at, scope_of):
    s = review_scenario(partnership_a, status=ReviewStatus.VISITED)
    client = client_at(partnership_a, s.reviewer)
    url = f"/reviews/{s.review.pk}/evidence/add/"
    form = {"text": "Seen in Year 2", "activity": "", "version": "0", "submission": token_of(client, url)}
    first = client.post(url, form)
    second = client.post(url, form)
    with scope_of(partnership_a):
        note = EvidenceNote.objects.get()
    assert first.status_code == second.status_code == 302
    assert second["Location"].endswith(f"/evidence/#note-{note.pk}")
    page = client.get(second["Location"]).content.decode()
    assert "already saved; it has not been saved a second time" in page
    # A fresh form is a new note.
    client.post(url, {**form, "submission": token_of(client, url)})
    with scope_of(partnership_a):
        assert EvidenceNote.objects.count() == 2


def test_a_refused_note_can_be_corrected_and_sent_with_the_same_token(partnership_a, client_at, scope_of):
    s = review_scenario(partnership_a, status=ReviewStatus.VISITED)
    client = client_at(partnership_a, s.reviewer)
    url = f"/reviews/{s.review.pk}/evidence/add/"
    token = token_of(client, url)
    refused = client.post(url, {"text": " ", "activity": "", "version": "0", "submission": token})
    assert refused.status_code == 200 and "Enter the evidence you saw or heard." in refused.content.decode()
    assert (
        client.post(url, {"text": "Now typed", "activity": "", "version": "0", "submission": token}).status_code == 302
    )
    with scope_of(partnership_a):
        assert EvidenceNote.objects.get().text == "Now typed"


def test_findings_sent_twice_are_saved_once_and_do_not_undo_a_later_change(partnership_a, client_at, scope_of):
    s = review_scenario(partnership_a, status=ReviewStatus.VISITED)
    with scope_of(partnership_a):
        focus = FocusArea.objects.filter(cycle=s.review.cycle).order_by("position").first()
    url = f"/reviews/{s.review.pk}/findings/{focus.pk}/"
    lead = client_at(partnership_a, s.lead_reviewer)
    form = {
        "version": "0",
        "strengths": "Phonics is strong",
        "areas_for_development": "",
        "submission": token_of(lead, url),
    }
    assert lead.post(url, form).status_code == 302
    with scope_of(partnership_a):
        Finding.objects.filter(review=s.review).update(strengths="Changed since by the reviewer")
        events = ReviewEvent.objects.count()
    again = lead.post(url, form)
    assert again.status_code == 302
    assert "were already saved from this form" in lead.get(again["Location"]).content.decode()
    with scope_of(partnership_a):
        assert Finding.objects.get().strengths == "Changed since by the reviewer"
        assert ReviewEvent.objects.count() == events


def test_a_date_proposal_sent_twice_is_proposed_once(partnership_a, client_at, scope_of):
    s = review_scenario(partnership_a)
    today = timezone.localdate()
    open_window(s.review, today)
    days = school_days(today + datetime.timedelta(days=10), 2)
    client = client_at(partnership_a, s.head)
    url = f"/reviews/{s.review.pk}/visit-dates/"
    form = proposal_form(days[0], days[1], submission=token_of(client, url))
    assert client.post(url, form).status_code == 302
    with scope_of(partnership_a):
        told = Notification.objects.count()
    second = client.post(url, form)
    assert second.status_code == 302
    assert "already proposed from this form" in client.get(second["Location"]).content.decode()
    with scope_of(partnership_a):
        assert VisitProposal.objects.count() == 1
        assert Notification.objects.count() == told


def test_with_redis_away_the_note_is_saved_rather_than_refused(partnership_a, client_at, scope_of, monkeypatch):
    from redis.exceptions import ConnectionError as RedisDown

    from partnership.common import once

    class Away:
        def __getattr__(self, name):
            def down(*args, **kwargs):
                raise RedisDown("Redis is away")

            return down

    s = review_scenario(partnership_a, status=ReviewStatus.VISITED)
    client = client_at(partnership_a, s.reviewer)
    url = f"/reviews/{s.review.pk}/evidence/add/"
    form = {"text": "Seen in Year 2", "activity": "", "version": "0", "submission": token_of(client, url)}
    monkeypatch.setattr(once, "cache", Away())
    assert client.post(url, form).status_code == 302
    with scope_of(partnership_a):
        assert EvidenceNote.objects.count() == 1


# Every other form of the review's journey that creates something, sent twice --------------------------------------


def past_day() -> datetime.date:
    return school_days(timezone.localdate() - datetime.timedelta(days=14), 1)[0]


def sent_twice(client, url: str, form: dict | None = None, files: dict | None = None):
    """Post the form, then post exactly the same form again (with the same token): what the Back button and a
    double press do. Neither answer may be an error page."""
    first = client.post(url, {**(form or {}), **(files or {})})
    for upload_file in (files or {}).values():
        upload_file.seek(0)
    second = client.post(url, {**(form or {}), **(files or {})})
    assert first.status_code in (200, 302) and second.status_code == 302, (first.status_code, second.status_code)
    return first, client.get(second["Location"]).content.decode()


def counts(scope_of, partnership, *models) -> tuple[int, ...]:
    with scope_of(partnership):
        return tuple(model.objects.count() for model in models)


def test_a_self_review_saved_twice_is_saved_once_without_a_false_conflict(partnership_a, client_at, scope_of):
    from reviews.models import SelfReview

    s = review_scenario(partnership_a, status=ReviewStatus.SCHEDULED)
    client = client_at(partnership_a, s.head)
    url = f"/reviews/{s.review.pk}/self-review/"
    form = {"version": "0", "line_of_enquiry_1": "How well do pupils read?", "submission": token_of(client, url)}
    first, page = sent_twice(client, url, form)
    assert first.status_code == 302
    assert "already saved from this form" in page and "while you were editing" not in page
    with scope_of(partnership_a):
        assert SelfReview.objects.get().version == 1


def test_sharing_a_self_review_twice_shares_it_once(partnership_a, client_at, scope_of):
    from reviews.services.self_review import self_review_save

    s = review_scenario(partnership_a, status=ReviewStatus.SCHEDULED)
    with scope_of(partnership_a):
        self_review_save(
            review=s.review,
            actor=s.head,
            focus_area_ids=[FocusArea.objects.filter(cycle=s.review.cycle).first().pk],
            lines_of_enquiry=["How well do pupils read?"],
            self_evaluation_summary="S",
            improvement_plan_summary="P",
        )
    _, page = sent_twice(client_at(partnership_a, s.head), f"/reviews/{s.review.pk}/self-review/share/")
    assert "already shared with the review team" in page
    with scope_of(partnership_a):
        assert ReviewEvent.objects.filter(note="Self-review shared with the review team").count() == 1


def test_a_document_uploaded_twice_is_kept_once(partnership_a, client_at, scope_of, media_root):
    from reviews.models import Attachment
    from tests.reviews.factories_visit import pdf_bytes, upload

    s = review_scenario(partnership_a, status=ReviewStatus.SCHEDULED)
    client = client_at(partnership_a, s.head)
    url = f"/reviews/{s.review.pk}/documents/add/"
    form = {"kind": "sip", "submission": token_of(client, url)}
    _, page = sent_twice(client, url, form, {"file": upload("SIP.pdf", pdf_bytes())})
    assert "already uploaded from this form" in page
    assert counts(scope_of, partnership_a, Attachment) == (1,)


def test_an_activity_added_twice_is_in_the_programme_once(partnership_a, client_at, scope_of):
    from reviews.models import Activity
    from tests.reviews.factories import visit_on

    s = review_scenario(partnership_a, status=ReviewStatus.SCHEDULED)
    day = school_days(timezone.localdate() + datetime.timedelta(days=10), 1)[0]
    visit_on(s.review, day)
    client = client_at(partnership_a, s.lead_reviewer)
    url = f"/reviews/{s.review.pk}/programme/add/"
    form = {
        "kind": "lesson_visit",
        "date": day.isoformat(),
        "starts_at": "09:00",
        "ends_at": "09:45",
        "submission": token_of(client, url),
    }
    _, page = sent_twice(client, url, form)
    assert "already added to the programme" in page
    assert counts(scope_of, partnership_a, Activity) == (1,)


def test_a_note_edited_twice_is_saved_once_without_a_conflict_with_oneself(partnership_a, client_at, scope_of):
    from tests.reviews.factories_visit import add_note

    s = review_scenario(partnership_a, status=ReviewStatus.VISITED)
    with scope_of(partnership_a):
        note = add_note(s.review, s.reviewer)
    client = client_at(partnership_a, s.reviewer)
    url = f"/reviews/{s.review.pk}/evidence/{note.pk}/edit/"
    form = {"text": "Edited once", "activity": "", "version": "1", "submission": token_of(client, url)}
    _, page = sent_twice(client, url, form)
    assert "already saved; they have not been saved again" in page
    with scope_of(partnership_a):
        note.refresh_from_db()
    assert (note.text, note.version) == ("Edited once", 2)


def test_the_report_saved_twice_is_saved_once(partnership_a, client_at, scope_of):
    from reviews.models import ReportDraft

    s = review_scenario(partnership_a, status=ReviewStatus.VISITED)
    client = client_at(partnership_a, s.lead_reviewer)
    url = f"/reviews/{s.review.pk}/report/edit/"
    form = {"version": "0", "context": "A one-form entry school.", "submission": token_of(client, url)}
    _, page = sent_twice(client, url, form)
    assert "already saved from this form" in page and "while you were editing" not in page
    with scope_of(partnership_a):
        assert ReportDraft.objects.get().version == 1


def test_an_answer_to_proposed_dates_sent_twice_is_taken_once(partnership_a, client_at, scope_of):
    from reviews.services.scheduling import visit_dates_propose

    s = review_scenario(partnership_a)
    open_window(s.review, timezone.localdate())
    with scope_of(partnership_a):
        proposal = visit_dates_propose(
            review=s.review, actor=s.head, days=school_days(timezone.localdate() + datetime.timedelta(days=10), 1)
        )
        events = ReviewEvent.objects.count()
    url = f"/reviews/{s.review.pk}/visit-dates/{proposal.pk}/"
    _, page = sent_twice(client_at(partnership_a, s.lead_reviewer), url, {"response": "accept"})
    assert "accepted these dates" in page and "Nothing else was changed." in page
    with scope_of(partnership_a):
        assert ReviewEvent.objects.count() == events + 1  # scheduled, once


@pytest.mark.parametrize(
    ("status", "step", "who", "done"),
    [
        (ReviewStatus.SCHEDULED, "mark-visited", "reviewer", "The visit is already marked as done."),
        (ReviewStatus.DRAFT, "send-draft", "lead_reviewer", "The draft was already sent to the school"),
        (ReviewStatus.FACTUAL_ACCURACY, "finalise", "coordinator", "The report is already final."),
        (ReviewStatus.FINAL, "share-with-governors", "head", "already shared with the school&#x27;s governors"),
    ],
)
def test_a_workflow_step_pressed_twice_is_taken_once_and_says_so(
    partnership_a, client_at, scope_of, status, step, who, done
):
    from tests.reviews.factories import visit_on, write_findings

    s = review_scenario(partnership_a, status=status)
    visit_on(s.review, past_day())
    write_findings(s.review)
    with scope_of(partnership_a):
        s.review.factual_accuracy_due_on = past_day()
        s.review.save()
    told = counts(scope_of, partnership_a, Notification)
    _, page = sent_twice(client_at(partnership_a, getattr(s, who)), f"/reviews/{s.review.pk}/{step}/")
    assert done in page
    with scope_of(partnership_a):
        assert ReviewEvent.objects.count() == 1
    if step == "share-with-governors":
        assert counts(scope_of, partnership_a, Notification)[0] == told[0] + 1  # the one governor, told once


def test_a_factual_accuracy_reply_sent_twice_is_recorded_once(partnership_a, client_at, scope_of):
    from tests.reviews.factories import write_findings

    s = review_scenario(partnership_a, status=ReviewStatus.FACTUAL_ACCURACY)
    write_findings(s.review)
    client = client_at(partnership_a, s.head)
    url = f"/reviews/{s.review.pk}/factual-accuracy/"
    form = {"corrections": "none", "school_response": "We welcome it.", "submission": token_of(client, url)}
    _, page = sent_twice(client, url, form)
    assert "already sent from this form" in page
    with scope_of(partnership_a):
        assert ReviewEvent.objects.count() == 1
