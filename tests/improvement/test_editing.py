"""Impact visits, support agreements and visit notes are corrected while they are open: by whoever recorded them
and the coordinators, not once the support is evaluated (or withdrawn) nor once the impact visit's report reaches
the governors; what they said before is kept; bad input changes nothing; a second submit records nothing more."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from improvement.models import ActionProgress, ImpactVisit, SupportAgreement, SupportChange, SupportVisit
from improvement.services.after_review import impact_visit_record, impact_visit_update
from improvement.services.support import (
    support_agreement_update,
    support_evaluate,
    support_visit_add,
    support_visit_update,
    support_withdraw,
)
from partnership.tenancy.scoping import partnership_scope
from reviews.models import Review, ReviewEvent
from tests.reviews.factories import PEOPLE_IN_A_SCENARIO

from .factories import plan_scenario
from .test_support import PEOPLE, TODAY, agree, support_scenario

pytestmark = pytest.mark.django_db


# -- Support: the agreement and the visit notes ---------------------------------------------------------------


def agreed_with_a_visit(partnership):
    s = support_scenario(partnership)
    with partnership_scope(partnership):
        s.agreement = agree(s)
        s.visit = support_visit_add(
            agreement=s.agreement, visited_on=TODAY - datetime.timedelta(days=3), notes="First notes", actor=s.leader
        )
    return s


def change_agreement(s, **changes):
    fields = {
        "aims": s.agreement.aims,
        "days": s.agreement.days,
        "starts_on": s.agreement.starts_on,
        "ends_on": s.agreement.ends_on,
        "cost": s.agreement.cost,
    }
    return support_agreement_update(agreement=s.agreement, actor=s.coordinator, **{**fields, **changes})


def test_the_agreement_changes_within_the_leaders_capacity_and_keeps_what_it_said(partnership_a, scope_of):
    s = agreed_with_a_visit(partnership_a)  # 3 of the leader's 6 days agreed
    with scope_of(partnership_a):
        with pytest.raises(ValidationError, match="has 3 more days left this term: agree 6 days at most"):
            change_agreement(s, days=7)
        with pytest.raises(ValidationError, match="cannot start after it"):
            change_agreement(s, starts_on=TODAY)
        with pytest.raises(ValidationError, match="ends on or after"):
            change_agreement(s, ends_on=s.agreement.starts_on - datetime.timedelta(days=1))
        assert SupportAgreement.objects.get().days == 3 and not SupportChange.objects.exists()
        change_agreement(s, days=6, cost=Decimal("600"))
        change_agreement(s, days=6, cost=Decimal("600"))  # the same again (a second submit): nothing more recorded
        agreement = SupportAgreement.objects.get()
        assert (agreement.days, agreement.cost) == (6, Decimal("600"))
        assert list(SupportChange.objects.values_list("before", flat=True)) == ["Days: 3. Cost: £300.00."]


def test_visit_notes_are_corrected_and_their_first_version_kept(partnership_a, scope_of):
    s = agreed_with_a_visit(partnership_a)
    with scope_of(partnership_a):
        with pytest.raises(ValidationError, match="once it has happened"):
            support_visit_update(visit=s.visit, visited_on=TODAY + datetime.timedelta(days=1), notes="x", actor=None)
        with pytest.raises(ValidationError, match="Enter the notes"):
            support_visit_update(visit=s.visit, visited_on=s.visit.visited_on, notes="  ", actor=None)
        support_visit_update(visit=s.visit, visited_on=s.visit.visited_on, notes="Corrected notes", actor=s.leader)
        assert SupportVisit.objects.get().notes == "Corrected notes"
        change = SupportChange.objects.get()
        assert change.visit_id == s.visit.pk and change.before == "Notes: First notes."


@pytest.mark.parametrize("end", ["evaluated", "withdrawn"])
def test_nothing_changes_once_the_support_is_evaluated_or_withdrawn(partnership_a, scope_of, end):
    s = agreed_with_a_visit(partnership_a)
    with scope_of(partnership_a):
        if end == "evaluated":
            support_evaluate(agreement=s.agreement, evaluated_on=TODAY, impact="met", summary="Done", actor=None)
        else:
            support_withdraw(request=s.request)
        with pytest.raises(ValidationError, match=f"The support is {end}"):
            change_agreement(s, days=4)
        with pytest.raises(ValidationError, match=f"The support is {end}"):
            support_visit_update(visit=s.visit, visited_on=s.visit.visited_on, notes="Later", actor=None)
        assert SupportAgreement.objects.get().days == 3 and SupportVisit.objects.get().notes == "First notes"
        assert not SupportChange.objects.exists()


EDIT_AGREEMENT = {"coordinator"}
EDIT_VISIT = {"coordinator", "leader"}  # the leader wrote the notes


@pytest.mark.parametrize("person", PEOPLE)
def test_who_may_change_the_agreement_and_the_visit_notes(partnership_a, client_at, scope_of, person):
    s = agreed_with_a_visit(partnership_a)
    client = client_at(partnership_a, getattr(s, person))
    agreement_page = reverse("improvement_support_agreement_edit", args=[s.request.pk])
    visit_page = reverse("improvement_support_visit_edit", args=[s.request.pk, s.visit.pk])
    assert client.get(agreement_page).status_code == (200 if person in EDIT_AGREEMENT else 404)
    assert client.get(visit_page).status_code == (200 if person in EDIT_VISIT else 404)
    detail = client.get(reverse("improvement_support", args=[s.request.pk]))
    if detail.status_code == 200:
        assert (agreement_page in detail.content.decode()) == (person in EDIT_AGREEMENT)
        assert (visit_page in detail.content.decode()) == (person in EDIT_VISIT)
    with scope_of(partnership_a):
        support_evaluate(agreement=s.agreement, evaluated_on=TODAY, impact="met", summary="Done", actor=None)
    assert client.get(agreement_page).status_code == 404 and client.get(visit_page).status_code == 404


def test_the_pages_change_the_agreement_and_notes_once_and_show_the_changes(partnership_a, client_at, scope_of):
    s = agreed_with_a_visit(partnership_a)
    client = client_at(partnership_a, s.coordinator)
    page = reverse("improvement_support_agreement_edit", args=[s.request.pk])
    fields = {
        "aims": "Phonics and early reading",
        "days": "4",
        "starts_on": s.agreement.starts_on.isoformat(),
        "ends_on": s.agreement.ends_on.isoformat(),
        "cost": "300.00",
    }
    refused = client.post(page, {**fields, "days": "9"})
    assert refused.status_code == 200 and "agree 6 days at most" in refused.content.decode()
    assert client.post(page, fields).status_code == 302
    assert client.post(page, fields).status_code == 302  # sent twice
    visit_page = reverse("improvement_support_visit_edit", args=[s.request.pk, s.visit.pk])
    day = s.visit.visited_on
    visit_fields = {"visited_on": day.isoformat()}
    assert client.post(visit_page, {**visit_fields, "notes": "Better notes"}).status_code == 302
    with scope_of(partnership_a):
        assert SupportAgreement.objects.get().days == 4 and SupportChange.objects.count() == 2
    detail = client.get(reverse("improvement_support", args=[s.request.pk])).content.decode()
    assert "Aims: Phonics. Days: 3." in detail and "Notes: First notes." in detail


def test_another_partnerships_people_cannot_reach_the_edit_pages(partnership_a, partnership_b, client_at):
    s = agreed_with_a_visit(partnership_a)
    theirs = support_scenario(partnership_b)
    for path in (
        reverse("improvement_support_agreement_edit", args=[s.request.pk]),
        reverse("improvement_support_visit_edit", args=[s.request.pk, s.visit.pk]),
    ):
        assert client_at(partnership_a, theirs.coordinator).get(path).status_code == 404
        assert client_at(partnership_b, theirs.coordinator).get(path).status_code == 404


# -- The impact visit ------------------------------------------------------------------------------------------


def visited(partnership, status="final"):
    s = plan_scenario(partnership, status=status)
    first, second = s.actions
    with partnership_scope(partnership):
        s.visit = impact_visit_record(
            plan=s.plan,
            visited_on=timezone.localdate(),
            summary="First summary",
            progress={first.pk: ("some", ""), second.pk: ("good", "")},
            actor=s.champion,
        )
    return s


def test_the_impact_visit_is_corrected_and_the_review_keeps_both_versions(partnership_a, scope_of):
    s = visited(partnership_a)
    first, second = s.actions
    progress = {first.pk: ("achieved", "Seen in books"), second.pk: ("good", "")}
    with scope_of(partnership_a):
        with pytest.raises(ValidationError, match="Choose the progress"):
            impact_visit_update(
                visit=s.visit,
                visited_on=s.visit.visited_on,
                summary="x",
                progress={first.pk: ("achieved", "")},
                actor=None,
            )
        with pytest.raises(ValidationError, match="before it has happened"):
            impact_visit_update(
                visit=s.visit,
                visited_on=timezone.localdate() + datetime.timedelta(days=1),
                summary="x",
                progress=progress,
                actor=None,
            )
        assert ImpactVisit.objects.get().summary == "First summary"
        for _ in range(2):  # a second submit of the same correction records nothing more
            impact_visit_update(
                visit=s.visit, visited_on=s.visit.visited_on, summary="Corrected", progress=progress, actor=s.champion
            )
        assert ImpactVisit.objects.get().summary == "Corrected"
        assert ActionProgress.objects.get(action=first).progress == "achieved"
        notes = list(ReviewEvent.objects.filter(review=s.review, note__startswith="Impact visit").values_list("note"))
        assert len(notes) == 2 and "First summary" in notes[0][0] and "corrected: Corrected" in notes[1][0]


def test_the_impact_visit_is_closed_once_the_governors_read_it(partnership_a, scope_of):
    s = visited(partnership_a)
    first, second = s.actions
    with scope_of(partnership_a):
        Review.objects.filter(pk=s.review.pk).update(status="shared")
        with pytest.raises(ValidationError, match="shared with the governors"):
            impact_visit_update(
                visit=s.visit,
                visited_on=s.visit.visited_on,
                summary="Later",
                progress={first.pk: ("good", ""), second.pk: ("good", "")},
                actor=None,
            )
        assert ImpactVisit.objects.get().summary == "First summary"


CORRECT_VISIT = {"coordinator", "champion"}  # the champion recorded it


@pytest.mark.parametrize("person", [*PEOPLE_IN_A_SCENARIO, "champion"])
def test_who_may_correct_the_impact_visit(partnership_a, client_at, scope_of, person):
    s = visited(partnership_a)
    client = client_at(partnership_a, getattr(s, person))
    page = reverse("improvement_impact_visit_edit", args=[s.plan.pk])
    assert client.get(page).status_code == (200 if person in CORRECT_VISIT else 404)
    plan_page = client.get(reverse("improvement_plan", args=[s.plan.pk]))
    if plan_page.status_code == 200:
        assert (page in plan_page.content.decode()) == (person in CORRECT_VISIT)
    with scope_of(partnership_a):
        Review.objects.filter(pk=s.review.pk).update(status="shared")
    assert client.get(page).status_code == 404


def test_the_page_corrects_the_impact_visit(partnership_a, partnership_b, client_at, scope_of):
    s = visited(partnership_a)
    first, second = s.actions
    client = client_at(partnership_a, s.coordinator)
    page = reverse("improvement_impact_visit_edit", args=[s.plan.pk])
    day = s.visit.visited_on
    fields = {
        "visited_on": day.isoformat(),
        "summary": "Corrected by the coordinator",
        f"progress_{first.pk}": "achieved",
        f"progress_{second.pk}": "good",
    }
    refused = client.post(page, {**fields, f"progress_{first.pk}": ""})
    assert refused.status_code == 200 and "Choose the progress made on this action" in refused.content.decode()
    assert client.post(page, fields).status_code == 302
    assert client.post(page, fields).status_code == 302
    with scope_of(partnership_a):
        assert ImpactVisit.objects.get().summary == "Corrected by the coordinator"
        assert ReviewEvent.objects.filter(review=s.review, note__contains="corrected").count() == 1
    theirs = plan_scenario(partnership_b)
    assert client_at(partnership_a, theirs.coordinator).get(page).status_code == 404
    assert client_at(partnership_b, theirs.coordinator).get(page).status_code == 404
