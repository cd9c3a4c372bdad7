"""After the review: naming the improvement champion, the action plan and the impact visit; who may see and do
what, role by role; another partnership's people get a 404; the index reads in a bounded number of queries."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from improvement.models import Action, ActionPlan, ActionProgress, ImpactVisit
from improvement.services.after_review import (
    action_create,
    action_plan_start,
    action_plan_update,
    impact_visit_record,
)
from partnership.tenancy.roles import Role
from reviews.models import Review, ReviewEvent, ReviewStatus
from tests.factories import member
from tests.reviews.factories import PEOPLE_IN_A_SCENARIO, SEE_THE_REVIEW
from tests.reviews.factories_reports import reported_scenario

from .factories import plan_scenario

pytestmark = pytest.mark.django_db
EVERYONE = [*PEOPLE_IN_A_SCENARIO, "champion"]


def test_the_champion_must_not_have_been_on_the_review_team(partnership_a, scope_of):
    s = reported_scenario(partnership_a)
    with scope_of(partnership_a), pytest.raises(ValidationError, match="not have been on the review team"):
        action_plan_start(review=s.review, champion=s.lead_reviewer, actor=s.coordinator)
    with scope_of(partnership_a):
        assert not ActionPlan.objects.exists()


def test_no_champion_before_the_report_is_final(partnership_a, scope_of):
    s = reported_scenario(partnership_a, ReviewStatus.FACTUAL_ACCURACY)
    with scope_of(partnership_a), pytest.raises(ValidationError, match="no final report"):
        action_plan_start(review=s.review, champion=s.other_head, actor=s.coordinator)


def test_a_second_champion_is_refused_and_changes_nothing(partnership_a, scope_of):
    s = plan_scenario(partnership_a)
    with scope_of(partnership_a), pytest.raises(ValidationError, match="already has"):
        action_plan_start(review=s.review, champion=s.other_head, actor=s.coordinator)
    with scope_of(partnership_a):
        assert ActionPlan.objects.get().champion == s.champion


def test_an_action_must_answer_one_of_the_reviews_own_findings(partnership_a, partnership_b, scope_of):
    s = plan_scenario(partnership_a, actions=0)
    with scope_of(partnership_a), pytest.raises(ValidationError) as refused:
        action_create(
            plan=s.plan,
            finding_id=999999,
            description="Do it",
            owner="",
            success_criteria="",
            due_on=timezone.localdate(),
        )
    assert set(refused.value.error_dict) == {"answers", "owner", "success_criteria"}
    with scope_of(partnership_a):
        assert not Action.objects.exists()


def test_the_impact_visit_judges_every_action_and_joins_the_reviews_record(partnership_a, scope_of):
    s = plan_scenario(partnership_a)
    today = timezone.localdate() + datetime.timedelta(days=190)
    first, second = s.actions
    with scope_of(partnership_a):
        with pytest.raises(ValidationError) as refused:
            impact_visit_record(
                plan=s.plan,
                visited_on=today,
                summary="Good.",
                progress={first.pk: ("good", "")},
                actor=s.champion,
                today=today,
            )
        assert f"progress_{second.pk}" in refused.value.error_dict
        assert not ImpactVisit.objects.exists()
        with pytest.raises(ValidationError, match="before it has happened"):
            impact_visit_record(
                plan=s.plan,
                visited_on=today + datetime.timedelta(days=1),
                summary="Good.",
                progress={first.pk: ("good", ""), second.pk: ("some", "")},
                actor=s.champion,
                today=today,
            )
        impact_visit_record(
            plan=s.plan,
            visited_on=today,
            summary="Checks for understanding are routine now.",
            progress={first.pk: ("achieved", "Seen in lessons."), second.pk: ("some", "")},
            actor=s.champion,
            today=today,
        )
        assert ActionProgress.objects.count() == 2
        assert ReviewEvent.objects.filter(review=s.review, note__contains="routine now").exists()
        assert Review.objects.get(pk=s.review.pk).impact_visit_on == today
        with pytest.raises(ValidationError, match="already recorded"):
            impact_visit_record(
                plan=s.plan,
                visited_on=today,
                summary="Again.",
                progress={first.pk: ("good", ""), second.pk: ("good", "")},
                actor=s.champion,
                today=today,
            )


def _person(s, name):
    return getattr(s, name)


SEE_THE_PLAN = SEE_THE_REVIEW | {"champion"}
EDIT_ACTIONS = {"head", "champion"}
RECORD_VISIT = {"coordinator", "champion"}


@pytest.mark.parametrize("person", EVERYONE)
def test_who_may_see_and_do_what_with_a_plan(partnership_a, client_at, person):
    s = plan_scenario(partnership_a)
    client = client_at(partnership_a, _person(s, person))
    pages = {
        "plan": (reverse("improvement_plan", args=[s.plan.pk]), SEE_THE_PLAN),
        "add": (reverse("improvement_action_add", args=[s.plan.pk]), EDIT_ACTIONS),
        "edit": (reverse("improvement_action_edit", args=[s.actions[0].pk]), EDIT_ACTIONS),
        "visit": (reverse("improvement_impact_visit", args=[s.plan.pk]), RECORD_VISIT),
    }
    for name, (path, allowed) in pages.items():
        expected = 200 if person in allowed else 404
        assert client.get(path).status_code == expected, (name, person)
    champion_page = reverse("improvement_champion", args=[s.review.pk])
    # The review has its champion: the coordinator is sent to the plan; nobody else learns of the page.
    assert client.get(champion_page).status_code == (302 if person == "coordinator" else 404)
    index = client.get(reverse("improvement_index"))
    uses_improvement = person in {"coordinator", "head", "senior_leader", "lead_reviewer", "reviewer", "other_head"}
    assert index.status_code == (200 if uses_improvement or person == "champion" else 404)
    if index.status_code == 200:
        assert (s.reviewed_school.name in index.content.decode()) == (person in SEE_THE_PLAN)


def test_the_coordinator_names_a_champion_and_the_head_adds_an_action(partnership_a, client_at, scope_of):
    s = reported_scenario(partnership_a)
    coordinator = client_at(partnership_a, s.coordinator)
    path = reverse("improvement_champion", args=[s.review.pk])
    page = coordinator.get(path).content.decode()
    assert s.other_head.email in page and s.lead_reviewer.email not in page
    refused = coordinator.post(path, {"champion": str(s.lead_reviewer.pk)})
    assert refused.status_code == 200 and "Choose someone listed" in refused.content.decode()
    answer = coordinator.post(path, {"champion": str(s.other_head.pk), "workshop_on": "2027-01-20"})
    with scope_of(partnership_a):
        plan = ActionPlan.objects.get()
    assert answer.status_code == 302 and answer.url == reverse("improvement_plan", args=[plan.pk])
    again = coordinator.post(path, {"champion": str(s.other_head.pk)})
    assert again.status_code == 302
    with scope_of(partnership_a):
        assert ActionPlan.objects.count() == 1

    head = client_at(partnership_a, s.head)
    add = reverse("improvement_action_add", args=[plan.pk])
    empty = head.post(add, {"answers": "recommendations", "description": "Train staff", "due_on": "2027-03-01"})
    assert empty.status_code == 200 and "Enter who leads this action" in empty.content.decode()
    assert "Train staff" in empty.content.decode()
    done = head.post(
        add,
        {
            "answers": "recommendations",
            "description": "Train staff",
            "owner": "Deputy headteacher",
            "success_criteria": "Seen in lessons",
            "due_on": "2027-03-01",
        },
    )
    assert done.status_code == 302
    with scope_of(partnership_a):
        assert Action.objects.get().answers_recommendations


def test_another_partnerships_people_get_a_404_for_every_page(partnership_a, partnership_b, client_at):
    s = plan_scenario(partnership_a)
    theirs = plan_scenario(partnership_b)
    for person in (theirs.coordinator, theirs.head, theirs.champion):
        client = client_at(partnership_a, person)
        for path in (
            reverse("improvement_index"),
            reverse("improvement_plan", args=[s.plan.pk]),
            reverse("improvement_action_add", args=[s.plan.pk]),
            reverse("improvement_action_edit", args=[s.actions[0].pk]),
            reverse("improvement_impact_visit", args=[s.plan.pk]),
            reverse("improvement_champion", args=[s.review.pk]),
        ):
            assert client.get(path).status_code == 404, path
    # On their own address, our plan does not exist either.
    theirs_client = client_at(partnership_b, theirs.coordinator)
    assert theirs_client.get(reverse("improvement_plan", args=[s.plan.pk])).status_code == 404


def test_overdue_actions_and_impact_visits_due_reach_the_right_home_pages(partnership_a, client_at, scope_of):
    s = plan_scenario(partnership_a)
    with scope_of(partnership_a):
        Review.objects.filter(pk=s.review.pk).update(impact_visit_on=timezone.localdate())
    for person, sees in (("coordinator", True), ("head", True), ("champion", True), ("other_head", False)):
        page = client_at(partnership_a, getattr(s, person)).get("/").content.decode()
        assert ("overdue action" in page) == sees, person
        assert ("impact visit due" in page) == sees, person


@pytest.mark.parametrize("extra", [0, 6])
def test_the_index_and_a_plan_read_in_a_bounded_number_of_queries(
    partnership_a, client_at, scope_of, django_assert_max_num_queries, extra
):
    s = plan_scenario(partnership_a, actions=2 + extra)
    for _ in range(extra):
        plan_scenario(partnership_a, actions=1)
    client = client_at(partnership_a, s.coordinator)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("improvement_index")).status_code == 200
    with django_assert_max_num_queries(18):
        assert client.get(reverse("improvement_plan", args=[s.plan.pk])).status_code == 200


@pytest.mark.parametrize("status", ["final", "shared"])
def test_governors_read_the_impact_visits_summary_once_the_report_is_shared_with_them(
    partnership_a, client_at, scope_of, django_assert_max_num_queries, status
):
    s = plan_scenario(partnership_a, status=status)
    first, second = s.actions
    today = timezone.localdate()
    with scope_of(partnership_a):
        impact_visit_record(
            plan=s.plan,
            visited_on=today,
            summary="Checks for understanding are routine now.",
            progress={first.pk: ("achieved", ""), second.pk: ("good", "")},
            actor=s.champion,
            today=today,
        )
    governor = client_at(partnership_a, s.governor)
    with django_assert_max_num_queries(40):
        page = governor.get("/").content.decode()
    shown = "routine now" in page
    assert shown == (status == "shared")
    if shown:
        assert "of 2 actions, 1 achieved and 1 making good progress" in page
    # Another school's governor never reads it.
    assert "routine now" not in client_at(partnership_a, s.other_governor).get("/").content.decode()


@pytest.mark.parametrize("person", EVERYONE)
def test_who_may_arrange_the_workshop_and_it_closes_with_the_impact_visit(
    partnership_a, partnership_b, client_at, scope_of, person
):
    s = plan_scenario(partnership_a)
    path = reverse("improvement_plan_edit", args=[s.plan.pk])
    client = client_at(partnership_a, getattr(s, person))
    allowed = person in {"coordinator", "head", "champion"}
    assert client.get(path).status_code == (200 if allowed else 404)
    if person != "coordinator":
        return
    assert client.post(path, {"workshop_on": "31/02/2026"}).status_code == 200  # not a date: said, nothing saved
    assert client.post(path, {"workshop_on": "2026-03-04"}).status_code == 302
    with scope_of(partnership_a):
        assert ActionPlan.objects.get().workshop_on == datetime.date(2026, 3, 4)
    other = member(partnership_b, Role.COORDINATOR)
    assert client_at(partnership_a, other).get(path).status_code == 404
    first, second = s.actions
    with scope_of(partnership_a):
        impact_visit_record(
            plan=s.plan,
            visited_on=timezone.localdate(),
            summary="Done.",
            progress={first.pk: ("good", ""), second.pk: ("some", "")},
            actor=s.coordinator,
        )
        with pytest.raises(ValidationError, match="closed"):
            action_plan_update(plan=ActionPlan.objects.get(), workshop_on=None)
    assert client.get(path).status_code == 404


def test_the_index_marks_overdue_actions(partnership_a, client_at, scope_of):
    s = plan_scenario(partnership_a)  # both actions were due early in 2026
    with scope_of(partnership_a):
        Action.objects.filter(pk=s.actions[1].pk).update(due_on=timezone.localdate() + datetime.timedelta(days=5))
    page = client_at(partnership_a, s.coordinator).get(reverse("improvement_index")).content.decode()
    assert '2 (2 open) <strong class="govuk-tag govuk-tag--red">1 overdue</strong>' in page
