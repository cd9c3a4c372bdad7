"""The platform admin: operators only, on the portal address, across partnerships, signed in through the portal's
own sign-in (failed sign-in limits) with two-factor authentication."""

import time

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.test import Client

from tests.factories import PASSWORD, SchoolFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def second_factor_required(settings):
    settings.PLATFORM_ADMIN_REQUIRES_TWO_FACTOR = True  # as in production


def test_production_requires_the_second_factor():
    from partnership import settings as production_settings

    assert production_settings.PLATFORM_ADMIN_REQUIRES_TWO_FACTOR is True


@pytest.fixture
def operator():
    user = UserFactory(is_staff=True, is_superuser=True)
    user.totp_secret = generate_totp_secret()
    TOTP.activate(user, user.totp_secret)
    return user


def signed_in_with_code(operator) -> Client:
    """The operator signed in on the portal address as a person would: password, then the authenticator's code."""
    client = Client(HTTP_HOST="localhost")
    response = client.post("/accounts/login/", {"login": operator.email, "password": PASSWORD})
    assert response["Location"].startswith("/accounts/2fa/authenticate/")
    code = format_hotp_value(hotp_value(operator.totp_secret, int(time.time()) // 30))
    assert client.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 302
    return client


def test_operator_sees_every_partnerships_rows_on_the_portal_address(operator, partnership_a, partnership_b):
    SchoolFactory(partnership=partnership_a, name="Alpha School")
    SchoolFactory(partnership=partnership_b, name="Beta School")
    client = signed_in_with_code(operator)
    page = client.get("/admin/schools/school/")
    assert page.status_code == 200
    assert b"Alpha School" in page.content and b"Beta School" in page.content
    assert client.get("/admin/schools/school/add/").status_code == 403


def test_admin_is_not_offered_on_a_partnerships_address(client_at, operator, partnership_a):
    response = client_at(partnership_a, operator).get("/admin/")
    assert response.status_code in (302, 404)
    assert client_at(partnership_a, operator).get("/admin/schools/school/").status_code != 200


def test_ordinary_people_cannot_use_the_admin(client_at):
    assert client_at(None, UserFactory()).get("/admin/")["Location"].startswith("/admin/login/")
    assert client_at(None, UserFactory()).get("/admin/login/").status_code == 403


def test_the_admin_has_no_password_form_of_its_own(client_at, operator):
    """Django's own admin sign-in skipped two-factor authentication and the failed sign-in limits."""
    anonymous = client_at(None)
    response = anonymous.get("/admin/")
    assert response["Location"].startswith("/admin/login/")
    response = anonymous.get(response["Location"])
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")
    posted = anonymous.post("/admin/login/", {"username": operator.email, "password": PASSWORD})
    assert posted["Location"].startswith("/accounts/login/")
    assert anonymous.get("/admin/")["Location"].startswith("/admin/login/"), "not signed in"


def test_an_operator_signed_in_without_a_code_is_sent_to_set_up_or_use_two_factor(client_at, operator):
    with_password_only = client_at(None, operator)  # as after a password sign-in, before any second step
    response = with_password_only.get("/admin/", follow=True)
    assert response.status_code == 403
    assert b"two-factor authentication" in response.content
    assert with_password_only.get("/admin/schools/school/").status_code == 302
    assert signed_in_with_code(operator).get("/admin/").status_code == 200


def test_an_operator_without_two_factor_cannot_use_the_admin(client_at):
    unenrolled = UserFactory(is_staff=True, is_superuser=True)
    client = Client(HTTP_HOST="localhost")
    client.post("/accounts/login/", {"login": unenrolled.email, "password": PASSWORD})
    assert client.get("/admin/", follow=True).status_code == 403
    assert b"set up two-factor authentication" in client.get("/admin/login/").content
