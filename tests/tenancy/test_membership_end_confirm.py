"""Issue 12: ending a role asks first (the GOV.UK confirmation pattern): the link opens a page that says who and
what, and only its button ends the role."""

import pytest

from partnership.tenancy.models import Membership
from partnership.tenancy.roles import Role
from tests.factories import SchoolFactory, UserFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def governor(partnership_a, scope_of):
    with scope_of(partnership_a):
        school = SchoolFactory(partnership=partnership_a, name="Millbrook Primary School")
    person = UserFactory(first_name="Gwen", last_name="Governor")
    member(partnership_a, Role.GOVERNOR, user=person, school=school)
    with scope_of(partnership_a):
        return Membership.objects.select_related("school").get(user=person)


def test_the_link_asks_first_and_the_button_ends_the_role(partnership_a, client_at, scope_of, governor):
    client = client_at(partnership_a, member(partnership_a, Role.COORDINATOR))
    url = f"/people/roles/{governor.pk}/end/"
    assert f'href="{url}"' in client.get("/people/").content.decode()
    page = client.get(url).content.decode()
    assert "Are you sure you want to end this role?" in page
    assert "Gwen Governor" in page and "Millbrook Primary School" in page and "Yes, end the role" in page
    with scope_of(partnership_a):
        governor.refresh_from_db()
        assert governor.ended_on is None  # asking changes nothing
    response = client.post(url, {"next": "/people/"})
    assert response.status_code == 302 and response["Location"] == "/people/"
    with scope_of(partnership_a):
        governor.refresh_from_db()
        assert governor.ended_on is not None
    assert client.get(url).status_code == 404  # ended already


def test_the_page_goes_back_where_the_person_came_from_but_never_off_the_site(
    partnership_a, client_at, scope_of, governor
):
    client = client_at(partnership_a, member(partnership_a, Role.COORDINATOR))
    url = f"/people/roles/{governor.pk}/end/"
    page = client.get(f"{url}?next=/schools/{governor.school.urn}/").content.decode()
    assert f'name="next" value="/schools/{governor.school.urn}/"' in page
    page = client.get(f"{url}?next=https://evil.example/").content.decode()
    assert "evil.example" not in page and 'name="next" value="/people/"' in page


@pytest.mark.parametrize("role", [r for r in Role if r != Role.COORDINATOR])
def test_people_who_may_not_end_it_get_a_404(partnership_a, client_at, scope_of, governor, role):
    client = client_at(partnership_a, member(partnership_a, role))
    url = f"/people/roles/{governor.pk}/end/"
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    with scope_of(partnership_a):
        governor.refresh_from_db()
        assert governor.ended_on is None


def test_another_partnerships_coordinator_gets_a_404(partnership_a, partnership_b, client_at, scope_of, governor):
    outsider = member(partnership_b, Role.COORDINATOR)
    for client in (client_at(partnership_b, outsider), client_at(partnership_a, outsider)):
        assert client.get(f"/people/roles/{governor.pk}/end/").status_code == 404
        assert client.post(f"/people/roles/{governor.pk}/end/").status_code == 404
    with scope_of(partnership_a):
        governor.refresh_from_db()
        assert governor.ended_on is None
