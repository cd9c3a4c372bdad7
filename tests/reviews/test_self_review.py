"""The school's self-review: focus, lines of enquiry, SEF and SIP summaries, draft and sharing."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from reviews.models import FocusArea, ReviewEvent, ReviewStatus, SelfReview
from reviews.services.self_review import self_review_save
from tests.reviews.factories import CycleFactory, review_scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def s(partnership_a):
    return review_scenario(partnership_a, status=ReviewStatus.SCHEDULED)


def areas(s, count=2) -> list[FocusArea]:
    return list(FocusArea.objects.filter(cycle=s.review.cycle).order_by("position")[:count])


def save(s, share=False, **changes):
    values = {
        "review": s.review,
        "actor": s.head,
        "focus_area_ids": [a.pk for a in areas(s)],
        "lines_of_enquiry": ["How consistently is phonics taught in KS1?", ""],
        "self_evaluation_summary": "Strong early reading; maths is inconsistent.",
        "improvement_plan_summary": "Maths mastery across KS2.",
        "share": share,
    }
    values.update(changes)
    return self_review_save(**values)


def test_a_draft_is_saved_without_being_shared_then_sharing_is_recorded(s, scope_of):
    with scope_of(s.partnership):
        draft = save(s)
        assert draft.shared_at is None
        assert draft.lines_of_enquiry == "How consistently is phonics taught in KS1?"
        assert not ReviewEvent.objects.exists()
        shared = save(s, share=True, lines_of_enquiry=["  First question?  ", "Second question?"])
        assert shared.shared_at is not None
        assert shared.lines_of_enquiry == "First question?\nSecond question?"
        assert set(shared.focus_areas.all()) == set(areas(s))
        event = ReviewEvent.objects.get()
        assert (event.actor, event.note) == (s.head, "Self-review shared with the review team")
        # Saving again keeps the first sharing date and records no second event.
        again = save(s, share=True)
        assert again.shared_at == shared.shared_at
        assert ReviewEvent.objects.count() == 1
        assert SelfReview.objects.count() == 1


def test_sharing_needs_a_focus_a_line_of_enquiry_and_both_summaries(s, scope_of):
    with scope_of(s.partnership), pytest.raises(ValidationError) as caught:
        save(
            s,
            share=True,
            focus_area_ids=[],
            lines_of_enquiry=["", " "],
            self_evaluation_summary=" ",
            improvement_plan_summary="",
        )
    assert caught.value.message_dict == {
        "focus_areas": ["Choose at least one focus area before sharing the self-review."],
        "line_of_enquiry_1": ["Write at least one line of enquiry before sharing the self-review."],
        "self_evaluation_summary": ["Enter a summary of your self-evaluation before sharing."],
        "improvement_plan_summary": ["Enter a summary of your improvement plan before sharing."],
    }
    with scope_of(s.partnership):
        assert not SelfReview.objects.exists()
        # As a draft, an empty self-review is fine.
        assert save(s, focus_area_ids=[], lines_of_enquiry=[], self_evaluation_summary="").shared_at is None


def test_focus_areas_come_from_the_reviews_own_cycle_and_at_most_two_lines(s, scope_of):
    other_cycle = CycleFactory(partnership=s.partnership, focus_areas=["Reading"])
    with scope_of(s.partnership):
        foreign = FocusArea.objects.get(cycle=other_cycle)
        with pytest.raises(ValidationError, match="this cycle's list"):
            save(s, focus_area_ids=[foreign.pk])
        with pytest.raises(ValidationError, match="one or two lines of enquiry"):
            save(s, lines_of_enquiry=["One?", "Two?", "Three?"])
        assert not SelfReview.objects.exists()


def test_the_self_review_cannot_change_after_the_visit(s, scope_of):
    with scope_of(s.partnership):
        save(s)
        s.review.status = ReviewStatus.VISITED
        s.review.save()
        with pytest.raises(ValidationError, match="can no longer be changed"):
            save(s, self_evaluation_summary="Changed after the visit")
        assert SelfReview.objects.get().self_evaluation_summary == "Strong early reading; maths is inconsistent."


def test_the_page_saves_a_draft_and_keeps_typing_when_sharing_is_refused(s, client_at, scope_of):
    client = client_at(s.partnership, s.senior_leader)
    url = f"/reviews/{s.review.pk}/self-review/"
    with scope_of(s.partnership):
        first = areas(s, 1)[0]
    response = client.post(
        url,
        {
            "action": "share",
            "version": 0,
            "focus_areas": [first.pk],
            "line_of_enquiry_1": "How do we know pupils read widely?",
            "self_evaluation_summary": "Reading is a strength.",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter a summary of your improvement plan before sharing." in page
    assert "How do we know pupils read widely?" in page and "Reading is a strength." in page
    assert page.count("<title>Error: ") == 1
    response = client.post(
        url, {"action": "save", "version": 0, "focus_areas": [first.pk], "self_evaluation_summary": "Draft"}
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Saved as a draft. The review team sees it once you share it." in page
    with scope_of(s.partnership):
        assert SelfReview.objects.get().shared_at is None


def test_the_team_sees_the_self_review_only_once_shared(s, client_at, scope_of):
    with scope_of(s.partnership):
        save(s, self_evaluation_summary="Secret draft thoughts")
    url = f"/reviews/{s.review.pk}/self-review/"
    for person in ("reviewer", "lead_reviewer", "coordinator"):
        page = client_at(s.partnership, getattr(s, person)).get(url).content.decode()
        assert "Secret draft thoughts" not in page, person
        assert "has not shared its self-review" in page
        detail = client_at(s.partnership, getattr(s, person)).get(f"/reviews/{s.review.pk}/").content.decode()
        assert "Secret draft thoughts" not in detail and "How consistently is phonics" not in detail
    with scope_of(s.partnership):
        save(s, share=True, self_evaluation_summary="Shared thoughts")
    page = client_at(s.partnership, s.reviewer).get(url).content.decode()
    assert "Shared thoughts" in page and "How consistently is phonics taught in KS1?" in page
    assert "<textarea" not in page  # read only for the team
    assert client_at(s.partnership, s.reviewer).post(url, {"action": "save"}).status_code == 404


def test_the_due_date_is_shown_and_flagged_when_overdue(s, client_at, scope_of):
    with scope_of(s.partnership):
        s.review.self_review_due_on = datetime.date(2020, 1, 6)
        s.review.save()
    page = client_at(s.partnership, s.head).get(f"/reviews/{s.review.pk}/self-review/").content.decode()
    assert "Monday 6 January 2020" in page and "Overdue" in page
    with scope_of(s.partnership):
        save(s, share=True)
    page = client_at(s.partnership, s.head).get(f"/reviews/{s.review.pk}/self-review/").content.decode()
    assert "Overdue" not in page


def test_two_leaders_saving_at_once_never_overwrite_each_other_silently(s, client_at, scope_of):
    url = f"/reviews/{s.review.pk}/self-review/"
    head, deputy = client_at(s.partnership, s.head), client_at(s.partnership, s.senior_leader)
    # Both open the page before either saves (version 0), then the head saves first.
    assert (
        head.post(url, {"action": "save", "version": 0, "self_evaluation_summary": "Words of the head."}).status_code
        == 302
    )
    response = deputy.post(url, {"action": "save", "version": 0, "self_evaluation_summary": "Words of the deputy."})
    page = response.content.decode()
    assert response.status_code == 200
    assert "saved the self-review while you were editing it" in page
    assert "Words of the deputy." in page  # what the deputy typed is kept in the form
    assert "Words of the head." in page  # and what the head saved is shown beside it
    with scope_of(s.partnership):
        saved = SelfReview.objects.get()
        assert saved.self_evaluation_summary == "Words of the head."
        version = saved.version
    # Saving again against the version they were shown replaces it, on purpose.
    merged = deputy.post(url, {"action": "save", "version": version, "self_evaluation_summary": "Both of ours."})
    assert merged.status_code == 302
    with scope_of(s.partnership):
        assert SelfReview.objects.get().self_evaluation_summary == "Both of ours."


def test_a_stale_version_is_refused_by_the_service(s, scope_of):
    from reviews.services.concurrency import EditConflict

    with scope_of(s.partnership):
        save(s, version=0)
        with pytest.raises(EditConflict):
            save(s, version=0, self_evaluation_summary="Overwrite attempt")
        assert SelfReview.objects.get().self_evaluation_summary == "Strong early reading; maths is inconsistent."


def test_sharing_asks_first_with_the_answers_and_only_the_confirmation_shares(s, client_at, scope_of, partnership_b):
    """Issue 12: 'Save and share' saves a draft and shows the answers; only 'Yes, share it' shares."""
    from partnership.tenancy.roles import Role
    from tests.factories import member

    client = client_at(s.partnership, s.senior_leader)
    url = f"/reviews/{s.review.pk}/self-review/"
    with scope_of(s.partnership):
        first = areas(s, 1)[0]
    form = {
        "action": "share",
        "version": 0,
        "focus_areas": [first.pk],
        "line_of_enquiry_1": "How do we know pupils read widely?",
        "self_evaluation_summary": "Reading is a strength.",
        "improvement_plan_summary": "Writing across the curriculum.",
    }
    response = client.post(url, form)
    assert response.status_code == 302 and response["Location"] == f"{url}share/"
    with scope_of(s.partnership):
        assert SelfReview.objects.get().shared_at is None
    page = client.get(f"{url}share/").content.decode()
    assert "Check your self-review before you share it" in page and "Writing across the curriculum." in page
    for outsider in (s.staff, s.lead_reviewer):
        assert client_at(s.partnership, outsider).get(f"{url}share/").status_code == 404
    assert client_at(s.partnership, member(partnership_b, Role.HEADTEACHER)).get(f"{url}share/").status_code == 404
    assert client.post(f"{url}share/").status_code == 302
    with scope_of(s.partnership):
        assert SelfReview.objects.get().shared_at is not None
    # Once shared, the confirmation page only leads back.
    assert client.get(f"{url}share/")["Location"] == url
