"""Evidence notes: recorded per activity, tagged to focus areas, and never silently overwritten."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.html import escape

from partnership.tenancy.scoping import partnership_scope
from reviews.models import EvidenceNote, FocusArea, ReviewStatus
from reviews.services.concurrency import EditConflict
from reviews.services.evidence import evidence_note_create, evidence_note_update
from tests.reviews.factories import review_scenario, visit_on
from tests.reviews.factories_visit import add_activity, add_note

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def s(partnership_a, scope_of):
    s = review_scenario(partnership_a, status=ReviewStatus.SCHEDULED)
    with scope_of(partnership_a):
        visit_on(s.review, D(2027, 3, 24))
    return s


def focus(s, index=0) -> FocusArea:
    with partnership_scope(s.partnership):
        return FocusArea.objects.filter(cycle=s.review.cycle).order_by("position")[index]


def test_a_note_is_recorded_for_an_activity_and_tagged_to_focus_areas(s, scope_of):
    with scope_of(s.partnership):
        walk = add_activity(s.review, D(2027, 3, 24))
        note = evidence_note_create(
            review=s.review,
            actor=s.reviewer,
            text="  Pupils in Year 3 used talk partners well.  ",
            activity_id=walk.pk,
            focus_area_ids=[focus(s).pk, focus(s, 1).pk],
        )
        assert (note.text, note.activity, note.author, note.version) == (
            "Pupils in Year 3 used talk partners well.",
            walk,
            s.reviewer,
            1,
        )
        assert note.focus_areas.count() == 2


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"text": "   "}, "text", "Enter the evidence you saw or heard."),
        ({"text": "x" * 10_001}, "text", "Keep a note to 10,000 characters or fewer: split it into two notes."),
        ({"activity_id": 999_999}, "activity", "Choose an activity of this visit's programme, or 'General'."),
        ({"focus_area_ids": [999_999]}, "focus_areas", "Choose focus areas from this cycle's list."),
    ],
)
def test_bad_notes_are_refused(s, scope_of, changes, field, message):
    values = {"text": "Evidence", "activity_id": None, "focus_area_ids": []} | changes
    with scope_of(s.partnership), pytest.raises(ValidationError) as caught:
        evidence_note_create(review=s.review, actor=s.reviewer, **values)
    assert caught.value.message_dict[field] == [message]


def test_evidence_is_recorded_only_from_scheduling_until_the_draft_is_sent(partnership_a, scope_of):
    for status, allowed in [
        (ReviewStatus.GROUPED, False),
        (ReviewStatus.SCHEDULED, True),
        (ReviewStatus.VISITED, True),
        (ReviewStatus.DRAFT, True),
        (ReviewStatus.FACTUAL_ACCURACY, False),
        (ReviewStatus.SHARED, False),
    ]:
        s = review_scenario(partnership_a, status=status)
        with scope_of(partnership_a):
            if allowed:
                evidence_note_create(
                    review=s.review, actor=s.reviewer, text="Seen", activity_id=None, focus_area_ids=[]
                )
            else:
                with pytest.raises(ValidationError, match="Evidence can be recorded"):
                    evidence_note_create(
                        review=s.review, actor=s.reviewer, text="Seen", activity_id=None, focus_area_ids=[]
                    )


def test_a_second_save_from_an_old_version_is_told_and_overwrites_nothing(s, scope_of):
    with scope_of(s.partnership):
        note = add_note(s.review, s.lead_reviewer, text="Original")
        first = evidence_note_update(
            note=note, actor=s.lead_reviewer, version=1, text="Lead's correction", activity_id=None, focus_area_ids=[]
        )
        assert first.version == 2
        with pytest.raises(EditConflict) as caught:
            evidence_note_update(
                note=note,
                actor=s.reviewer,
                version=1,
                text="Reviewer's addition",
                activity_id=None,
                focus_area_ids=[focus(s).pk],
            )
        assert caught.value.current.text == "Lead's correction"
        assert caught.value.current.updated_by == s.lead_reviewer
        stored = EvidenceNote.objects.get(pk=note.pk)
        assert (stored.text, stored.version, stored.focus_areas.count()) == ("Lead's correction", 2, 0)
        # Having merged, the reviewer saves against the version they were shown.
        merged = evidence_note_update(
            note=note,
            actor=s.reviewer,
            version=2,
            text="Lead's correction. Reviewer's addition.",
            activity_id=None,
            focus_area_ids=[focus(s).pk],
        )
        assert merged.version == 3 and merged.updated_by == s.reviewer


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_saving_at_the_same_moment_one_wins_and_the_other_is_told(partnership_a, scope_of):
    """Two real database connections save the same note from version 1 at once: PostgreSQL lets exactly one
    conditional UPDATE through; the other gets the conflict with the winner's text."""
    s = review_scenario(partnership_a, status=ReviewStatus.VISITED)
    with scope_of(partnership_a):
        note = add_note(s.review, s.lead_reviewer, text="Original")
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def save(person, text):
        try:
            with scope_of(partnership_a):
                barrier.wait(timeout=10)
                evidence_note_update(
                    note=EvidenceNote.objects.get(pk=note.pk),
                    actor=person,
                    version=1,
                    text=text,
                    activity_id=None,
                    focus_area_ids=[],
                )
            outcomes[text] = "saved"
        except EditConflict as conflict:
            outcomes[text] = f"conflict: saw '{conflict.current.text}'"
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save, args=(s.lead_reviewer, "From the lead")),
        threading.Thread(target=save, args=(s.reviewer, "From the reviewer")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes.values())[1] == "saved"
    winner = next(text for text, outcome in outcomes.items() if outcome == "saved")
    loser = next(text for text, outcome in outcomes.items() if outcome != "saved")
    assert outcomes[loser] == f"conflict: saw '{winner}'"
    with scope_of(partnership_a):
        stored = EvidenceNote.objects.get(pk=note.pk)
    assert (stored.text, stored.version) == (winner, 2)


def test_the_edit_page_tells_the_second_person_shows_theirs_and_keeps_what_they_typed(s, client_at, scope_of):
    with scope_of(s.partnership):
        note = add_note(s.review, s.lead_reviewer, text="Original note")
    url = f"/reviews/{s.review.pk}/evidence/{note.pk}/edit/"
    lead, reviewer = client_at(s.partnership, s.lead_reviewer), client_at(s.partnership, s.reviewer)
    assert 'name="version" value="1"' in lead.get(url).content.decode()
    assert 'name="version" value="1"' in reviewer.get(url).content.decode()

    assert lead.post(url, {"version": "1", "text": "The lead's saved text", "activity": ""}).status_code == 302
    response = reviewer.post(url, {"version": "1", "text": "What the reviewer typed on the tablet", "activity": ""})
    page = response.content.decode()
    assert response.status_code == 200
    assert "saved this note while you were editing it" in page
    assert escape(s.lead_reviewer) in page
    assert "The lead&#x27;s saved text" in page  # theirs, shown
    assert "What the reviewer typed on the tablet</textarea>" in page  # mine, kept in the form
    assert 'name="version" value="2"' in page  # the next save is against the version shown
    assert page.count("<title>Error: ") == 1
    with scope_of(s.partnership):
        assert EvidenceNote.objects.get(pk=note.pk).text == "The lead's saved text"

    merged = "The lead's saved text. What the reviewer typed on the tablet"
    assert reviewer.post(url, {"version": "2", "text": merged, "activity": ""}).status_code == 302
    with scope_of(s.partnership):
        assert EvidenceNote.objects.get(pk=note.pk).text == merged


def test_a_note_deleted_while_someone_edits_it_is_offered_back_as_a_new_note(s, client_at, scope_of, monkeypatch):
    with scope_of(s.partnership):
        note = add_note(s.review, s.lead_reviewer, text="Original note")

    def deleted_meanwhile(**kwargs):
        EvidenceNote.objects.filter(pk=note.pk).delete()
        raise EditConflict(None)

    monkeypatch.setattr("reviews.views.visits.evidence_note_update", deleted_meanwhile)
    url = f"/reviews/{s.review.pk}/evidence/{note.pk}/edit/"
    response = client_at(s.partnership, s.reviewer).post(url, {"version": "1", "text": "Typed here", "activity": ""})
    page = response.content.decode()
    assert "Someone deleted this note while you were editing it" in page
    assert "Typed here</textarea>" in page
    assert f'action="/reviews/{s.review.pk}/evidence/add/"' in page
    response = client_at(s.partnership, s.reviewer).post(
        f"/reviews/{s.review.pk}/evidence/add/", {"version": "0", "text": "Typed here", "activity": ""}
    )
    assert response.status_code == 302
    with scope_of(s.partnership):
        assert list(EvidenceNote.objects.values_list("text", flat=True)) == ["Typed here"]


def test_deleting_a_note_someone_has_just_changed_asks_to_read_it_again(s, client_at, scope_of):
    with scope_of(s.partnership):
        note = add_note(s.review, s.lead_reviewer, text="Original note")
        evidence_note_update(
            note=note, actor=s.lead_reviewer, version=1, text="Changed", activity_id=None, focus_area_ids=[]
        )
    response = client_at(s.partnership, s.reviewer).post(
        f"/reviews/{s.review.pk}/evidence/{note.pk}/delete/", {"version": "1"}
    )
    page = response.content.decode()
    assert "changed this note after you opened it" in page and "Changed" in page and 'value="2"' in page
    with scope_of(s.partnership):
        assert EvidenceNote.objects.filter(pk=note.pk).exists()
    response = client_at(s.partnership, s.reviewer).post(
        f"/reviews/{s.review.pk}/evidence/{note.pk}/delete/", {"version": "2"}
    )
    assert response.status_code == 302
    with scope_of(s.partnership):
        assert not EvidenceNote.objects.filter(pk=note.pk).exists()


def test_the_list_groups_by_activity_filters_by_focus_area_and_reminds_not_to_name_pupils(s, client_at, scope_of):
    with scope_of(s.partnership):
        late = add_activity(s.review, D(2027, 3, 24), "14:00", "15:00", kind="pupil_voice")
        early = add_activity(s.review, D(2027, 3, 24), "09:00", "10:00", kind="book_look")
        add_note(s.review, s.reviewer, text="General impression of calm corridors", focus_areas=[focus(s, 1)])
        add_note(s.review, s.reviewer, text="Pupils could explain their targets", activity=late, focus_areas=[focus(s)])
        add_note(s.review, s.lead_reviewer, text="Books show progress in writing", activity=early)
    client = client_at(s.partnership, s.head)  # the school's leaders read the evidence too
    page = client.get(f"/reviews/{s.review.pk}/evidence/").content.decode()
    assert "Do not name pupils" in page
    order = [
        page.index(t)
        for t in (
            "Book look",
            "Books show progress",
            "Pupil voice",
            "Pupils could explain",
            "General notes",
            "General impression",
        )
    ]
    assert order == sorted(order)
    assert "Add an evidence note" not in page  # the school reads, the team writes
    filtered = client.get(f"/reviews/{s.review.pk}/evidence/?focus_area={focus(s).pk}").content.decode()
    assert "Pupils could explain" in filtered
    assert "General impression" not in filtered and "Books show progress" not in filtered
    assert f"1 note tagged to {focus(s).name}" in filtered


def test_the_add_page_preselects_the_activity_and_shows_the_hint(s, client_at, scope_of):
    with scope_of(s.partnership):
        walk = add_activity(s.review, D(2027, 3, 24))
    client = client_at(s.partnership, s.reviewer)
    page = client.get(f"/reviews/{s.review.pk}/evidence/add/?activity={walk.pk}").content.decode()
    assert f'<option value="{walk.pk}" selected>' in page
    assert "Do not name pupils" in page
    response = client.post(
        f"/reviews/{s.review.pk}/evidence/add/", {"activity": str(walk.pk), "text": " ", "version": "0"}
    )
    assert "Enter the evidence you saw or heard." in response.content.decode()
    response = client.post(
        f"/reviews/{s.review.pk}/evidence/add/",
        {"activity": str(walk.pk), "text": "Seen in Year 2", "focus_areas": [focus(s).pk], "version": "0"},
    )
    assert response.status_code == 302
    with scope_of(s.partnership):
        note = EvidenceNote.objects.get()
    assert response["Location"].endswith(f"/evidence/#note-{note.pk}")
