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
