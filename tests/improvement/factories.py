"""Action plans on a review with a final report: a reported_scenario, a champion and actions."""

import datetime

from improvement.models import ActionPlan
from improvement.services.after_review import action_create, action_plan_start
from partnership.tenancy.roles import Role
from partnership.tenancy.scoping import partnership_scope
from reviews.models import Finding
from tests.factories import SchoolFactory, member
from tests.reviews.factories_reports import reported_scenario


def plan_scenario(partnership, status: str = "final", actions: int = 2):
    """A reported scenario whose review has a champion (the head of a fourth school) and `actions` actions."""
    s = reported_scenario(partnership, status)
    champion_school = SchoolFactory(partnership=partnership, name="Larkspur Primary School")
    s.champion = member(partnership, Role.HEADTEACHER, school=champion_school)
    with partnership_scope(partnership):
        s.plan = action_plan_start(review=s.review, champion=s.champion, actor=s.coordinator)
        finding = Finding.objects.filter(review=s.review).first()
        s.actions = [
            action_create(
                plan=s.plan,
                finding_id=finding.pk if number % 2 == 0 else None,
                description=f"Action number {number}",
                owner="Deputy headteacher",
                success_criteria="It is seen in lessons.",
                due_on=datetime.date(2026, 1, 10) + datetime.timedelta(days=30 * number),
            )
            for number in range(actions)
        ]
    return s


def plan_of(s) -> ActionPlan:
    with partnership_scope(s.partnership):
        return ActionPlan.objects.get(pk=s.plan.pk)
