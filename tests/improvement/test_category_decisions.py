"""A school's category confirmed by the board's decision (issue 16: "a decision of the governance issue where it
exists, otherwise a recorded confirmation"): only a decision the board carried, recorded in approved minutes, of
this partnership; cited and linked in the category's history; refused with a clear message otherwise."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from improvement.models import SchoolCategory
from improvement.services.categories import school_category_confirm, school_category_propose
from partnership.governance.models import AgendaItem, Body, Decision, Meeting, Minutes
from partnership.tenancy.scoping import partnership_scope
from tests.reviews.factories_reports import reported_scenario

from .test_categories import framework

pytestmark = pytest.mark.django_db


def board_decision(partnership, *, motion="Brookside moves to Effective", carried=True, approved=True) -> Decision:
    """A decision of the School Improvement Board at a meeting a month ago; its minutes approved at a later
    meeting, or still a draft."""
    now = timezone.now()
    with partnership_scope(partnership):
        body, _ = Body.objects.get_or_create(
            partnership=partnership, name="School Improvement Board", defaults={"quorum_number": 2}
        )
        held, later = (
            Meeting.objects.create(
                partnership=partnership,
                body=body,
                starts_at=now - datetime.timedelta(days=days),
                place="Room 1",
                status=Meeting.Status.PUBLISHED,
                published_at=now - datetime.timedelta(days=days + 10),
            )
            for days in (30, 2)
        )
        item = AgendaItem.objects.create(partnership=partnership, meeting=held, number=4, title="Categories")
        votes = (3, 0) if carried else (0, 3)
        decision = Decision.objects.create(
            partnership=partnership,
            item=item,
            motion=motion,
            votes_for=votes[0],
            votes_against=votes[1],
            abstentions=0,
            carried=carried,
            voting_present=3,
            quorum_required=2,
        )
        Minutes.objects.create(
            partnership=partnership,
            meeting=held,
            approved_at=now if approved else None,
            approved_at_meeting=later if approved else None,
        )
    return decision


def proposed(s, category):
    with partnership_scope(s.partnership):
        return school_category_propose(school=s.reviewed_school, category=category, notes="Writing fell.", actor=None)


def test_a_carried_decision_in_approved_minutes_confirms_the_category_and_is_cited(partnership_a, scope_of):
    s = reported_scenario(partnership_a)
    _, effective, _ = framework(partnership_a)
    proposal = proposed(s, effective)
    decision = board_decision(partnership_a)
    with scope_of(partnership_a):
        confirmed = school_category_confirm(proposal=proposal, decision_id=decision.pk, actor=s.coordinator)
    assert confirmed.is_current and confirmed.decision_id == decision.pk
    assert confirmed.confirmation.startswith("School Improvement Board, ")
    assert "item 4 (Categories): Brookside moves to Effective" in confirmed.confirmation


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("another partnership's", "not a decision of this partnership"),
        ("in draft minutes", "minutes recording that decision are not approved"),
        ("not carried", "not carried"),
        ("no such", "not a decision of this partnership"),
    ],
)
def test_a_decision_that_cannot_confirm_is_refused_and_nothing_changes(
    partnership_a, partnership_b, scope_of, kind, message
):
    s = reported_scenario(partnership_a)
    _, effective, _ = framework(partnership_a)
    proposal = proposed(s, effective)
    if kind == "another partnership's":
        decision_id = board_decision(partnership_b).pk
    elif kind == "in draft minutes":
        decision_id = board_decision(partnership_a, approved=False).pk
    elif kind == "not carried":
        decision_id = board_decision(partnership_a, carried=False).pk
    else:
        decision_id = 10**9
    with scope_of(partnership_a):
        with pytest.raises(ValidationError, match=message):
            school_category_confirm(proposal=proposal, decision_id=decision_id, actor=s.coordinator)
        row = SchoolCategory.objects.get(pk=proposal.pk)
    assert row.confirmed_at is None and row.decision_id is None and not row.is_current


def test_the_coordinator_chooses_the_decision_and_the_history_links_to_the_minutes(
    partnership_a, partnership_b, client_at, scope_of
):
    s = reported_scenario(partnership_a)
    _, effective, _ = framework(partnership_a)
    proposal = proposed(s, effective)
    decision = board_decision(partnership_a)
    draft = board_decision(partnership_a, motion="canary-draft-motion", approved=False)
    theirs = board_decision(partnership_b, motion="canary-their-motion")
    client = client_at(partnership_a, s.coordinator)
    confirm = reverse("improvement_category_confirm", args=[proposal.pk])
    page = client.get(confirm).content.decode()
    assert "Brookside moves to Effective" in page
    assert "canary-draft-motion" not in page and "canary-their-motion" not in page  # only settled decisions offered
    for refused, message in ((theirs, "not a decision of this partnership"), (draft, "not approved yet")):
        answer = client.post(confirm, {"decision": str(refused.pk), "confirmation": ""})
        assert answer.status_code == 200 and message in answer.content.decode()
    assert "Choose a decision from the list" in client.post(confirm, {"decision": "x"}).content.decode()
    with scope_of(partnership_a):
        assert SchoolCategory.objects.get(pk=proposal.pk).confirmed_at is None
    assert client.post(confirm, {"decision": str(decision.pk), "confirmation": ""}).status_code == 302
    assert client.post(confirm, {"decision": str(decision.pk), "confirmation": ""}).status_code == 302  # again: once
    history = client.get(reverse("improvement_school_category", args=[s.reviewed_school.pk])).content.decode()
    minutes = reverse("governance_minutes", args=[decision.item.meeting_id])
    assert "by the board's decision" in history and f'href="{minutes}#item-{decision.item_id}"' in history
    # The head sees their school's category and the decision cited, not a link to the board's minutes.
    school_page = reverse("improvement_school_category", args=[s.reviewed_school.pk])
    head_page = client_at(partnership_a, s.head).get(school_page).content.decode()
    assert "Brookside moves to Effective" in head_page and minutes not in head_page


def test_a_recorded_confirmation_still_confirms_without_a_decision(partnership_a, scope_of):
    s = reported_scenario(partnership_a)
    _, effective, _ = framework(partnership_a)
    proposal = proposed(s, effective)
    with scope_of(partnership_a):
        with pytest.raises(ValidationError, match="Choose the board's decision, or record who confirmed"):
            school_category_confirm(proposal=proposal, confirmation=" ", actor=None)
        confirmed = school_category_confirm(proposal=proposal, confirmation="Board, 4 May, item 2", actor=None)
    assert confirmed.decision_id is None and confirmed.confirmation == "Board, 4 May, item 2"


def test_the_database_keeps_the_decision_once_confirmed(partnership_a, scope_of):
    from django.db import DatabaseError, transaction

    s = reported_scenario(partnership_a)
    _, effective, _ = framework(partnership_a)
    proposal = proposed(s, effective)
    decision = board_decision(partnership_a)
    other = board_decision(partnership_a, motion="Another")
    with scope_of(partnership_a):
        school_category_confirm(proposal=proposal, decision_id=decision.pk, actor=None)
        with pytest.raises(DatabaseError, match="confirmed once"), transaction.atomic():
            SchoolCategory.objects.filter(pk=proposal.pk).update(decision=other)
