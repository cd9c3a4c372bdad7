"""No row of one partnership may ever reach another."""

import uuid

import pytest
from celery import shared_task
from django.http import HttpResponse
from django.urls import URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter, UUIDConverter
from django.urls.resolvers import RoutePattern

from partnership.accounts.models import Invitation
from partnership.tenancy.models import Membership
from partnership.tenancy.roles import Role
from partnership.tenancy.scoping import ScopeError, partnership_scope
from partnership.tenancy.tasks import TenantTask
from schools.models import School
from tests.factories import InvitationFactory, SchoolFactory, member

pytestmark = pytest.mark.django_db


@shared_task(base=TenantTask)
def visible_school_urns() -> list[int]:
    return sorted(School.objects.values_list("urn", flat=True))


@shared_task(base=TenantTask)
def fetch_school(*, school_id: int) -> str:
    return School.objects.get(pk=school_id).name


SAMPLE_ARGUMENT = {IntConverter: 1, UUIDConverter: uuid.UUID(int=1)}
# The only pages a signed-in non-member may open: signing out, accepting an invitation to join, the hand-off from
# the portal address and the partnership's logo (partnership/tenancy/middleware.py). Widening it fails below.
OPEN_TO_NON_MEMBERS = {"account_logout", "invitation_accept", "tenant_handoff", "partnership_logo"}


def every_page() -> list[tuple[str, object]]:
    """(name, URL pattern) of every page of a partnership's site, read from the URL patterns. The platform's
    admin site is left out: it is not a partnership's page (tests/tenancy/test_admin.py)."""
    pages = []

    def walk(patterns, namespace: str | None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace != "admin":
                    walk(pattern.url_patterns, pattern.namespace or namespace)
            else:
                pages.append((f"{namespace}:{pattern.name}" if namespace else pattern.name, pattern))

    walk(get_resolver().url_patterns, None)
    return pages


def address_of(name: str, pattern) -> str:
    """The page's address with made-up arguments: no object needs to exist, the door shuts before any view."""
    if isinstance(pattern.pattern, RoutePattern):
        kwargs = {key: SAMPLE_ARGUMENT.get(type(c), "x") for key, c in pattern.pattern.converters.items()}
    else:
        kwargs = dict.fromkeys(pattern.pattern.regex.groupindex, "1")
    return reverse(name, kwargs=kwargs)


def test_member_of_a_gets_404_on_b_for_every_page(partnership_a, partnership_b, client_at, monkeypatch):
    """Every page, read from the URL patterns, shuts on a member of another partnership before its view runs: each
    view is replaced by one that records that it ran, so a page whose own checks happen to answer 404 (an object
    that does not exist, a role the person lacks) still fails here if the door let the person through."""
    coordinator_a = member(partnership_a, Role.COORDINATOR)
    pages = [(name, pattern) for name, pattern in every_page() if name not in OPEN_TO_NON_MEMBERS]
    assert len(pages) > 100, "the pages are read from the URL patterns"
    reached = []
    for name, pattern in pages:

        def stand_in(request, *args, _name=name, **kwargs):
            reached.append(_name)
            return HttpResponse("the view ran")

        monkeypatch.setattr(pattern, "callback", stand_in)
    client = client_at(partnership_b, coordinator_a)
    answers = {}
    for name, pattern in pages:
        path = address_of(name, pattern)
        answers[path] = (client.get(path).status_code, client.post(path).status_code)
    assert reached == []
    assert {path: codes for path, codes in answers.items() if codes != (404, 404)} == {}

    own = client_at(partnership_a, coordinator_a)
    assert own.get("/").status_code == 200 and reached == ["home"], "at their own partnership the views run"


def test_object_of_a_requested_through_b_is_404(partnership_a, partnership_b, client_at):
    coordinator_a = member(partnership_a, Role.COORDINATOR)
    coordinator_b = member(partnership_b, Role.COORDINATOR)
    head_a = member(partnership_a, Role.HEADTEACHER)
    with partnership_scope(partnership_a):
        membership_a = Membership.objects.get(user=head_a)
    invitation_a = InvitationFactory(partnership=partnership_a)

    client_b = client_at(partnership_b, coordinator_b)
    assert client_b.post(f"/people/roles/{membership_a.pk}/end/").status_code == 404
    assert client_b.post(f"/invitations/{invitation_a.pk}/withdraw/").status_code == 404
    assert client_b.post(f"/invitations/{invitation_a.pk}/resend/").status_code == 404
    with partnership_scope(partnership_a):
        assert Membership.objects.get(pk=membership_a.pk).ended_on is None
        assert Invitation.objects.get(pk=invitation_a.pk).revoked_at is None

    # The same object through its own partnership's address works, which shows the 404 above is isolation.
    response = client_at(partnership_a, coordinator_a).post(f"/invitations/{invitation_a.pk}/withdraw/")
    assert response.status_code == 302


def test_invitation_link_of_a_is_not_valid_at_b(partnership_a, partnership_b, client_at):
    InvitationFactory(partnership=partnership_a, token="alpha-token")
    assert client_at(partnership_b).get("/join/alpha-token/").status_code == 404
    assert client_at(partnership_a).get("/join/alpha-token/").status_code == 200


def test_query_outside_a_scope_raises(partnership_a):
    SchoolFactory(partnership=partnership_a)
    with pytest.raises(ScopeError):
        list(School.objects.all())
    with pytest.raises(ScopeError):
        School.objects.count()
    with pytest.raises(ScopeError):
        Membership.objects.filter(role=Role.COORDINATOR).exists()


def test_scope_shows_only_its_own_rows(partnership_a, partnership_b):
    SchoolFactory(partnership=partnership_a, urn=111111)
    SchoolFactory(partnership=partnership_b, urn=222222)
    with partnership_scope(partnership_a):
        assert list(School.objects.values_list("urn", flat=True)) == [111111]
    with partnership_scope(partnership_b):
        assert list(School.objects.values_list("urn", flat=True)) == [222222]


def test_celery_task_for_a_sees_none_of_bs_rows(partnership_a, partnership_b):
    SchoolFactory(partnership=partnership_a, urn=111111)
    school_b = SchoolFactory(partnership=partnership_b, urn=222222)
    assert visible_school_urns.delay(partnership_id=partnership_a.pk).get() == [111111]
    with pytest.raises(School.DoesNotExist):
        fetch_school.delay(partnership_id=partnership_a.pk, school_id=school_b.pk).get()


def test_tenant_task_refuses_to_run_without_a_partnership():
    with pytest.raises(TypeError):
        visible_school_urns.delay().get()


def test_unknown_partnership_address_is_404(db, client_at):
    from django.test import Client

    assert Client(HTTP_HOST="nowhere.localhost").get("/accounts/login/").status_code == 404
    assert Client(HTTP_HOST="a.b.localhost").get("/").status_code == 404


def test_anonymous_visitor_is_sent_to_the_partnerships_own_sign_in(partnership_a, client_at):
    response = client_at(partnership_a).get("/people/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    page = client_at(partnership_a).get("/accounts/login/")
    assert b"Sign in to Alpha Partnership" in page.content


def test_custom_domain_resolves_to_its_partnership(partnership_a, settings):
    from django.test import Client

    from partnership.tenancy.models import Domain

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "schools.alpha.example"]
    Domain.objects.create(partnership=partnership_a, domain="schools.alpha.example")
    page = Client(HTTP_HOST="schools.alpha.example").get("/accounts/login/")
    assert b"Sign in to Alpha Partnership" in page.content


def test_portal_address_lists_only_the_persons_partnerships(partnership_a, partnership_b, client_at):
    person = member(partnership_a, Role.GOVERNOR)
    page = client_at(None, person).get("/")
    assert page.status_code == 200
    assert b"Alpha Partnership" in page.content
    assert b"Beta Partnership" not in page.content
