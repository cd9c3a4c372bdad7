"""Helpers for the cycle set-up tests: schools in areas and clusters, a cycle with enrolment, trained heads."""

import datetime
from dataclasses import dataclass, field

from partnership.accounts.models import User
from partnership.tenancy.models import Partnership
from partnership.tenancy.roles import Role
from partnership.tenancy.scoping import partnership_scope
from reviews.models import Cycle, ReviewerTraining
from schools.models import Area, Cluster, School
from tests.factories import AreaFactory, ClusterFactory, SchoolFactory, TrustFactory, member
from tests.reviews.factories import CycleFactory, enrol

D = datetime.date
TRAINED_ON = D(2026, 7, 1)


def train(partnership: Partnership, user: User, on: datetime.date = TRAINED_ON, provider: str = "Partnership training"):
    with partnership_scope(partnership):
        return ReviewerTraining.objects.create(partnership=partnership, user=user, trained_on=on, provider=provider)


@dataclass
class County:
    """A partnership's schools for the set-up tests: areas, clusters, a trust, heads (trained or not)."""

    partnership: Partnership
    cycle: Cycle
    coordinator: User
    areas: list[Area]
    clusters: list[Cluster]
    schools: list[School]
    heads: dict[int, User] = field(default_factory=dict)


def county(
    partnership: Partnership,
    schools: int = 9,
    *,
    enrolled: bool = True,
    trained: bool = True,
    with_heads: bool = True,
    trust_every: int = 0,
    **cycle_fields,
) -> County:
    """`schools` open primary schools in three areas (one cluster each); every `trust_every`th in one trust."""
    areas = [AreaFactory(partnership=partnership, name=f"Area {name}") for name in ("West", "South", "Mid")]
    clusters = [ClusterFactory(partnership=partnership, name=f"{a.name} cluster", area=a) for a in areas]
    trust = TrustFactory(partnership=partnership, name="Vale Learning Trust") if trust_every else None
    made = []
    for index in range(schools):
        made.append(
            SchoolFactory(
                partnership=partnership,
                name=f"School {index:03d} Primary",
                area=areas[index % 3],
                cluster=clusters[index % 3],
                trust=trust if trust_every and index % trust_every == 0 else None,
            )
        )
    cycle = CycleFactory(partnership=partnership, name="Peer review 2026/27", **cycle_fields)
    heads = {}
    if with_heads:
        for school in made:
            head = member(partnership, Role.HEADTEACHER, school=school)
            heads[school.pk] = head
            if trained:
                train(partnership, head)
    if enrolled:
        for school in made:
            enrol(cycle, school)
    return County(partnership, cycle, member(partnership, Role.COORDINATOR), areas, clusters, made, heads)
