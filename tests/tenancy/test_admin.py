"""The platform admin: operators only, on the portal address, across partnerships."""

import pytest

from tests.factories import SchoolFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator():
    return UserFactory(is_staff=True, is_superuser=True)


def test_operator_sees_every_partnerships_rows_on_the_portal_address(client_at, operator, partnership_a, partnership_b):
    SchoolFactory(partnership=partnership_a, name="Alpha School")
    SchoolFactory(partnership=partnership_b, name="Beta School")
    page = client_at(None, operator).get("/admin/schools/school/")
    assert page.status_code == 200
    assert b"Alpha School" in page.content and b"Beta School" in page.content
    assert client_at(None, operator).get("/admin/schools/school/add/").status_code == 403


def test_admin_is_not_offered_on_a_partnerships_address(client_at, operator, partnership_a):
    response = client_at(partnership_a, operator).get("/admin/")
    assert response.status_code in (302, 404)
    assert client_at(partnership_a, operator).get("/admin/schools/school/").status_code != 200


def test_ordinary_people_cannot_use_the_admin(client_at):
    assert client_at(None, UserFactory()).get("/admin/")["Location"].startswith("/admin/login/")
