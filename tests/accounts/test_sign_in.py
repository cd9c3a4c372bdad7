"""Signing in with email, rate limiting, password reset and change, two-factor authentication, hand-off."""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings as django_settings
from django.core import mail
from django.test import Client

from partnership.tenancy.roles import Role
from tests.factories import PASSWORD, member

pytestmark = pytest.mark.django_db


def sign_in(client, email, password=PASSWORD, address="127.0.0.1"):
    return client.post("/accounts/login/", {"login": email, "password": password}, REMOTE_ADDR=address)


def test_email_is_the_login_and_sign_out_ends_the_session(partnership_a, client_at):
    person = member(partnership_a, Role.HEADTEACHER)
    client = client_at(partnership_a)
    response = sign_in(client, person.email.upper())
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_wrong_password_gets_a_message_and_no_session(partnership_a, client_at):
    person = member(partnership_a, Role.HEADTEACHER)
    client = client_at(partnership_a)
    response = sign_in(client, person.email, "wrong-password")
    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert b"not correct" in response.content
    assert client.get("/").status_code == 302


def test_failed_sign_ins_are_rate_limited(partnership_a, client_at):
    person = member(partnership_a, Role.HEADTEACHER)
    client = client_at(partnership_a)
    for _ in range(5):
        assert sign_in(client, person.email, "wrong-password").status_code == 200
    blocked = sign_in(client, person.email, PASSWORD)
    assert blocked.status_code == 200
    assert b"Too many failed login attempts" in blocked.content
    assert client.get("/").status_code == 302
    # Another person's sign-in from elsewhere is not blocked by this one's failures.
    other = member(partnership_a, Role.GOVERNOR)
    assert sign_in(client_at(partnership_a), other.email, PASSWORD, address="10.0.0.9").status_code == 302


def test_a_training_room_behind_one_address_all_signs_in(partnership_a, client_at):
    """allauth's fixed limit of 30 sign-ins a minute per address locked out the 31st person in the room."""
    room = [member(partnership_a, Role.STAFF) for _ in range(40)]
    for person in room:
        assert sign_in(client_at(partnership_a), person.email, address="192.0.2.10").status_code == 302, person


def test_one_persons_failures_lock_that_account_and_not_the_room(partnership_a, client_at):
    mistyping, colleague = member(partnership_a, Role.STAFF), member(partnership_a, Role.STAFF)
    for _ in range(5):
        assert sign_in(client_at(partnership_a), mistyping.email, "wrong-password", "192.0.2.10").status_code == 200
    blocked = sign_in(client_at(partnership_a), mistyping.email, PASSWORD, "192.0.2.10")
    assert b"Too many failed login attempts" in blocked.content
    assert sign_in(client_at(partnership_a), colleague.email, PASSWORD, "192.0.2.10").status_code == 302


def test_every_sign_in_limit_is_the_portals_and_can_be_changed(settings):
    from allauth.account import app_settings

    settings.ACCOUNT_RATE_LIMITS = {}
    allauths_own = set(app_settings.RATE_LIMITS)
    assert allauths_own - set(django_settings.SIGN_IN_RATE_LIMIT_DEFAULTS) == set(), "a limit left at allauth's value"
    code = "from django.conf import settings; print(settings.ACCOUNT_RATE_LIMITS['login'])"
    shown = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "LOGIN_RATE_LIMIT": "1000/m/ip"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert shown.stdout.strip().splitlines()[-1] == "1000/m/ip", shown.stderr


def test_password_reset_by_email(partnership_a, client_at):
    person = member(partnership_a, Role.GOVERNOR)
    client = client_at(partnership_a)
    client.post("/accounts/password/reset/", {"email": person.email})
    assert len(mail.outbox) == 1
    link = re.search(r"http://alpha\.localhost(/accounts/password/reset/key/\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link,
        {"password1": "brand-new-passphrase", "password2": "brand-new-passphrase"},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password("brand-new-passphrase")


def test_change_password(partnership_a, client_at):
    person = member(partnership_a, Role.GOVERNOR)
    client = client_at(partnership_a)
    sign_in(client, person.email)
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": "brand-new-passphrase", "password2": "brand-new-passphrase"},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password("brand-new-passphrase")


def test_a_person_turns_on_totp_and_is_then_asked_for_a_code(partnership_a, client_at):
    person = member(partnership_a, Role.HEADTEACHER)
    client = client_at(partnership_a)
    sign_in(client, person.email)
    # Turning on two-factor asks for the password again first.
    assert client.get("/accounts/2fa/totp/activate/")["Location"].startswith("/accounts/reauthenticate/")
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = re.search(rb'id="authenticator_secret" value="([A-Z2-7]+)"', page.content).group(1).decode()
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    assert client.post("/accounts/2fa/totp/activate/", {"code": code}).status_code == 302
    assert Authenticator.objects.filter(user=person, type=Authenticator.Type.TOTP).exists()

    client.post("/accounts/logout/")
    after_password = sign_in(client, person.email)
    assert after_password["Location"].startswith("/accounts/2fa/authenticate/")
    assert client.get("/").status_code == 302  # not signed in until the code is given


PORTAL_ORIGIN = "http://localhost"


def handoff_token_from(page) -> str:
    assert page.status_code == 200
    assert 'action="http://alpha.localhost/accounts/handoff/"' in page.content.decode()
    assert page["Referrer-Policy"] == "strict-origin", "the browser must send the portal's Origin"
    return re.search(r'name="token" value="([^"]+)"', page.content.decode()).group(1)


def test_portal_address_hands_a_member_over_to_their_partnership(partnership_a, client_at, settings):
    person = member(partnership_a, Role.GOVERNOR)
    portal = client_at(None, person)
    chooser = portal.get("/").content.decode()
    assert f'action="/enter/{partnership_a.slug}/"' in chooser and "csrfmiddlewaretoken" in chooser
    token = handoff_token_from(portal.post(f"/enter/{partnership_a.slug}/"))
    tenant = client_at(partnership_a)
    assert tenant.post("/accounts/handoff/", {"token": token}, HTTP_ORIGIN=PORTAL_ORIGIN)["Location"] == "/"
    assert tenant.get("/").status_code == 200
    # The token works once.
    stranger = client_at(partnership_a)
    assert stranger.post("/accounts/handoff/", {"token": token}, HTTP_ORIGIN=PORTAL_ORIGIN)["Location"].startswith(
        "/accounts/login/"
    )
    assert stranger.get("/").status_code == 302


def test_a_third_party_page_cannot_start_or_complete_a_handoff(partnership_a, client_at):
    """Signing someone in as another person (login CSRF) needs the hand-off triggered from elsewhere: a link or an
    image cannot (no GET), another site's form cannot start one (CSRF) nor deliver a token it obtained (Origin)."""
    person = member(partnership_a, Role.GOVERNOR)
    portal = client_at(None, person)
    assert portal.get(f"/enter/{partnership_a.slug}/").status_code == 405
    strict = Client(HTTP_HOST="localhost", enforce_csrf_checks=True)
    strict.force_login(person)
    assert strict.post(f"/enter/{partnership_a.slug}/").status_code == 403
    token = handoff_token_from(portal.post(f"/enter/{partnership_a.slug}/"))
    victim = client_at(partnership_a)
    assert victim.get(f"/accounts/handoff/?token={token}").status_code == 405
    for origin in ("https://evil.example", "null", None):
        extra = {"HTTP_ORIGIN": origin} if origin else {}
        response = victim.post("/accounts/handoff/", {"token": token}, **extra)
        assert response["Location"].startswith("/accounts/login/"), origin
        assert victim.get("/").status_code == 302, "not signed in"
    assert victim.post("/accounts/handoff/", {"token": token}, HTTP_ORIGIN=PORTAL_ORIGIN)["Location"] == "/"


def test_handoff_refuses_non_members_and_forged_tokens(partnership_a, partnership_b, client_at):
    outsider = member(partnership_b, Role.GOVERNOR)
    assert client_at(None, outsider).post(f"/enter/{partnership_a.slug}/").status_code == 404
    forged = client_at(partnership_a).post("/accounts/handoff/", {"token": "abc:def"}, HTTP_ORIGIN=PORTAL_ORIGIN)
    assert forged["Location"].startswith("/accounts/login/")
