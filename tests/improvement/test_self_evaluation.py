"""The partnership's self-evaluation: a year's ratings are all or nothing, pre-filled with the evidence the portal
holds, compared side by side; only coordinators; another partnership's people get a 404; bounded queries."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from improvement.models import Strand, StrandRating
from improvement.selectors.self_evaluation import held_evidence, partnerships_side_by_side, years_side_by_side
from improvement.services.self_evaluation import self_evaluation_save, strand_create
from partnership.tenancy.roles import Role
from partnership.tenancy.scoping import partnership_scope
from tests.factories import ClusterFactory, member

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


def test_each_local_partnership_rates_itself_apart_from_the_whole(partnership_a, scope_of):
    first, second = rubric(partnership_a)
    north, south = (
        ClusterFactory(partnership=partnership_a, name="North"),
        ClusterFactory(partnership=partnership_a, name="South"),
    )
    whole = {first.pk: (2, "Whole"), second.pk: (2, "Whole")}
    with scope_of(partnership_a):
        self_evaluation_save(partnership=partnership_a, year=2025, ratings=whole, actor=None)
        for cluster, level in ((north, 4), (south, 1)):
            ratings = {first.pk: (level, cluster.name), second.pk: (level, cluster.name)}
            self_evaluation_save(partnership=partnership_a, year=2025, ratings=ratings, actor=None, cluster=cluster)
            self_evaluation_save(partnership=partnership_a, year=2025, ratings=ratings, actor=None, cluster=cluster)
        assert StrandRating.objects.count() == 6
        _, columns, rows = partnerships_side_by_side(2025)
        assert columns == ["The whole partnership", "North", "South"]
        assert [[r.level for r in ratings] for _, ratings in rows] == [[2, 4, 1], [2, 4, 1]]
        _, years, by_year = years_side_by_side(north)
        assert years == [2025] and by_year[(first.pk, 2025)].evidence == "North"
        assert "school categories" not in held_evidence(2025, north)  # confidential to each school: left out


PEOPLE = ["coordinator", "lead", "other_lead", "head", "board_member"]


@pytest.mark.parametrize("person", PEOPLE)
def test_who_may_rate_and_compare_local_partnerships(partnership_a, partnership_b, client_at, person):
    rubric(partnership_a)
    cluster = ClusterFactory(partnership=partnership_a, name="North")
    people = {
        "coordinator": member(partnership_a, Role.COORDINATOR),
        "lead": member(partnership_a, Role.CLUSTER_LEAD, cluster=cluster),
        "other_lead": member(partnership_a, Role.CLUSTER_LEAD),
        "head": member(partnership_a, Role.HEADTEACHER),
        "board_member": member(partnership_a, Role.BOARD_MEMBER),
    }
    client = client_at(partnership_a, people[person])
    expected = {
        reverse("improvement_cluster_self_evaluation", args=[cluster.pk]): {"coordinator", "lead"},
        reverse("improvement_cluster_self_evaluation_year", args=[cluster.pk, 2025]): {"coordinator", "lead"},
        reverse("improvement_self_evaluation_compare", args=[2025]): {"coordinator"},
        reverse("improvement_rubric"): {"coordinator"},
    }
    for path, allowed in expected.items():
        assert client.get(path).status_code == (200 if person in allowed else 404), (path, person)
    if person == "lead":
        assert "Self-evaluation: North" in client.get("/").content.decode()
    if person == "coordinator":
        outsider = client_at(partnership_a, member(partnership_b, Role.COORDINATOR))
        for path in expected:
            assert outsider.get(path).status_code == 404


def test_the_lead_rates_the_cluster_through_its_page(partnership_a, client_at, scope_of):
    first, second = rubric(partnership_a)
    cluster = ClusterFactory(partnership=partnership_a, name="North")
    client = client_at(partnership_a, member(partnership_a, Role.CLUSTER_LEAD, cluster=cluster))
    path = reverse("improvement_cluster_self_evaluation_year", args=[cluster.pk, 2025])
    assert "the schools of North" in client.get(path).content.decode()
    data = {f"level_{first.pk}": "4", f"evidence_{first.pk}": "Peer reviews in every school"}
    assert "Choose a level for strand 2" in client.post(path, data).content.decode()
    data |= {f"level_{second.pk}": "3", f"evidence_{second.pk}": "CPD"}
    assert client.post(path, data).status_code == 302
    with scope_of(partnership_a):
        assert set(StrandRating.objects.values_list("cluster_id", flat=True)) == {cluster.pk}
    assert "Leading" in client.get(reverse("improvement_cluster_self_evaluation", args=[cluster.pk])).content.decode()


def test_the_coordinator_rewords_the_rubric_and_adds_a_strand_once(partnership_a, client_at, scope_of):
    first, _ = rubric(partnership_a)
    client = client_at(partnership_a, member(partnership_a, Role.COORDINATOR))
    edit = reverse("improvement_strand", args=[first.pk])
    words = {f"level_{n}": f"Level {n} words" for n in range(1, 5)}
    refused = client.post(edit, {"name": "Strand 2", **words})
    assert "already has a strand called Strand 2" in refused.content.decode()
    assert client.post(edit, {"name": "Shared vision", **words}).status_code == 302
    with scope_of(partnership_a):
        assert Strand.objects.get(pk=first.pk).descriptors == [f"Level {n} words" for n in range(1, 5)]
    add = reverse("improvement_rubric")
    token = client.get(add).context["form"]["submission"].initial
    blank = client.post(add, {"submission": token, "name": "Governance", **words, "level_3": ""})
    assert "Describe the level Embedded." in blank.content.decode()
    data = {"submission": token, "name": "Governance", **words}
    assert client.post(add, data).status_code == 302
    assert client.post(add, data).status_code == 302  # sent again: one strand
    with scope_of(partnership_a):
        assert Strand.objects.filter(name="Governance").count() == 1
        assert Strand.objects.get(name="Governance").position == 3


@pytest.mark.parametrize("clusters", [1, 8])
def test_the_comparison_reads_in_bounded_queries(partnership_a, client_at, django_assert_max_num_queries, clusters):
    made = rubric(partnership_a, 6)
    with partnership_scope(partnership_a):
        for number in range(clusters):
            cluster = ClusterFactory(partnership=partnership_a, name=f"Cluster {number}")
            self_evaluation_save(
                partnership=partnership_a,
                year=2025,
                ratings={s.pk: (2, "e") for s in made},
                actor=None,
                cluster=cluster,
            )
    client = client_at(partnership_a, member(partnership_a, Role.COORDINATOR))
    with django_assert_max_num_queries(10):
        assert client.get(reverse("improvement_self_evaluation_compare", args=[2025])).status_code == 200
