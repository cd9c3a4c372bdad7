"""The cycle set-up pages read a fixed number of queries whatever the number of schools (two sizes each)."""

import re

import pytest

from reviews.models import FocusArea, ReviewStatus
from reviews.services import groups as services
from tests.reviews.factories import CycleFactory, enrol, review_scenario, write_findings
from tests.reviews.factories_cycles import county
from tests.reviews.factories_visit import add_note

pytestmark = pytest.mark.django_db

PAGES = {
    "enrolment": ("/cycles/{pk}/enrolment/", 12),
    "groups": ("/cycles/{pk}/groups/", 14),
    "overview": ("/cycles/{pk}/", 14),
    "reviews": ("/cycles/{pk}/reviews/", 8),
    "publish": ("/cycles/{pk}/publish/", 15),
    "training": ("/cycles/{pk}/training/", 10),
    # 17, plus 1 for the coordinator's board terms ending soon (governance's home section), 1 for the improvement
    # section (plans with overdue actions or visits due) and 2 for improvement's next steps (support, grant reports).
    "home": ("/", 21),
    "cycle list": ("/cycles/", 5),
    "review list": ("/reviews/", 10),
}
PUBLISHED_FIRST = {"overview", "reviews", "home", "cycle list", "review list"}


def grouped_county(partnership, scope_of, schools: int, publish: bool):
    world = county(partnership, schools=schools, trust_every=5)
    with scope_of(partnership):
        services.grouping_run_start(cycle=world.cycle, actor=world.coordinator)
        if publish:
            services.groups_publish(cycle=world.cycle, actor=world.coordinator)
    return world


@pytest.mark.parametrize("schools", [9, 45])
@pytest.mark.parametrize("page", sorted(PAGES))
def test_page_queries_do_not_grow_with_the_schools(
    partnership_a, client_at, scope_of, django_assert_max_num_queries, schools, page
):
    world = grouped_county(partnership_a, scope_of, schools, publish=page in PUBLISHED_FIRST)
    url, limit = PAGES[page]
    client = client_at(partnership_a, world.coordinator)
    client.get("/")  # warm the session
    with django_assert_max_num_queries(limit):
        response = client.get(url.format(pk=world.cycle.pk))
    assert response.status_code == 200


@pytest.mark.parametrize("earlier_cycles", [0, 3])
def test_the_cycle_list_counts_each_cycle_with_the_same_queries_however_many_cycles(
    partnership_a, client_at, scope_of, django_assert_max_num_queries, earlier_cycles
):
    world = grouped_county(partnership_a, scope_of, 12, publish=True)
    with scope_of(partnership_a):
        for year in range(earlier_cycles):
            earlier = CycleFactory(
                partnership=partnership_a, name=f"Peer review {2022 + year}", academic_year_start=2022 + year
            )
            for school in world.schools[: year + 1]:
                enrol(earlier, school)
    client = client_at(partnership_a, world.coordinator)
    client.get("/")
    with django_assert_max_num_queries(PAGES["cycle list"][1]):
        response = client.get("/cycles/")
    rows = [
        [cell.strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>\s*<td>.*?</tr>", response.content.decode(), re.S)
    ]
    # Enrolled, groups and reviews of the current cycle are counted separately, never multiplied by each other.
    assert re.sub(r"<[^>]+>", "", rows[0][0]) == "Peer review 2026/27"
    assert rows[0][2:5] == ["12", "4", "12"]
    assert [row[2:5] for row in rows[1:]] == [[str(year + 1), "0", "0"] for year in reversed(range(earlier_cycles))]


@pytest.mark.parametrize("extra_areas", [0, 10])
def test_the_focus_areas_page_says_what_uses_each_area_with_the_same_queries_however_many(
    partnership_a, client_at, scope_of, django_assert_max_num_queries, extra_areas
):
    s = review_scenario(partnership_a, status=ReviewStatus.VISITED)
    with scope_of(partnership_a):
        first, second, third = s.review.cycle.focus_areas.order_by("position")[:3]
        write_findings(s.review)  # one finding on each of the first two areas
        add_note(s.review, s.reviewer, focus_areas=[first, third])
        add_note(s.review, s.lead_reviewer, focus_areas=[first])
        for index in range(extra_areas):
            extra = FocusArea.objects.create(
                partnership=partnership_a, cycle=s.review.cycle, name=f"Extra {index}", position=100 + index
            )
            add_note(s.review, s.reviewer, focus_areas=[extra])
    client = client_at(partnership_a, s.coordinator)
    client.get("/")
    with django_assert_max_num_queries(8):
        response = client.get(f"/cycles/{s.review.cycle.pk}/focus-areas/")
    page = " ".join(response.content.decode().split())
    assert "1 finding, 2 evidence notes" in page
    assert "1 finding" in page.split(second.name, 1)[1]
    assert "1 evidence note" in page.split(third.name, 1)[1]
