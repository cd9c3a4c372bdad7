"""Faults found under load and bad input: answers are clear (400, 404, 503), never a 500."""

import re
import uuid

import psycopg
import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver

from partnership.tenancy.errors import CACHE_AWAY, DATABASE_BUSY
from partnership.tenancy.roles import Role
from tests.factories import PASSWORD, member

pytestmark = pytest.mark.django_db

CONVERTER_SAMPLES = {"int": "1", "slug": "alpha", "str": "x", "path": "x/y", "uuid": str(uuid.uuid4())}


def every_address() -> list[str]:
    """One address for every URL pattern of the portal, with sample values for its parameters."""

    def walk(patterns, prefix=""):
        for entry in patterns:
            route = str(entry.pattern)
            if not hasattr(entry.pattern, "_route"):  # a regular expression: use it only when it has no groups
                if re.search(r"[(\[\\]", route.lstrip("^").rstrip("$")):
                    continue
                route = route.lstrip("^").rstrip("$")
            route = re.sub(r"<(?:(\w+):)?\w+>", lambda m: CONVERTER_SAMPLES[m.group(1) or "str"], route)
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, prefix + route)
            elif isinstance(entry, URLPattern):
                yield "/" + prefix + route

    return sorted(set(walk(get_resolver().url_patterns)))


def lenient(client: Client) -> Client:
    client.raise_request_exception = False  # as in production: the handlers answer
    return client


def test_every_partnership_page_asked_for_on_the_bare_portal_address_is_a_404_not_a_500(partnership_a, client_at):
    coordinator = member(partnership_a, Role.COORDINATOR)
    addresses = every_address()
    assert len(addresses) > 100 and "/reviews/1/" in addresses
    client = lenient(client_at(None, coordinator))
    failures = {}
    for address in addresses:
        for method in ("get", "post"):
            client.force_login(coordinator)  # (some addresses sign out)
            status = getattr(client, method)(address).status_code
            if status >= 500:
                failures[f"{method.upper()} {address}"] = status
    assert failures == {}
    client.force_login(coordinator)
    assert client.get("/reviews/1/").status_code == 404


@pytest.mark.parametrize("address", ["/calendar/%00.ics", "/%00", "/reviews/%00/", "/schools/%00/"])
@pytest.mark.parametrize("signed_in", [False, True])
def test_a_nul_byte_in_a_path_is_a_400_not_a_500(partnership_a, client_at, address, signed_in):
    person = member(partnership_a, Role.COORDINATOR) if signed_in else None
    for host in (partnership_a, None):
        response = lenient(client_at(host, person)).get(address)
        assert response.status_code == 400, (host, address)
        assert b"NUL byte" in response.content


NUL_IN_EVERY_FILTER = "?" + "&".join(
    f"{name}=%00"
    for name in ("q", "page", "next", "school", "role", "area", "cycle", "status", "sort", "person", "action")
)


def test_a_nul_byte_in_any_query_of_any_page_is_never_a_500(partnership_a, client_at):
    coordinator = member(partnership_a, Role.COORDINATOR)
    failures = {}
    for host in (partnership_a, None):
        client = lenient(client_at(host, coordinator))
        for address in every_address():
            client.force_login(coordinator)
            status = client.get(address + NUL_IN_EVERY_FILTER).status_code
            if status >= 500:
                failures[f"{host} {address}"] = status
    assert failures == {}


@pytest.mark.django_db(transaction=True)
def test_when_postgresql_has_no_connection_left_the_answer_is_a_clear_503(partnership_a, client_at):
    """PostgreSQL refuses the connection (here: a role allowed none, the same refusal as max_connections)."""
    owner = django_settings.DATABASES["default"].get("OWNER") or django_settings.DATABASES["default"]
    with psycopg.connect(
        host=connection.settings_dict["HOST"] or None,
        port=connection.settings_dict["PORT"] or None,
        user=owner["USER"],
        password=owner["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as admin:
        if not admin.execute("SELECT 1 FROM pg_roles WHERE rolname = 'portal_no_connections'").fetchone():
            admin.execute("CREATE ROLE portal_no_connections LOGIN NOSUPERUSER NOBYPASSRLS CONNECTION LIMIT 0")
    portal_role = connection.settings_dict["USER"]
    connection.close()
    connection.settings_dict["USER"] = "portal_no_connections"
    try:
        response = lenient(client_at(partnership_a)).get("/")
    finally:
        connection.close()
        connection.settings_dict["USER"] = portal_role
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert DATABASE_BUSY[0].encode() in response.content and b"try again in a minute" in response.content


REDIS_AWAY = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens here
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}


def test_with_redis_away_signing_in_says_plainly_that_it_cannot(partnership_a, client_at):
    person = member(partnership_a, Role.HEADTEACHER)
    client = lenient(client_at(partnership_a))
    with override_settings(CACHES=REDIS_AWAY):
        assert client.get("/accounts/login/").status_code == 200
        response = client.post("/accounts/login/", {"login": person.email, "password": PASSWORD})
        assert response.status_code == 503
        assert CACHE_AWAY[0].encode() in response.content
        assert client.get("/").status_code == 302, "not signed in"
