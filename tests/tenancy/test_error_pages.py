"""403, 404 and 500 pages in the portal's own style, branded when the partnership is known."""

import pytest
from django.test import RequestFactory

from partnership.tenancy import errors

pytestmark = pytest.mark.django_db


def request_at(partnership):
    request = RequestFactory().get("/anything/", HTTP_HOST=f"{partnership.slug}.localhost")
    request.partnership = partnership
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    return request


def test_server_error_page_is_branded_and_needs_no_database(partnership_a, django_assert_num_queries):
    request = request_at(partnership_a)
    with django_assert_num_queries(0):
        response = errors.server_error(request)
    assert response.status_code == 500
    assert b"Sorry, there is a problem with the service" in response.content
    assert b"Alpha Partnership" in response.content
    assert b'href="#main-content"' in response.content


def test_permission_denied_page(partnership_a):
    response = errors.permission_denied(request_at(partnership_a))
    assert response.status_code == 403
    assert b"You cannot do that" in response.content
    assert b"Alpha Partnership" in response.content


def test_not_found_page_offers_the_persons_own_partnerships(partnership_a, partnership_b, client_at):
    from partnership.tenancy.roles import Role
    from tests.factories import member

    person = member(partnership_b, Role.GOVERNOR)
    page = client_at(partnership_a, person).get("/")
    assert page.status_code == 404
    assert b"Your partnerships" in page.content and b"Beta Partnership" in page.content
