"""Areas and clusters: create, edit, name the chair or lead, assign schools in bulk."""

import pytest
from django.core.exceptions import ValidationError

from partnership.tenancy.models import Membership
from partnership.tenancy.roles import Role
from partnership.tenancy.scoping import partnership_scope
from schools.models import Area, Cluster, School
from schools.services import area_chair_set, cluster_lead_set, cluster_update, schools_assign
from tests.factories import AreaFactory, ClusterFactory, SchoolFactory, UserFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(partnership_a):
    return member(partnership_a, Role.COORDINATOR)


@pytest.fixture
def client(partnership_a, client_at, coordinator):
    return client_at(partnership_a, coordinator)


def scoped(partnership, function):
    with partnership_scope(partnership):
        return function()


def test_create_an_area_with_a_chair_then_change_the_chair(partnership_a, client):
    first = member(partnership_a, Role.HEADTEACHER, user=UserFactory(first_name="Amira", last_name="Ahmed"))
    second = member(partnership_a, Role.HEADTEACHER, user=UserFactory(first_name="Ben", last_name="Baker"))
    response = client.post("/areas/new/", {"name": " West ", "description": "Ashby and Bramford", "chair": first.pk})
    assert response.status_code == 302
    area = scoped(partnership_a, lambda: Area.objects.get())
    assert (area.name, area.description) == ("West", "Ashby and Bramford")
    page = client.get("/areas/").content.decode()
    assert "Amira Ahmed" in page

    response = client.post(f"/areas/{area.pk}/edit/", {"name": "West", "description": "", "chair": second.pk})
    assert response.status_code == 302
    with partnership_scope(partnership_a):
        chairs = list(Membership.objects.filter(role=Role.AREA_CHAIR).order_by("pk"))
    assert [(m.user, m.ended_on is None) for m in chairs] == [(first, False), (second, True)]  # history kept

    client.post(f"/areas/{area.pk}/edit/", {"name": "West", "description": "", "chair": ""})
    with partnership_scope(partnership_a):
        assert not Membership.objects.filter(role=Role.AREA_CHAIR, ended_on__isnull=True).exists()


def test_area_form_errors_keep_what_was_typed(partnership_a, client):
    scoped(partnership_a, lambda: AreaFactory(partnership=partnership_a, name="West"))
    response = client.post("/areas/new/", {"name": "West", "description": "Typed text"})
    page = response.content.decode()
    assert "<title>Error: " in page and "There is already an area with this name." in page
    assert 'value="Typed text"' in page
    response = client.post("/areas/new/", {"name": "  ", "description": ""})
    assert b"Enter the area&#x27;s name." in response.content
    someone_elsewhere = UserFactory()
    response = client.post("/areas/new/", {"name": "North", "chair": someone_elsewhere.pk})
    assert b"Select a valid choice" in response.content
    assert scoped(partnership_a, lambda: Area.objects.count()) == 1


def test_create_a_cluster_with_a_lead_and_move_it_to_another_area(partnership_a, client):
    with partnership_scope(partnership_a):
        west, south = AreaFactory(partnership=partnership_a), AreaFactory(partnership=partnership_a)
    lead = member(partnership_a, Role.HEADTEACHER)
    assert client.post("/areas/clusters/new/", {"name": "West 1", "area": west.pk, "lead": lead.pk}).status_code == 302
    with partnership_scope(partnership_a):
        cluster = Cluster.objects.get()
        schools = [SchoolFactory(partnership=partnership_a, area=west, cluster=cluster) for _ in range(3)]
        assert Membership.objects.get(role=Role.CLUSTER_LEAD, ended_on__isnull=True).user == lead
    response = client.post(
        f"/areas/clusters/{cluster.pk}/edit/", {"name": "South 1", "area": south.pk, "lead": lead.pk}
    )
    assert response.status_code == 302
    with partnership_scope(partnership_a):
        assert {s.area_id for s in School.objects.filter(pk__in=[s.pk for s in schools])} == {south.pk}
        assert Membership.objects.filter(role=Role.CLUSTER_LEAD).count() == 1  # same lead: nothing ended


def test_a_chair_or_lead_must_already_be_in_the_partnership(partnership_a, partnership_b):
    outsider = member(partnership_b, Role.COORDINATOR)
    with partnership_scope(partnership_a):
        area = AreaFactory(partnership=partnership_a)
        with pytest.raises(ValidationError, match="already has a role in the partnership"):
            area_chair_set(area=area, user=outsider)
        cluster = ClusterFactory(partnership=partnership_a)
        with pytest.raises(ValidationError, match="already has a role in the partnership"):
            cluster_lead_set(cluster=cluster, user=outsider)


def test_a_cluster_cannot_join_another_partnerships_area(partnership_a, partnership_b):
    with partnership_scope(partnership_b):
        foreign = AreaFactory(partnership=partnership_b)
    with partnership_scope(partnership_a):
        cluster = ClusterFactory(partnership=partnership_a)
        with pytest.raises(ValidationError, match="another partnership"):
            cluster_update(cluster=cluster, name="X", area=foreign, lead=None)


def test_assign_ticked_schools_to_a_cluster_and_its_area(partnership_a, client):
    with partnership_scope(partnership_a):
        west = AreaFactory(partnership=partnership_a, name="West")
        cluster = ClusterFactory(partnership=partnership_a, name="West 1", area=west)
        schools = [SchoolFactory(partnership=partnership_a, la_code="960") for _ in range(4)]
        closed = SchoolFactory(partnership=partnership_a, la_code="960", status=School.Status.CLOSED)
    page = client.get("/areas/assign/?la=960").content.decode()
    assert all(s.name in page for s in schools) and closed.name not in page

    picked = [schools[0].pk, schools[1].pk]
    response = client.post(
        "/areas/assign/?la=960", {"schools": picked, "action": "cluster", "cluster": cluster.pk, "area": ""}
    )
    assert response.status_code == 302 and response["Location"] == "/areas/assign/?la=960"
    assert b"Moved 2 schools to West 1." in client.get(response["Location"]).content
    with partnership_scope(partnership_a):
        placed = {s.pk: (s.area_id, s.cluster_id) for s in School.objects.all()}
    assert placed[schools[0].pk] == placed[schools[1].pk] == (west.pk, cluster.pk)
    assert placed[schools[2].pk] == (None, None)

    again = client.post(
        "/areas/assign/?la=960",
        {"schools": [*picked, schools[2].pk], "action": "cluster", "cluster": cluster.pk},
        follow=True,
    )
    assert b"Moved 1 school to West 1. 2 were already there." in again.content


def test_moving_to_another_area_takes_schools_out_of_a_cluster_of_the_old_area(partnership_a):
    with partnership_scope(partnership_a):
        west, south = AreaFactory(partnership=partnership_a), AreaFactory(partnership=partnership_a)
        cluster = ClusterFactory(partnership=partnership_a, area=west)
        school = SchoolFactory(partnership=partnership_a, area=west, cluster=cluster)
        unchanged = SchoolFactory(partnership=partnership_a, area=south)
        before = School.objects.get(pk=unchanged.pk).updated_at
        result = schools_assign(
            partnership=partnership_a,
            schools=School.objects.filter(pk__in=[school.pk, unchanged.pk]).select_related("cluster"),
            area=south,
        )
        assert (result.changed, result.unchanged, result.left_cluster) == (1, 1, 1)
        school.refresh_from_db()
        assert (school.area, school.cluster) == (south, None)
        assert School.objects.get(pk=unchanged.pk).updated_at == before  # untouched


def test_assign_errors_keep_the_ticks_and_change_nothing(partnership_a, client):
    with partnership_scope(partnership_a):
        schools = [SchoolFactory(partnership=partnership_a) for _ in range(2)]
    response = client.post("/areas/assign/", {"schools": [schools[0].pk], "action": "area", "area": ""})
    page = response.content.decode()
    assert "<title>Error: " in page and "Choose the area to move the schools to." in page
    assert f'value="{schools[0].pk}" id="id_schools_0" checked' in page
    response = client.post("/areas/assign/", {"action": "remove"})
    assert b"Select the schools to move." in response.content
    response = client.post("/areas/assign/", {"schools": [999999], "action": "remove"})
    assert b"no longer in the partnership" in response.content


def test_another_partnerships_schools_cannot_be_assigned(partnership_a, partnership_b, client):
    with partnership_scope(partnership_b):
        foreign = SchoolFactory(partnership=partnership_b)
    with partnership_scope(partnership_a):
        area = AreaFactory(partnership=partnership_a)
    response = client.post("/areas/assign/", {"schools": [foreign.pk], "action": "area", "area": area.pk})
    assert b"no longer in the partnership" in response.content
    with partnership_scope(partnership_b):
        assert School.objects.get(pk=foreign.pk).area_id is None


@pytest.mark.parametrize("path", ["/areas/", "/areas/assign/"])
def test_area_pages_queries_do_not_grow(partnership_a, client, path, django_assert_max_num_queries):
    with partnership_scope(partnership_a):
        areas = [AreaFactory(partnership=partnership_a) for _ in range(4)]
        clusters = [ClusterFactory(partnership=partnership_a, area=areas[n % 4]) for n in range(12)]
        for n in range(80):
            SchoolFactory(partnership=partnership_a, area=areas[n % 4], cluster=clusters[n % 12])
    for area in areas:
        member(partnership_a, Role.AREA_CHAIR, area=area)
    for cluster in clusters:
        member(partnership_a, Role.CLUSTER_LEAD, cluster=cluster)
    with django_assert_max_num_queries(14):
        assert client.get(path).status_code == 200


@pytest.mark.parametrize("role", [r for r in Role if r != Role.COORDINATOR])
def test_only_coordinators_manage_areas(partnership_a, client_at, role):
    with partnership_scope(partnership_a):
        area, cluster = AreaFactory(partnership=partnership_a), ClusterFactory(partnership=partnership_a)
    client = client_at(partnership_a, member(partnership_a, role))
    for path in ["/areas/", "/areas/new/", f"/areas/{area.pk}/edit/", "/areas/clusters/new/",
                 f"/areas/clusters/{cluster.pk}/edit/", "/areas/assign/"]:  # fmt: skip
        assert client.get(path).status_code == 404, path
    assert client.post(f"/areas/{area.pk}/edit/", {"name": "Renamed"}).status_code == 404
    assert scoped(partnership_a, lambda: Area.objects.get(pk=area.pk).name) == area.name
