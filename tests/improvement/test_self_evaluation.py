"""The partnership's self-evaluation: a year's ratings are all or nothing, pre-filled with the evidence the portal
holds, compared side by side; only coordinators; another partnership's people get a 404; bounded queries."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from improvement.models import StrandRating
from improvement.services.self_evaluation import self_evaluation_save, strand_create
from partnership.tenancy.roles import Role
from partnership.tenancy.scoping import partnership_scope
from tests.factories import member

pytestmark = pytest.mark.django_db
LEVELS = ["Emerging sign", "Developing sign", "Embedded sign", "Leading sign"]


def rubric(partnership, strands: int = 2):
    with partnership_scope(partnership):
        return [
            strand_create(partnership=partnership, name=f"Strand {n}", position=n, descriptors=LEVELS)
            for n in range(1, strands + 1)
        ]


def test_a_year_is_rated_whole_or_not_at_all(partnership_a, scope_of):
    first, second = rubric(partnership_a)
    with scope_of(partnership_a):
        with pytest.raises(ValidationError) as refused:
            self_evaluation_save(partnership=partnership_a, year=2025, ratings={first.pk: (3, "Reviews")}, actor=None)
        assert set(refused.value.error_dict) == {f"level_{second.pk}", f"evidence_{second.pk}"}
        assert not StrandRating.objects.exists()
        ratings = {first.pk: (3, "Reviews"), second.pk: (2, "CPD")}
        self_evaluation_save(partnership=partnership_a, year=2025, ratings=ratings, actor=None)
        self_evaluation_save(partnership=partnership_a, year=2025, ratings=ratings, actor=None)
        assert StrandRating.objects.count() == 2
        with pytest.raises(ValidationError, match="academic year"):
            self_evaluation_save(partnership=partnership_a, year=1999, ratings=ratings, actor=None)


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.HEADTEACHER, Role.BOARD_MEMBER, Role.GOVERNOR, Role.STAFF])
def test_only_coordinators_rate_the_partnership(partnership_a, client_at, role):
    rubric(partnership_a)
    client = client_at(partnership_a, member(partnership_a, role))
    for path in (reverse("improvement_self_evaluation"), reverse("improvement_self_evaluation_year", args=[2025])):
        assert client.get(path).status_code == (200 if role == Role.COORDINATOR else 404)


def test_the_coordinator_rates_a_year_and_compares_it(partnership_a, partnership_b, client_at, scope_of):
    first, second = rubric(partnership_a)
    coordinator = member(partnership_a, Role.COORDINATOR)
    client = client_at(partnership_a, coordinator)
    path = reverse("improvement_self_evaluation_year", args=[2025])
    form = client.get(path).content.decode()
    assert "What the portal holds: In 2025/26: 0 peer reviews" in form and "Leading: Leading sign" in form
    partial = client.post(path, {f"level_{first.pk}": "3", f"evidence_{first.pk}": "Reviews"})
    assert "Choose a level for strand 2" in partial.content.decode()
    data = {
        f"level_{first.pk}": "3",
        f"evidence_{first.pk}": "Reviews",
        f"level_{second.pk}": "1",
        f"evidence_{second.pk}": "x",
    }
    assert client.post(path, data).status_code == 302
    page = client.get(reverse("improvement_self_evaluation")).content.decode()
    assert "2025/26" in page and "Embedded" in page and "Emerging" in page
    outsider = client_at(partnership_a, member(partnership_b, Role.COORDINATOR))
    assert outsider.get(reverse("improvement_self_evaluation")).status_code == 404
    assert outsider.get(path).status_code == 404


@pytest.mark.parametrize("strands", [2, 12])
def test_the_pages_read_in_a_bounded_number_of_queries(
    partnership_a, client_at, django_assert_max_num_queries, strands
):
    made = rubric(partnership_a, strands)
    with partnership_scope(partnership_a):
        for year in (2023, 2024, 2025):
            self_evaluation_save(
                partnership=partnership_a, year=year, ratings={s.pk: (2, "e") for s in made}, actor=None
            )
    client = client_at(partnership_a, member(partnership_a, Role.COORDINATOR))
    with django_assert_max_num_queries(12):
        assert client.get(reverse("improvement_self_evaluation")).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(reverse("improvement_self_evaluation_year", args=[2025])).status_code == 200
