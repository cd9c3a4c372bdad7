"""A person's own account (name, email re-verified, sessions, recovery codes) and the partnership's rule that
people who see reviews use two-factor authentication."""

import re
import time

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from allauth.usersessions.models import UserSession
from django.core import mail

from partnership.tenancy.roles import Role
from tests.factories import PASSWORD, member

pytestmark = pytest.mark.django_db


def sign_in(client, email, password=PASSWORD, **extra):
    return client.post("/accounts/login/", {"login": email, "password": password}, **extra)


def turn_on_totp(client, password=PASSWORD) -> str:
    """Sets up an authenticator app through allauth's own pages, as a person would; returns its secret."""
    client.post("/accounts/reauthenticate/", {"password": password})
    page = client.get("/accounts/2fa/totp/activate/")
    secret = re.search(rb'id="authenticator_secret" value="([A-Z2-7]+)"', page.content).group(1).decode()
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    assert client.post("/accounts/2fa/totp/activate/", {"code": code}).status_code == 302
    return secret


def test_a_person_changes_their_name(partnership_a, client_at):
    person = member(partnership_a, Role.GOVERNOR)
    client = client_at(partnership_a, person)
    assert client.get("/account/").status_code == 200
    response = client.post("/account/name/", {"title": "Dr", "first_name": " Ada ", "last_name": "Lovelace"})
    assert response["Location"] == "/account/"
    person.refresh_from_db()
    assert (person.title, person.first_name, person.last_name) == ("Dr", "Ada", "Lovelace")


def test_an_empty_name_is_refused_with_a_message_and_changes_nothing(partnership_a, client_at):
    person = member(partnership_a, Role.GOVERNOR)
    before = person.get_full_name()
    response = client_at(partnership_a, person).post("/account/name/", {"first_name": "", "last_name": "Lovelace"})
    assert response.status_code == 200
    assert b"Enter your first name." in response.content
    assert b'value="Lovelace"' in response.content  # what was typed is kept
    person.refresh_from_db()
    assert person.get_full_name() == before


def test_a_new_email_address_takes_effect_only_once_confirmed_from_that_address(partnership_a, client_at):
    person = member(partnership_a, Role.HEADTEACHER)
    old_email = person.email
    client = client_at(partnership_a)
    sign_in(client, old_email)
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    response = client.post("/accounts/email/", {"action_add": "", "email": "New.Address@Example.org"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.email == old_email  # not yet: the new address must be confirmed
    assert b"new.address@example.org" in client.get("/account/").content  # shown as pending
    confirmation = next(message for message in mail.outbox if message.to == ["new.address@example.org"])
    link = re.search(r"http://alpha\.localhost(/accounts/confirm-email/\S+/)", confirmation.body).group(1)

    # Someone else following the link while signed in as another person changes nothing of theirs.
    client.post(link)
    person.refresh_from_db()
    assert person.email == "new.address@example.org"
    client.post("/accounts/logout/")
    assert sign_in(client_at(partnership_a), old_email).status_code == 200  # the old address no longer signs in
    assert sign_in(client_at(partnership_a), "new.address@example.org").status_code == 302


def test_an_email_address_someone_else_uses_never_becomes_theirs(partnership_a, client_at):
    """The page does not say whether the address has an account (that would let anyone probe for people), and no
    link that could take it over is sent."""
    person = member(partnership_a, Role.HEADTEACHER)
    other = member(partnership_a, Role.GOVERNOR)
    client = client_at(partnership_a)
    sign_in(client, person.email)
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    client.post("/accounts/email/", {"action_add": "", "email": other.email})
    # Even if the other person followed a link in whatever reaches them, the address stays theirs alone.
    for message in mail.outbox:
        for link in re.findall(r"http://alpha\.localhost(/accounts/confirm-email/\S+/)", message.body):
            client_at(partnership_a).post(link)
            client.post(link)
    person.refresh_from_db()
    other.refresh_from_db()
    assert person.email != other.email
    assert sign_in(client_at(partnership_a), other.email).status_code == 302


def test_a_person_sees_their_sessions_and_signs_out_the_others(partnership_a, client_at):
    person = member(partnership_a, Role.COORDINATOR)
    laptop, phone = client_at(partnership_a), client_at(partnership_a)
    laptop.defaults.update(REMOTE_ADDR="10.1.1.1", HTTP_USER_AGENT="Laptop browser")
    phone.defaults.update(REMOTE_ADDR="10.2.2.2", HTTP_USER_AGENT="Phone browser")
    sign_in(laptop, person.email)
    sign_in(phone, person.email)
    listing = laptop.get("/accounts/sessions/")
    assert listing.status_code == 200
    assert b"10.1.1.1" in listing.content and b"10.2.2.2" in listing.content
    assert b"Laptop browser" in listing.content and b"Phone browser" in listing.content
    laptop.post("/accounts/sessions/")
    assert laptop.get("/").status_code == 200
    assert phone.get("/").status_code == 302  # signed out


def test_a_person_with_two_factor_downloads_recovery_codes(partnership_a, client_at):
    person = member(partnership_a, Role.HEADTEACHER)
    client = client_at(partnership_a)
    sign_in(client, person.email)
    turn_on_totp(client)
    download = client.get("/accounts/2fa/recovery-codes/download/")
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    codes = download.content.decode().split()
    assert len(codes) >= 10
    assert all(re.fullmatch(r"[0-9a-f]{8}", code) for code in codes)


def require_two_factor(partnership) -> None:
    partnership.require_two_factor_for_review_roles = True
    partnership.save()


@pytest.mark.parametrize(
    ("role", "must_set_up"),
    [
        (Role.COORDINATOR, True),
        (Role.HEADTEACHER, True),
        (Role.SENIOR_LEADER, True),
        (Role.GOVERNOR, True),
        (Role.BOARD_MEMBER, False),
        (Role.AREA_CHAIR, False),
        (Role.CLUSTER_LEAD, False),
        (Role.STAFF, False),
    ],
)
def test_a_required_second_step_is_enforced_for_the_roles_that_see_reviews(partnership_a, client_at, role, must_set_up):
    require_two_factor(partnership_a)
    person = member(partnership_a, role)
    client = client_at(partnership_a)
    signed_in = sign_in(client, person.email)
    assert signed_in.status_code == 302
    home = client.get("/")
    if must_set_up:
        assert home["Location"] == "/account/two-factor-required/"
        explained = client.get("/account/two-factor-required/")
        assert b"Set up two-factor authentication to continue" in explained.content
        assert client.get("/people/").status_code == 302  # every page leads there
        turn_on_totp(client)
    assert client.get("/").status_code == 200
    assert client.get("/account/two-factor-required/")["Location"] == "/"


def test_without_the_requirement_nobody_is_sent_to_set_up(partnership_a, client_at):
    person = member(partnership_a, Role.HEADTEACHER)
    assert client_at(partnership_a, person).get("/").status_code == 200


def test_the_requirement_holds_only_in_the_partnership_that_set_it(partnership_a, partnership_b, client_at):
    require_two_factor(partnership_a)
    person = member(partnership_b, Role.HEADTEACHER)
    member(partnership_a, Role.STAFF, user=person)
    assert client_at(partnership_b, person).get("/").status_code == 200
    assert client_at(partnership_a, person).get("/").status_code == 200  # staff there: not a review role


@pytest.mark.parametrize(
    ("role", "allowed"),
    [(Role.COORDINATOR, True)] + [(role, False) for role in Role.values if role != Role.COORDINATOR],
)
def test_who_may_require_two_factor(partnership_a, client_at, role, allowed):
    person = member(partnership_a, role)
    TOTP.activate(person, generate_totp_secret())
    client = client_at(partnership_a, person)
    assert client.get("/settings/two-factor/").status_code == (200 if allowed else 404)
    response = client.post("/settings/two-factor/", {"require_two_factor_for_review_roles": "on"})
    assert response.status_code == (302 if allowed else 404)
    partnership_a.refresh_from_db()
    assert partnership_a.require_two_factor_for_review_roles is allowed


def test_another_partnerships_coordinator_cannot_change_the_requirement(partnership_a, partnership_b, client_at):
    outsider = member(partnership_b, Role.COORDINATOR)
    TOTP.activate(outsider, generate_totp_secret())
    client = client_at(partnership_a, outsider)
    assert client.get("/settings/two-factor/").status_code == 404
    assert client.post("/settings/two-factor/", {"require_two_factor_for_review_roles": "on"}).status_code == 404
    partnership_a.refresh_from_db()
    assert partnership_a.require_two_factor_for_review_roles is False


def test_a_coordinator_without_two_factor_is_told_to_set_it_up_first(partnership_a, client_at):
    coordinator = member(partnership_a, Role.COORDINATOR)
    client = client_at(partnership_a, coordinator)
    response = client.post("/settings/two-factor/", {"require_two_factor_for_review_roles": "on"})
    assert response.status_code == 200
    assert b"Set up two-factor authentication for yourself first" in response.content
    partnership_a.refresh_from_db()
    assert partnership_a.require_two_factor_for_review_roles is False
    assert client.get("/").status_code == 200


def test_a_coordinator_turns_the_requirement_off_again(partnership_a, client_at):
    require_two_factor(partnership_a)
    coordinator = member(partnership_a, Role.COORDINATOR)
    client = client_at(partnership_a)
    sign_in(client, coordinator.email)
    turn_on_totp(client)
    response = client.post("/settings/two-factor/", {})
    assert response.status_code == 302, response.content.decode()[:3000]
    partnership_a.refresh_from_db()
    assert partnership_a.require_two_factor_for_review_roles is False


def test_a_session_started_by_the_hand_off_is_listed_and_can_be_signed_out(partnership_a, client_at):
    person = member(partnership_a, Role.GOVERNOR)
    portal = client_at(None)
    sign_in(portal, person.email)
    handed_over = client_at(partnership_a)
    page = portal.post(f"/enter/{partnership_a.slug}/").content.decode()
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    handed_over.post("/accounts/handoff/", {"token": token}, HTTP_ORIGIN="http://localhost")
    assert handed_over.get("/").status_code == 200
    assert UserSession.objects.filter(user=person).count() == 2
    portal.post("/accounts/sessions/")
    assert handed_over.get("/").status_code == 302
