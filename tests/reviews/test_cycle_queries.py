"""The cycle set-up pages read a fixed number of queries whatever the number of schools (two sizes each)."""

import pytest

from reviews.services import groups as services
from tests.reviews.factories_cycles import county

pytestmark = pytest.mark.django_db

PAGES = {
    "enrolment": ("/cycles/{pk}/enrolment/", 12),
    "groups": ("/cycles/{pk}/groups/", 14),
    "overview": ("/cycles/{pk}/", 14),
    "reviews": ("/cycles/{pk}/reviews/", 8),
    "publish": ("/cycles/{pk}/publish/", 15),
    "training": ("/cycles/{pk}/training/", 10),
    "home": ("/", 17),
}
PUBLISHED_FIRST = {"overview", "reviews", "home"}


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
