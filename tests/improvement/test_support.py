"""System leaders and brokered support: agreeing refuses what matching would never propose, visits and the
evaluation keep to their dates, who may see and do what, another partnership's people get a 404, bounded lists."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from improvement.models import SupportAgreement, SupportEvaluation, SupportRequest, SupportStatus, SystemLeader
from improvement.selectors.support import proposals_for
from improvement.services.support import (
    leader_conflict_declare,
    support_agree,
    support_evaluate,
    support_request_create,
    support_visit_add,
    system_leader_add,
)
from partnership.tenancy.roles import Role
from partnership.tenancy.scoping import partnership_scope
from tests.factories import SchoolFactory, TrustFactory, member

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


class Scenario:
    pass


def support_scenario(partnership, *, leaders: int = 2, days_a_term: int = 6) -> Scenario:
    s = Scenario()
    s.partnership = partnership
    trust = TrustFactory(partnership=partnership)
    s.school = SchoolFactory(
        partnership=partnership, name="Kingsmead Primary", trust=trust, easting=400_000, northing=300_000
    )
    s.coordinator = member(partnership, Role.COORDINATOR)
    s.head = member(partnership, Role.HEADTEACHER, school=s.school)
    s.senior_leader = member(partnership, Role.SENIOR_LEADER, school=s.school)
    s.governor = member(partnership, Role.GOVERNOR, school=s.school)
    s.board_member = member(partnership, Role.BOARD_MEMBER)
    other = SchoolFactory(partnership=partnership, easting=410_000, northing=300_000)
    s.other_head = member(partnership, Role.HEADTEACHER, school=other)
    s.leaders = []
    with partnership_scope(partnership):
        for number in range(leaders):
            school = SchoolFactory(partnership=partnership, easting=400_000 + 5_000 * number, northing=301_000)
            user = member(partnership, Role.HEADTEACHER, school=school)
            s.leaders.append(
                system_leader_add(
                    partnership=partnership,
                    user=user,
                    school=school,
                    designation="lle",
                    focus_areas=["Early reading"],
                    phases=["primary"],
                    days_a_term=days_a_term,
                )
            )
        s.leader = s.leaders[0].user if s.leaders else None
        s.request = support_request_create(
            school=s.school,
            aims="Raise phonics outcomes.",
            focus="Early reading",
            phase="primary",
            days=3,
            allow_same_trust=False,
            actor=s.head,
        )
    return s


def agree(s, leader=None, days=3, starts_on=None):
    return support_agree(
        request=s.request,
        leader=leader or s.leaders[0],
        aims="Phonics",
        days=days,
        starts_on=starts_on or TODAY - datetime.timedelta(days=10),
        ends_on=TODAY + datetime.timedelta(days=60),
        cost=Decimal("300"),
        actor=s.coordinator,
    )


def test_the_proposals_explain_themselves_and_skip_a_declared_conflict(partnership_a, scope_of):
    s = support_scenario(partnership_a)
    with scope_of(partnership_a):
        first = proposals_for(s.request)
        assert [leader.pk for leader, _ in first] == [s.leaders[0].pk, s.leaders[1].pk]
        assert "expertise in early reading" in first[0][1].reasons
        leader_conflict_declare(leader=s.leaders[0], school=s.school, reason="Former governor")
        assert [leader.pk for leader, _ in proposals_for(s.request)] == [s.leaders[1].pk]
        with pytest.raises(ValidationError, match="declared a conflict"):
            agree(s, s.leaders[0])
        assert not SupportAgreement.objects.exists()


def test_an_agreement_beyond_the_leaders_capacity_or_in_the_same_trust_is_refused(partnership_a, scope_of):
    s = support_scenario(partnership_a, leaders=1, days_a_term=4)
    with scope_of(partnership_a):
        with pytest.raises(ValidationError, match="4 of the 5 days"):
            agree(s, days=5)
        agree(s, days=3)
        second = support_request_create(
            school=s.school,
            aims="More",
            focus="Early reading",
            phase="primary",
            days=2,
            allow_same_trust=False,
            actor=None,
        )
        s.request = second
        with pytest.raises(ValidationError, match="1 of the 2 days"):
            agree(s, days=2)
        SystemLeader.objects.filter(pk=s.leaders[0].pk).update(
            school=SchoolFactory(partnership=partnership_a, trust=s.school.trust)
        )
        with pytest.raises(ValidationError, match="in the school's trust"):
            agree(s, days=1)
        assert SupportAgreement.objects.count() == 1


def test_visits_and_the_evaluation_keep_to_the_supports_dates(partnership_a, scope_of):
    s = support_scenario(partnership_a)
    with scope_of(partnership_a):
        agreement = agree(s)
        with pytest.raises(ValidationError, match="cannot be before"):
            support_visit_add(
                agreement=agreement, visited_on=agreement.starts_on - datetime.timedelta(days=1), notes="x", actor=None
            )
        support_visit_add(
            agreement=agreement, visited_on=agreement.starts_on, notes="Met the English lead.", actor=None
        )
        assert SupportRequest.objects.get().status == SupportStatus.UNDER_WAY
        with pytest.raises(ValidationError, match="cannot be evaluated before it started"):
            support_evaluate(
                agreement=agreement,
                evaluated_on=agreement.starts_on - datetime.timedelta(days=1),
                impact="met",
                summary="x",
                actor=None,
            )
        with pytest.raises(ValidationError, match="levels of impact"):
            support_evaluate(agreement=agreement, evaluated_on=TODAY, impact="brilliant", summary="x", actor=None)
        assert not SupportEvaluation.objects.exists()
        support_evaluate(agreement=agreement, evaluated_on=TODAY, impact="met", summary="Phonics up.", actor=None)
        assert SupportRequest.objects.get().status == SupportStatus.EVALUATED
        with pytest.raises(ValidationError, match="already evaluated"):
            support_evaluate(agreement=agreement, evaluated_on=TODAY, impact="met", summary="Again", actor=None)


PEOPLE = ["coordinator", "head", "senior_leader", "governor", "board_member", "other_head", "leader"]
SEE_SUPPORT = {"coordinator", "head", "senior_leader", "leader"}
SEARCH_DIRECTORY = {"coordinator", "head", "other_head", "leader"}  # the leader is a headteacher too


@pytest.mark.parametrize("person", PEOPLE)
def test_who_may_see_and_do_what_with_support(partnership_a, client_at, scope_of, person):
    s = support_scenario(partnership_a)
    with scope_of(partnership_a):
        agree(s)
    client = client_at(partnership_a, getattr(s, person))
    pk = s.request.pk
    expected = {
        reverse("improvement_support", args=[pk]): SEE_SUPPORT,
        reverse("improvement_support_visit", args=[pk]): {"coordinator", "leader"},
        reverse("improvement_support_evaluate", args=[pk]): {"coordinator", "head"},
        reverse("improvement_leaders"): SEARCH_DIRECTORY,
        reverse("improvement_leader", args=[s.leaders[0].pk]): SEARCH_DIRECTORY,
        reverse("improvement_leader_new"): {"coordinator"},
        reverse("improvement_support_new"): {"coordinator", "head", "other_head", "leader"},
    }
    for path, allowed in expected.items():
        assert client.get(path).status_code == (200 if person in allowed else 404), (path, person)
    # The agreement page sends the coordinator back (already agreed); nobody else learns of it.
    assert client.get(reverse("improvement_support_agree", args=[pk])).status_code == (
        302 if person == "coordinator" else 404
    )
    listing = client.get(reverse("improvement_support_list"))
    if listing.status_code == 200:
        assert ("Kingsmead Primary" in listing.content.decode()) == (person in SEE_SUPPORT)
    else:
        assert person in {"governor", "board_member"}


def test_the_coordinator_brokers_support_through_the_pages(partnership_a, client_at, scope_of):
    s = support_scenario(partnership_a, days_a_term=4)
    client = client_at(partnership_a, s.coordinator)
    page = client.get(reverse("improvement_support", args=[s.request.pk])).content.decode()
    assert "expertise in early reading" in page and "days left this term" in page
    path = reverse("improvement_support_agree", args=[s.request.pk])
    data = {
        "leader": str(s.leaders[0].pk),
        "aims": "Phonics",
        "days": "5",
        "starts_on": str(TODAY),
        "ends_on": str(TODAY + datetime.timedelta(days=30)),
        "cost": "250",
    }
    refused = client.post(path, data)
    assert refused.status_code == 200 and "4 of the 5 days" in refused.content.decode()
    assert client.post(path, {**data, "days": "3"}).status_code == 302
    assert client.post(path, {**data, "days": "3"}).status_code == 302  # a second click adds nothing
    with scope_of(partnership_a):
        assert SupportAgreement.objects.count() == 1
    evaluate = reverse("improvement_support_evaluate", args=[s.request.pk])
    early = client.post(
        evaluate, {"evaluated_on": str(TODAY - datetime.timedelta(days=1)), "impact": "met", "summary": "x"}
    )
    assert "cannot be evaluated before it started" in early.content.decode()
    assert client.post(evaluate, {"evaluated_on": str(TODAY), "impact": "met", "summary": "Better"}).status_code == 302


def test_another_partnerships_people_get_a_404(partnership_a, partnership_b, client_at, scope_of):
    s = support_scenario(partnership_a)
    theirs = support_scenario(partnership_b)
    with scope_of(partnership_a):
        agree(s)
    for person in (theirs.coordinator, theirs.head, theirs.leader):
        client = client_at(partnership_a, person)
        for path in (
            reverse("improvement_leaders"),
            reverse("improvement_leader", args=[s.leaders[0].pk]),
            reverse("improvement_support_list"),
            reverse("improvement_support", args=[s.request.pk]),
            reverse("improvement_support_agree", args=[s.request.pk]),
            reverse("improvement_support_visit", args=[s.request.pk]),
            reverse("improvement_support_evaluate", args=[s.request.pk]),
        ):
            assert client.get(path).status_code == 404, path
    own = client_at(partnership_b, theirs.coordinator)
    assert own.get(reverse("improvement_support", args=[s.request.pk])).status_code == 404


@pytest.mark.parametrize("leaders", [2, 20])
def test_the_directory_support_list_and_a_request_read_in_bounded_queries(
    partnership_a, client_at, django_assert_max_num_queries, leaders
):
    s = support_scenario(partnership_a, leaders=leaders)
    client = client_at(partnership_a, s.coordinator)
    for path in (
        reverse("improvement_leaders"),
        reverse("improvement_support_list"),
        reverse("improvement_support", args=[s.request.pk]),
        reverse("improvement_support_agree", args=[s.request.pk]),
    ):
        with django_assert_max_num_queries(14):
            assert client.get(path).status_code == 200, path


def test_a_search_with_a_nul_byte_searches_for_the_rest(partnership_a, client_at):
    s = support_scenario(partnership_a)
    page = client_at(partnership_a, s.coordinator).get(
        reverse("improvement_leaders"), {"q": "\x00", "phase": "prim\x00"}
    )
    assert page.status_code == 200
