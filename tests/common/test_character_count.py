"""Long text fields show how many characters are left (the GOV.UK character count, issue 12): the limit in words
without JavaScript, the box described by it, no hard maxlength that would cut a paste short silently, and the
limit enforced by the server with a message that keeps the text."""

import re

import pytest
from django import forms

from reviews.models import EvidenceNote, ReviewStatus
from tests.reviews.factories import review_scenario


class NoteForm(forms.Form):
    note = forms.CharField(label="Note", max_length=200, widget=forms.Textarea, help_text="What you saw.")
    title = forms.CharField(label="Title", max_length=80)
    free = forms.CharField(label="Free text", widget=forms.Textarea)


def test_a_textarea_with_a_limit_gets_the_character_count():
    html = str(NoteForm()["note"].as_field_group())
    assert '<div class="govuk-character-count" data-module="govuk-character-count" data-maxlength="200">' in html
    assert (
        '<div id="id_note_info" class="govuk-hint govuk-character-count__message">You can enter up to 200 characters'
        in html
    )
    box = re.search(r"<textarea[^>]*>", html).group(0)
    assert 'aria-describedby="id_note_helptext id_note_info"' in box
    assert "maxlength" not in box


def test_only_long_texts_with_a_limit_get_one():
    form = NoteForm()
    assert "character-count" not in str(form["title"].as_field_group())  # a one-line input keeps its maxlength
    assert 'maxlength="80"' in str(form["title"].as_field_group())
    assert "character-count" not in str(form["free"].as_field_group())


@pytest.mark.django_db
def test_an_evidence_note_over_the_limit_is_refused_and_kept(partnership_a, client_at, scope_of):
    s = review_scenario(partnership_a, status=ReviewStatus.VISITED)
    client = client_at(partnership_a, s.reviewer)
    url = f"/reviews/{s.review.pk}/evidence/add/"
    assert "You can enter up to 10,000 characters" in client.get(url).content.decode()
    text = "x" * 10_001
    page = client.post(url, {"text": text, "activity": "", "version": "0"}).content.decode()
    assert '<a href="#id_text">Keep this to 10,000 characters or fewer (it has 10001).</a>' in page
    assert text in page
    with scope_of(partnership_a):
        assert not EvidenceNote.objects.exists()
