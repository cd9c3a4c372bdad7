"""Issue 12: groups made by the solver say so, before and after publishing; a group made or changed by hand says
that; the explanation is in plain words, with points and the lower bound only under details."""

import re

import pytest

from reviews.models import ReviewGroup
from reviews.services import groups as services
from tests.reviews.factories_cycles import county

pytestmark = pytest.mark.django_db


def outside_details(page: str) -> str:
    return re.sub(r"<details.*?</details>", "", page, flags=re.S)


def test_solver_groups_say_so_and_a_changed_one_says_by_hand(partnership_a, client_at, scope_of):
    world = county(partnership_a, schools=9)
    with scope_of(partnership_a):
        services.grouping_run_start(cycle=world.cycle, actor=world.coordinator)  # eager Celery: runs inline
        groups = list(ReviewGroup.objects.filter(cycle=world.cycle).order_by("number"))
        assert len(groups) == 3 and all(g.proposed_automatically for g in groups)
        services.group_remove_school(group=groups[0], school=groups[0].members.first().school)
    client = client_at(partnership_a, world.coordinator)
    page = client.get(f"/cycles/{world.cycle.pk}/groups/").content.decode()
    assert page.count("Proposed by the portal") == 2
    assert page.count("Made or changed by hand") == 1
    assert "By hand<" not in page
    words = outside_details(page).lower()
    for jargon in ("points", "lower bound", "cost"):
        assert jargon not in words, jargon
    assert "How well they fit" in page and "The figures behind the proposal" in page
    assert "Lower bound:" in page  # the numbers are still there for whoever opens the details


def test_solver_groups_still_say_so_once_published(partnership_a, client_at, scope_of):
    world = county(partnership_a, schools=6)
    with scope_of(partnership_a):
        services.grouping_run_start(cycle=world.cycle, actor=world.coordinator)
        services.groups_publish(cycle=world.cycle, actor=world.coordinator)
    page = client_at(partnership_a, world.coordinator).get(f"/cycles/{world.cycle.pk}/groups/").content.decode()
    assert "The groups were published" in page
    assert page.count("Proposed by the portal") == 2 and "Made or changed by hand" not in page


def test_the_run_page_says_how_well_the_groups_fit_in_words(partnership_a, client_at, scope_of):
    world = county(partnership_a, schools=6)
    with scope_of(partnership_a):
        run = services.grouping_run_start(cycle=world.cycle, actor=world.coordinator)
    page = client_at(partnership_a, world.coordinator).get(f"/cycles/{world.cycle.pk}/groups/proposals/{run.pk}/")
    text = page.content.decode()
    assert "2 groups proposed" in text
    assert "points" not in text and "lower bound" not in text.lower()
