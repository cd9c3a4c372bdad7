"""Grants and commissioned work: bad terms are refused and change nothing, a report comes back with its spend and
impact, the coordinators are reminded once before a report is due, each year's totals; who may see and do what,
another partnership's people get a 404, a form sent twice records once, the list reads in bounded queries."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from improvement.models import Grant
from improvement.selectors.grants import grant_totals
from improvement.services.grants import grant_create, grant_reminders_send, grant_report, grant_update
from partnership.tenancy.roles import Role
from partnership.tenancy.scoping import partnership_scope
from tests.factories import ClusterFactory, SchoolFactory, member

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


class Scenario:
    pass


def grant_scenario(partnership, *, grants: int = 1) -> Scenario:
    s = Scenario()
    s.partnership = partnership
    s.coordinator = member(partnership, Role.COORDINATOR)
    school = SchoolFactory(partnership=partnership)
    s.head = member(partnership, Role.HEADTEACHER, school=school)
    s.governor = member(partnership, Role.GOVERNOR, school=school)
    s.board_member = member(partnership, Role.BOARD_MEMBER)
    s.cluster = ClusterFactory(partnership=partnership, name="Northern cluster")
    with partnership_scope(partnership):
        s.grants = [
            grant_create(
                partnership=partnership,
                kind="grant",
                party=f"Northern local partnership {number}",
                cluster=s.cluster,
                purpose="Pump-priming peer review",
                amount=Decimal("5000"),
                conditions="A report on impact by July.",
                starts_on=TODAY - datetime.timedelta(days=30),
                ends_on=TODAY + datetime.timedelta(days=200),
                report_due_on=TODAY + datetime.timedelta(days=10),
                actor=s.coordinator,
            )
            for number in range(grants)
        ]
    s.grant = s.grants[0] if s.grants else None
    return s


def terms(**changes) -> dict:
    return {
        "kind": "commission",
        "party": "Educational psychology service",
        "cluster": None,
        "purpose": "A jointly employed educational psychologist",
        "amount": Decimal("12000"),
        "conditions": "",
        "starts_on": datetime.date(2026, 9, 1),
        "ends_on": datetime.date(2027, 7, 31),
        "report_due_on": datetime.date(2027, 7, 1),
    } | changes


def test_bad_terms_are_refused_field_by_field_and_change_nothing(partnership_a, scope_of):
    with scope_of(partnership_a):
        with pytest.raises(ValidationError) as refused:
            grant_create(
                partnership=partnership_a,
                actor=None,
                **terms(
                    party=" ",
                    amount=Decimal("-1"),
                    ends_on=datetime.date(2026, 8, 1),
                    report_due_on=datetime.date(2026, 8, 1),
                ),
            )
        assert set(refused.value.error_dict) == {"party", "amount", "ends_on", "report_due_on"}
        assert not Grant.objects.exists()
        grant = grant_create(partnership=partnership_a, actor=None, **terms())
        assert grant.year == 2026
        with pytest.raises(ValidationError, match="ends on or after"):
            grant_update(grant=grant, **terms(ends_on=datetime.date(2026, 1, 1)))
        assert Grant.objects.get().ends_on == datetime.date(2027, 7, 31)


def test_a_report_comes_back_with_spend_and_impact_never_before_the_start(partnership_a, scope_of):
    s = grant_scenario(partnership_a)
    with scope_of(partnership_a):
        with pytest.raises(ValidationError) as refused:
            grant_report(
                grant=s.grant, reported_on=s.grant.starts_on - datetime.timedelta(days=1), spend=Decimal(5), impact=""
            )
        assert set(refused.value.error_dict) == {"reported_on", "impact"}
        with pytest.raises(ValidationError, match="once it has come back"):
            grant_report(grant=s.grant, reported_on=TODAY + datetime.timedelta(days=1), spend=Decimal(5), impact="x")
        assert Grant.objects.get().reported_on is None
        grant_report(grant=s.grant, reported_on=TODAY, spend=Decimal("4200.50"), impact="Six schools reviewed.")
        [totals] = grant_totals()
        assert (totals.count, totals.amount, totals.spend, totals.reported) == (1, Decimal(5000), Decimal("4200.50"), 1)


def test_the_coordinators_are_reminded_once_before_a_report_is_due(partnership_a, scope_of):
    s = grant_scenario(partnership_a, grants=2)
    with scope_of(partnership_a):
        Grant.objects.filter(pk=s.grants[1].pk).update(report_due_on=TODAY + datetime.timedelta(days=40))
        assert grant_reminders_send(today=TODAY) == 1
        assert grant_reminders_send(today=TODAY) == 0
        assert len(mail.outbox) == 1 and s.coordinator.email in mail.outbox[0].to
        assert "Northern local partnership 0" in mail.outbox[0].subject
        assert grant_reminders_send(today=TODAY + datetime.timedelta(days=30)) == 1  # the second, in its turn
        grant = Grant.objects.get(pk=s.grants[0].pk)
        grant_update(
            grant=grant,
            **terms(report_due_on=TODAY + datetime.timedelta(days=5), starts_on=grant.starts_on, ends_on=grant.ends_on),
        )
        assert grant_reminders_send(today=TODAY) == 1  # a new date earns a new reminder


PEOPLE = ["coordinator", "head", "governor", "board_member"]


@pytest.mark.parametrize("person", PEOPLE)
def test_who_may_see_and_do_what_with_grants(partnership_a, client_at, person):
    s = grant_scenario(partnership_a)
    client = client_at(partnership_a, getattr(s, person))
    pk = s.grant.pk
    expected = {
        reverse("improvement_grants"): {"coordinator", "board_member"},
        reverse("improvement_grant_new"): {"coordinator"},
        reverse("improvement_grant", args=[pk]): {"coordinator"},
        reverse("improvement_grant_edit", args=[pk]): {"coordinator"},
        reverse("improvement_grant_report", args=[pk]): {"coordinator"},
    }
    for path, allowed in expected.items():
        assert client.get(path).status_code == (200 if person in allowed else 404), (path, person)
    if person == "board_member":  # the totals, never the list
        page = client.get(reverse("improvement_grants")).content.decode()
        assert "£5,000.00" in page and "Northern local partnership" not in page


def test_another_partnerships_coordinator_gets_a_404(partnership_a, partnership_b, client_at):
    s = grant_scenario(partnership_a)
    theirs = grant_scenario(partnership_b)
    client = client_at(partnership_a, theirs.coordinator)
    for name in ("improvement_grant", "improvement_grant_edit", "improvement_grant_report"):
        assert client.get(reverse(name, args=[s.grant.pk])).status_code == 404
    assert client.get(reverse("improvement_grants")).status_code == 404
    own = client_at(partnership_b, theirs.coordinator)
    assert own.get(reverse("improvement_grant", args=[s.grant.pk])).status_code == 404


def test_the_coordinator_records_a_grant_once_however_often_the_form_is_sent(partnership_a, client_at, scope_of):
    s = grant_scenario(partnership_a, grants=0)
    client = client_at(partnership_a, s.coordinator)
    path = reverse("improvement_grant_new")
    token = client.get(path).context["form"]["submission"].initial
    data = {
        "submission": token,
        "kind": "grant",
        "party": "Southern local partnership",
        "cluster": str(s.cluster.pk),
        "purpose": "Reviewer training",
        "amount": "2500",
        "conditions": "",
        "starts_on": "2026-09-01",
        "ends_on": "2026-08-01",
        "report_due_on": "",
    }
    refused = client.post(path, data)
    assert refused.status_code == 200 and "It ends on or after the day it starts." in refused.content.decode()
    data["ends_on"] = "2027-08-01"
    first = client.post(path, data)
    again = client.post(path, data)
    assert first.status_code == again.status_code == 302 and first.url == again.url
    with scope_of(partnership_a):
        assert Grant.objects.get().cluster == s.cluster
    garbage = client.post(path, {**data, "amount": "lots", "submission": ""})
    assert "Enter the amount in pounds" in garbage.content.decode()
    with scope_of(partnership_a):
        assert Grant.objects.count() == 1


def test_the_coordinators_home_page_reminds_of_a_report_due(partnership_a, client_at):
    s = grant_scenario(partnership_a)
    page = client_at(partnership_a, s.coordinator).get("/").content.decode()
    assert "Support and grants: next steps" in page and "report back due" in page


@pytest.mark.parametrize("grants", [2, 25])
def test_the_list_reads_in_bounded_queries(partnership_a, client_at, django_assert_max_num_queries, grants):
    s = grant_scenario(partnership_a, grants=grants)
    for person in (s.coordinator, s.board_member):
        client = client_at(partnership_a, person)
        with django_assert_max_num_queries(10):
            assert client.get(reverse("improvement_grants")).status_code == 200
