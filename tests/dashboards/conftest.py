import datetime

import pytest

from partnership.dashboards.scale import academic_year_of, create_cycles
from partnership.tenancy.roles import Role
from tests.factories import AreaFactory, ClusterFactory, SchoolFactory, member

# The reviews stand as on this day, whenever the tests run: a Wednesday in the autumn term, when this year's cycle
# has reviews at every stage.
DESIGNED_ON = datetime.date(2026, 11, 18)


@pytest.fixture
def small_groups(partnership_a, scope_of):
    """A partnership designed to have groups of 1 and 2 schools everywhere: areas of 9, 3, 2 and 1 schools, a
    school in no area, a few secondary and special schools, and two cycles of reviews at every stage."""
    p = partnership_a
    with scope_of(p):
        north, south, isle, fen = (AreaFactory(partnership=p, name=n) for n in ("North", "South", "Isle", "Fen"))
        clusters = {
            "North A": ClusterFactory(partnership=p, name="North A", area=north),
            "North B": ClusterFactory(partnership=p, name="North B", area=north),
            "South": ClusterFactory(partnership=p, name="South", area=south),
        }
        layout = [
            (north, "North A", ["primary"] * 4 + ["secondary"]),
            (north, "North B", ["primary"] * 3 + ["special"]),
            (south, "South", ["primary", "primary", "secondary"]),
            (isle, None, ["primary", "secondary"]),
            (fen, None, ["special"]),
            (None, None, ["primary"]),
        ]
        ratings = ["Good", "Outstanding", "Good", "Requires improvement", "", "Good", "Inadequate"]
        schools = []
        for area, cluster, phases in layout:
            for phase in phases:
                n = len(schools)
                schools.append(
                    SchoolFactory(
                        partnership=p,
                        name=f"Designed School {n:02d}",
                        area=area,
                        cluster=clusters.get(cluster),
                        phase=phase,
                        ofsted_rating=ratings[n % len(ratings)],
                    )
                )
        year = academic_year_of(DESIGNED_ON)
        create_cycles(p, schools, years=[year - 1, year], today=DESIGNED_ON, seed=7, enrol_rate=1.0)
    return p, schools


@pytest.fixture
def board_member(partnership_a):
    return member(partnership_a, Role.BOARD_MEMBER)


@pytest.fixture
def coordinator(partnership_a):
    return member(partnership_a, Role.COORDINATOR)


def a_wednesday() -> datetime.date:
    return datetime.date(2026, 11, 18)
