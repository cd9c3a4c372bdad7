"""The demo's people: a named sign-in for every role, a headteacher for every school, chairs and leads for every
area and cluster, and one role that has ended."""

import datetime
import random

from partnership.accounts.models import User
from partnership.tenancy.demo import demo_role, demo_user
from partnership.tenancy.models import Membership, Partnership
from partnership.tenancy.roles import Role, StaffRole
from partnership.tenancy.services import membership_create, membership_end

from ..models import Area, Cluster, School
from ..services import area_chair_set, cluster_lead_set


def demo_people(partnership: Partnership, schools: list[School]) -> list[tuple[str, str]]:
    """One named demo login per role, and a headteacher for every school. Returns the logins (label, email)."""
    rng = random.Random(partnership.slug)
    domain = f"{partnership.slug}.example"
    home_school = schools[0]
    area = Area.objects.order_by("name").first()
    cluster = Cluster.objects.order_by("name").first()
    logins = [
        ("Coordinator", f"coordinator@{domain}", Role.COORDINATOR, {}),
        ("Board member", f"board@{domain}", Role.BOARD_MEMBER, {"represents": "Primary Heads' Association"}),
        ("Area chair", f"area-chair@{domain}", Role.AREA_CHAIR, {"area": area}),
        ("Cluster lead", f"cluster-lead@{domain}", Role.CLUSTER_LEAD, {"cluster": cluster}),
        ("Headteacher", f"head@{domain}", Role.HEADTEACHER, {"school": home_school}),
        ("Senior leader", f"deputy@{domain}", Role.SENIOR_LEADER, {"school": home_school}),
        (
            "Governor (chair)",
            f"governor@{domain}",
            Role.GOVERNOR,
            {"school": home_school, "is_chair_of_governors": True},
        ),
        ("Staff (SENDCo)", f"sendco@{domain}", Role.STAFF, {"school": home_school, "staff_role": StaffRole.SENDCO}),
    ]
    for _, email, role, place in logins:
        demo_role(partnership, demo_user(email, rng), role, **place)
    for school in schools[1:]:
        demo_role(
            partnership,
            demo_user(f"head.{school.urn}@{domain}", rng, title=rng.choice(["Mr", "Mrs", "Ms", "Dr"])),
            Role.HEADTEACHER,
            school=school,
        )
    _chairs_and_leads(schools)
    _former_deputy(partnership, f"former.deputy@{domain}", home_school, rng)
    return [(label, email) for label, email, _, _ in logins]


def _chairs_and_leads(schools: list[School]) -> None:
    """Every area and cluster without a chair or lead gets one: the head of one of its schools (a person with
    two roles, as in real partnerships)."""
    heads = {
        m.school_id: m.user
        for m in Membership.objects.filter(role=Role.HEADTEACHER, ended_on__isnull=True).select_related("user")
    }
    held = set(
        Membership.objects.filter(role__in=[Role.AREA_CHAIR, Role.CLUSTER_LEAD], ended_on__isnull=True).values_list(
            "area_id", "cluster_id"
        )
    )
    for area in Area.objects.order_by("name"):
        candidates = [s for s in schools if s.area_id == area.pk and s.pk in heads]
        if (area.pk, None) not in held and candidates:
            area_chair_set(area=area, user=heads[candidates[-1].pk])
    for cluster in Cluster.objects.order_by("name"):
        candidates = [s for s in schools if s.cluster_id == cluster.pk and s.pk in heads]
        if (None, cluster.pk) not in held and candidates:
            cluster_lead_set(cluster=cluster, user=heads[candidates[0].pk])


def _former_deputy(partnership: Partnership, email: str, school: School, rng: random.Random) -> None:
    """A role that has ended, so the school's profile and the people page show some history."""
    if User.objects.filter(email=email).exists():
        return
    membership = membership_create(
        partnership=partnership,
        user=demo_user(email, rng),
        role=Role.SENIOR_LEADER,
        school=school,
        started_on=datetime.date(2021, 9, 1),
    )
    membership_end(membership=membership, ended_on=datetime.date(2026, 7, 31))
