"""After support is agreed: the mid-point review (once, within the support's dates, by those working on it), the
reminders of each next step on the home page, and each school's give and take over the years."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from improvement.models import SupportMidpointReview, SupportRequest, SystemLeader
from improvement.selectors.support import leader_facts, support_balance, support_next_steps
from improvement.services.support import (
    support_evaluate,
    support_midpoint_review,
    support_request_update,
    support_withdraw,
)

from .test_support import TODAY, agree, support_scenario

pytestmark = pytest.mark.django_db


def test_the_midpoint_review_keeps_to_the_supports_dates_and_is_held_once(partnership_a, scope_of):
    s = support_scenario(partnership_a)
    with scope_of(partnership_a):
        agreement = agree(s)
        with pytest.raises(ValidationError) as refused:
            support_midpoint_review(
                agreement=agreement,
                reviewed_on=agreement.starts_on - datetime.timedelta(days=1),
                on_track=True,
                notes=" ",
                actor=None,
            )
        assert set(refused.value.error_dict) == {"reviewed_on", "notes"}
        assert not SupportMidpointReview.objects.exists()
        support_midpoint_review(agreement=agreement, reviewed_on=TODAY, on_track=False, notes="Slow.", actor=None)
        with pytest.raises(ValidationError, match="already recorded"):
            support_midpoint_review(agreement=agreement, reviewed_on=TODAY, on_track=True, notes="Again", actor=None)
        assert SupportMidpointReview.objects.get().on_track is False


def test_no_midpoint_review_once_the_support_is_evaluated(partnership_a, scope_of):
    s = support_scenario(partnership_a)
    with scope_of(partnership_a):
        agreement = agree(s)
        support_evaluate(agreement=agreement, evaluated_on=TODAY, impact="met", summary="Done.", actor=None)
        with pytest.raises(ValidationError, match="evaluated"):
            support_midpoint_review(agreement=agreement, reviewed_on=TODAY, on_track=True, notes="x", actor=None)


def test_each_next_step_is_reminded_in_its_turn(partnership_a, scope_of):
    s = support_scenario(partnership_a)
    with scope_of(partnership_a):
        [step] = support_next_steps(s.coordinator, partnership_a, TODAY)
        assert step.step == "Agree the support with a system leader"
        agreement = agree(s)  # from ten days ago to sixty days on: the mid-point is twenty-five days on
        assert support_next_steps(s.coordinator, partnership_a, TODAY) == []
        [step] = support_next_steps(s.head, partnership_a, agreement.midpoint_on)
        assert (step.step, step.due_on) == ("Hold the mid-point review", agreement.midpoint_on)
        assert support_next_steps(s.other_head, partnership_a, agreement.midpoint_on) == []
        support_midpoint_review(agreement=agreement, reviewed_on=TODAY, on_track=True, notes="Fine.", actor=None)
        assert support_next_steps(s.coordinator, partnership_a, agreement.midpoint_on) == []
        [step] = support_next_steps(s.leader, partnership_a, agreement.ends_on)
        assert step.step == "Evaluate the impact against the aims"


def test_each_schools_give_and_take_by_year(partnership_a, scope_of):
    s = support_scenario(partnership_a)
    with scope_of(partnership_a):
        agree(s, days=3, starts_on=datetime.date(2025, 10, 1))
        years, schools = support_balance()
        by_name = {school.name: school for school in schools}
        assert years == [2025]
        assert by_name["Kingsmead Primary"].cells == [(0, 3)] and by_name["Kingsmead Primary"].balance == -3
        giver = by_name[s.leaders[0].school.name]
        assert giver.cells == [(3, 0)] and giver.balance == 3
        SupportRequest.objects.update(status="withdrawn")
        assert support_balance() == ([], [])


PEOPLE = ["coordinator", "head", "senior_leader", "governor", "board_member", "other_head", "leader"]


@pytest.mark.parametrize("person", PEOPLE)
def test_who_may_hold_the_midpoint_review_and_see_the_balance(partnership_a, client_at, scope_of, person):
    s = support_scenario(partnership_a)
    with scope_of(partnership_a):
        agree(s)
    client = client_at(partnership_a, getattr(s, person))
    midpoint = reverse("improvement_support_midpoint", args=[s.request.pk])
    assert client.get(midpoint).status_code == (200 if person in {"coordinator", "head", "leader"} else 404)
    balance = reverse("improvement_support_balance")
    assert client.get(balance).status_code == (200 if person == "coordinator" else 404)


def test_the_midpoint_review_through_its_page_once_however_often_sent(
    partnership_a, partnership_b, client_at, scope_of
):
    s = support_scenario(partnership_a)
    theirs = support_scenario(partnership_b)
    with scope_of(partnership_a):
        agree(s)
    path = reverse("improvement_support_midpoint", args=[s.request.pk])
    assert client_at(partnership_a, theirs.coordinator).get(path).status_code == 404
    client = client_at(partnership_a, s.leader)
    refused = client.post(path, {"reviewed_on": str(TODAY), "on_track": "maybe", "notes": ""})
    assert refused.status_code == 200 and "Choose yes or no." in refused.content.decode()
    data = {"reviewed_on": str(TODAY), "on_track": "yes", "notes": "On course."}
    assert client.post(path, data).status_code == 302
    assert client.post(path, data).status_code == 302  # sent again: led to the review, nothing added
    with scope_of(partnership_a):
        assert SupportMidpointReview.objects.get().on_track is True
    page = client.get(reverse("improvement_support", args=[s.request.pk])).content.decode()
    assert "On track" in page and "On course." in page


def test_the_home_page_reminds_the_head_of_the_midpoint_review(partnership_a, client_at, scope_of):
    s = support_scenario(partnership_a)
    with scope_of(partnership_a):
        agree(s, starts_on=TODAY - datetime.timedelta(days=100))
    page = client_at(partnership_a, s.head).get("/").content.decode()
    assert "hold the mid-point review" in page


@pytest.mark.parametrize("leaders", [2, 20])
def test_the_balance_reads_in_bounded_queries(
    partnership_a, client_at, scope_of, django_assert_max_num_queries, leaders
):
    s = support_scenario(partnership_a, leaders=leaders, days_a_term=20)
    with scope_of(partnership_a):
        for leader in s.leaders:
            agree(s, leader=leader, days=1)
            s.request.pk = None  # the next agreement needs a request of its own
            s.request.status = "requested"
            s.request.save()
    client = client_at(partnership_a, s.coordinator)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("improvement_support_balance")).status_code == 200


def test_a_request_changes_only_while_it_waits_and_withdrawing_frees_the_leaders_days(partnership_a, scope_of):
    s = support_scenario(partnership_a, leaders=1, days_a_term=3)
    with scope_of(partnership_a):
        with pytest.raises(ValidationError) as refused:
            support_request_update(
                request=s.request, aims=" ", focus="", phase="primary", days=0, allow_same_trust=False
            )
        assert set(refused.value.error_dict) == {"aims", "focus", "days"}
        support_request_update(
            request=s.request,
            aims="Phonics for all.",
            focus="Early reading",
            phase="primary",
            days=2,
            allow_same_trust=True,
        )
        assert SupportRequest.objects.get().days == 2
        agree(s, days=3)
        with pytest.raises(ValidationError, match="can no longer change"):
            support_request_update(
                request=s.request, aims="x", focus="y", phase="primary", days=1, allow_same_trust=False
            )
        assert leader_facts(SystemLeader.objects.all())[0].used == 3
        support_withdraw(request=s.request)
        assert SupportRequest.objects.get().status == "withdrawn"
        assert leader_facts(SystemLeader.objects.all())[0].used == 0
        assert support_next_steps(s.coordinator, partnership_a, TODAY + datetime.timedelta(days=400)) == []


def test_evaluated_support_cannot_be_withdrawn(partnership_a, scope_of):
    s = support_scenario(partnership_a)
    with scope_of(partnership_a):
        agreement = agree(s)
        support_evaluate(agreement=agreement, evaluated_on=TODAY, impact="met", summary="Done.", actor=None)
        with pytest.raises(ValidationError, match="evaluated"):
            support_withdraw(request=s.request)
        assert SupportRequest.objects.get().status == "evaluated"


@pytest.mark.parametrize("person", PEOPLE)
def test_who_may_change_and_withdraw_a_request(partnership_a, partnership_b, client_at, scope_of, person):
    s = support_scenario(partnership_a)
    client = client_at(partnership_a, getattr(s, person))
    edit = reverse("improvement_support_edit", args=[s.request.pk])
    withdraw = reverse("improvement_support_withdraw", args=[s.request.pk])
    assert client.get(edit).status_code == (200 if person in {"coordinator", "head"} else 404)
    assert client.get(withdraw).status_code == (200 if person == "coordinator" else 404)
    if person == "coordinator":
        assert client_at(partnership_a, support_scenario(partnership_b).coordinator).get(withdraw).status_code == 404
        with scope_of(partnership_a):
            assert SupportRequest.objects.get(pk=s.request.pk).status == "requested"  # asking is not withdrawing
        assert client.post(withdraw).status_code == 302
        assert client.post(withdraw).status_code == 302  # again: already withdrawn, said so
        with scope_of(partnership_a):
            assert SupportRequest.objects.get(pk=s.request.pk).status == "withdrawn"
        assert client.get(edit).status_code == 404


def test_the_head_changes_the_request_through_its_page(partnership_a, client_at, scope_of):
    s = support_scenario(partnership_a)
    client = client_at(partnership_a, s.head)
    path = reverse("improvement_support_edit", args=[s.request.pk])
    data = {"school": "999999", "focus": "Early reading", "aims": "", "phase": "primary", "days": "4"}
    refused = client.post(path, data)
    assert refused.status_code == 200 and "Enter what the support should achieve." in refused.content.decode()
    assert client.post(path, {**data, "aims": "Phonics for all."}).status_code == 302
    with scope_of(partnership_a):
        changed = SupportRequest.objects.get(pk=s.request.pk)
    assert (changed.aims, changed.days, changed.school_id) == ("Phonics for all.", 4, s.school.pk)
