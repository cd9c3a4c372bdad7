"""Invitation-only accounts: a coordinator or headteacher invites, the link works once and expires."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from partnership.accounts.models import Invitation, User
from partnership.tenancy.models import Membership
from partnership.tenancy.roles import Role
from tests.factories import InvitationFactory, SchoolFactory, UserFactory, member

pytestmark = pytest.mark.django_db


def invite(client, **data):
    return client.post("/invitations/new/", data)


def link_in_last_email() -> str:
    return re.search(r"http://\S+/join/\S+/", mail.outbox[-1].body).group(0)


def test_coordinator_invites_a_headteacher_who_sets_a_password_and_lands_home(
    partnership_a, client_at, scope_of, django_capture_on_commit_callbacks
):
    coordinator = member(partnership_a, Role.COORDINATOR)
    with scope_of(partnership_a):
        school = SchoolFactory(partnership=partnership_a, name="Millbrook Primary School")
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(
            client_at(partnership_a, coordinator),
            email="New.Head@Example.org",
            role="headteacher",
            school=school.pk,
            first_name="Nia",
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.head@example.org"]
    assert "Millbrook Primary School" in mail.outbox[0].body
    link = link_in_last_email()
    assert link.startswith("http://alpha.localhost/join/")
    path = link.removeprefix("http://alpha.localhost")

    visitor = client_at(partnership_a)
    page = visitor.get(path)
    assert page.status_code == 200
    assert b"headteacher" in page.content
    response = visitor.post(
        path,
        {
            "first_name": "Nia",
            "last_name": "Patel",
            "password": "a-long-passphrase",
            "password_again": "a-long-passphrase",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/"
    home = visitor.get("/")
    assert home.status_code == 200
    assert b"Millbrook Primary School" in home.content

    user = User.objects.get(email="new.head@example.org")
    assert user.check_password("a-long-passphrase")
    with scope_of(partnership_a):
        assert Membership.objects.get(user=user).role == Role.HEADTEACHER
        assert Invitation.objects.get().accepted_by == user


def test_a_used_link_shows_a_clear_page_and_changes_nothing(partnership_a, client_at, scope_of):
    with scope_of(partnership_a):
        invitation = InvitationFactory(partnership=partnership_a, token="once", email="once@example.org")
    path = "/join/once/"
    client_at(partnership_a).post(
        path,
        {"first_name": "A", "last_name": "B", "password": "a-long-passphrase", "password_again": "a-long-passphrase"},
    )
    second = client_at(partnership_a).post(
        path,
        {"first_name": "C", "last_name": "D", "password": "another-passphrase", "password_again": "another-passphrase"},
    )
    assert second.status_code == 410
    assert b"already been used" in second.content
    user = User.objects.get(email="once@example.org")
    assert user.first_name == "A" and user.check_password("a-long-passphrase")
    with scope_of(partnership_a):
        assert Membership.objects.filter(user=user).count() == 1
        invitation.refresh_from_db()
        assert invitation.accepted_by == user


def test_an_expired_link_shows_a_clear_page_and_changes_nothing(partnership_a, client_at, scope_of):
    with scope_of(partnership_a):
        InvitationFactory(
            partnership=partnership_a,
            token="old",
            email="late@example.org",
            expires_at=timezone.now() - datetime.timedelta(minutes=1),
            created_at=timezone.now() - datetime.timedelta(days=15),
        )
    for method in ("get", "post"):
        response = getattr(client_at(partnership_a), method)(
            "/join/old/",
            {
                "first_name": "A",
                "last_name": "B",
                "password": "a-long-passphrase",
                "password_again": "a-long-passphrase",
            }
            if method == "post"
            else None,
        )
        assert response.status_code == 410
        assert b"This invitation has expired" in response.content
    assert not User.objects.filter(email="late@example.org").exists()


@pytest.mark.parametrize("path", ["/join/once-tampered/", "/join/x/", "/join/" + "a" * 43 + "/"])
def test_a_tampered_link_shows_a_clear_page_and_changes_nothing(partnership_a, client_at, scope_of, path):
    with scope_of(partnership_a):
        InvitationFactory(partnership=partnership_a, token="once")
    response = client_at(partnership_a).post(
        path,
        {"first_name": "A", "last_name": "B", "password": "a-long-passphrase", "password_again": "a-long-passphrase"},
    )
    assert response.status_code == 404
    assert b"This invitation link is not valid" in response.content
    assert User.objects.count() == 0


def test_a_withdrawn_invitation_no_longer_works(partnership_a, client_at, scope_of):
    coordinator = member(partnership_a, Role.COORDINATOR)
    with scope_of(partnership_a):
        invitation = InvitationFactory(partnership=partnership_a, token="withdrawn")
    client_at(partnership_a, coordinator).post(f"/invitations/{invitation.pk}/withdraw/")
    response = client_at(partnership_a).get("/join/withdrawn/")
    assert response.status_code == 410
    assert b"withdrawn" in response.content


def test_resending_makes_a_new_link_and_the_old_one_stops_working(
    partnership_a, client_at, scope_of, django_capture_on_commit_callbacks
):
    coordinator = member(partnership_a, Role.COORDINATOR)
    with scope_of(partnership_a):
        invitation = InvitationFactory(partnership=partnership_a, token="first")
    with django_capture_on_commit_callbacks(execute=True):
        client_at(partnership_a, coordinator).post(f"/invitations/{invitation.pk}/resend/")
    new_path = link_in_last_email().removeprefix("http://alpha.localhost")
    assert client_at(partnership_a).get("/join/first/").status_code == 404
    assert client_at(partnership_a).get(new_path).status_code == 200


def test_weak_or_mismatched_passwords_keep_what_was_typed(partnership_a, client_at, scope_of):
    with scope_of(partnership_a):
        InvitationFactory(partnership=partnership_a, token="weak", email="weak@example.org")
    response = client_at(partnership_a).post(
        "/join/weak/",
        {"first_name": "Keep", "last_name": "Me", "password": "12345678901", "password_again": "12345678901"},
    )
    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert b'value="Keep"' in response.content
    response = client_at(partnership_a).post(
        "/join/weak/",
        {
            "first_name": "Keep",
            "last_name": "Me",
            "password": "a-long-passphrase",
            "password_again": "a-long-passphrase!",
        },
    )
    assert b"The two passwords are different" in response.content
    assert not User.objects.filter(email="weak@example.org").exists()


def test_an_existing_person_signs_in_to_accept_an_invitation_to_a_second_partnership(
    partnership_a, partnership_b, client_at, scope_of
):
    person = member(partnership_b, Role.COORDINATOR)
    with scope_of(partnership_a):
        InvitationFactory(partnership=partnership_a, token="second", email=person.email, role=Role.BOARD_MEMBER)
    anonymous = client_at(partnership_a).get("/join/second/")
    assert b"Sign in to accept" in anonymous.content
    signed_in = client_at(partnership_a, person)
    assert signed_in.get("/").status_code == 404
    assert signed_in.post("/join/second/").status_code == 302
    assert signed_in.get("/").status_code == 200


def test_someone_signed_in_as_another_person_cannot_take_the_invitation(partnership_a, client_at, scope_of):
    someone = member(partnership_a, Role.GOVERNOR)
    with scope_of(partnership_a):
        invitation = InvitationFactory(partnership=partnership_a, token="not-yours", email="real@example.org")
    response = client_at(partnership_a, someone).post(
        "/join/not-yours/",
        {"first_name": "A", "last_name": "B", "password": "a-long-passphrase", "password_again": "a-long-passphrase"},
    )
    assert b"you are signed in as" in response.content
    with scope_of(partnership_a):
        invitation.refresh_from_db()
        assert invitation.accepted_at is None


def test_headteacher_invites_only_into_their_own_school(partnership_a, client_at, scope_of):
    with scope_of(partnership_a):
        own, other = SchoolFactory(partnership=partnership_a), SchoolFactory(partnership=partnership_a)
    head = member(partnership_a, Role.HEADTEACHER, school=own)
    client = client_at(partnership_a, head)
    page = client.get("/invitations/new/")
    assert own.name.encode() in page.content and other.name.encode() not in page.content
    assert b'value="coordinator"' not in page.content

    refused = invite(client, email="x@example.org", role="staff", school=other.pk)
    assert refused.status_code == 200 and b"There is a problem" in refused.content
    refused = invite(client, email="x@example.org", role="coordinator")
    assert refused.status_code == 200
    accepted = invite(client, email="x@example.org", role="staff", school=own.pk, staff_role="sendco")
    assert accepted.status_code == 302
    with scope_of(partnership_a):
        assert list(Invitation.objects.values_list("email", "school")) == [("x@example.org", own.pk)]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "not-an-email", "role": "coordinator"}, b"Enter a valid email address"),
        ({"email": "a@example.org", "role": "headteacher"}, b"Choose the school for this role"),
        ({"email": "a@example.org", "role": "coordinator", "staff_role": "sendco"}, b"A staff role only applies"),
        (
            {"email": "a@example.org", "role": "governor", "is_chair_of_governors": "on"},
            b"Choose the school for this role",
        ),
        ({"email": "a@example.org", "role": "wizard"}, b"Select a valid choice"),
    ],
)
def test_bad_invitation_input_gets_a_specific_message_and_saves_nothing(
    partnership_a, client_at, scope_of, data, message
):
    coordinator = member(partnership_a, Role.COORDINATOR)
    response = invite(client_at(partnership_a, coordinator), **data)
    assert response.status_code == 200
    assert message in response.content
    with scope_of(partnership_a):
        assert not Invitation.objects.exists()


def test_inviting_someone_twice_points_to_the_pending_invitation(partnership_a, client_at, scope_of):
    coordinator = member(partnership_a, Role.COORDINATOR)
    client = client_at(partnership_a, coordinator)
    assert invite(client, email="twice@example.org", role="board_member").status_code == 302
    again = invite(client, email="twice@example.org", role="board_member")
    assert b"was already invited to this role" in again.content
    with scope_of(partnership_a):
        assert Invitation.objects.count() == 1


def test_unsent_invitations_are_sent_by_the_beat_task(partnership_a, scope_of):
    from partnership.accounts.tasks import send_unsent_invitations

    with scope_of(partnership_a):
        InvitationFactory(
            partnership=partnership_a,
            sent_at=None,
            token_hash=None,
            email="queued@example.org",
            created_at=timezone.now() - datetime.timedelta(minutes=10),
        )
    Invitation.objects.with_scope(partnership=partnership_a.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=10)
    )
    assert send_unsent_invitations() == 1
    assert mail.outbox[-1].to == ["queued@example.org"]
    with scope_of(partnership_a):
        assert Invitation.objects.get().sent_at is not None


def test_there_is_no_open_sign_up(partnership_a, client_at):
    response = client_at(partnership_a).post(
        "/accounts/signup/",
        {"email": "walk-in@example.org", "password1": "a-long-passphrase", "password2": "a-long-passphrase"},
    )
    assert b"Accounts are by invitation" in response.content
    assert not User.objects.filter(email="walk-in@example.org").exists()


def test_ending_a_role_keeps_its_history(partnership_a, client_at, scope_of):
    coordinator = member(partnership_a, Role.COORDINATOR)
    governor = UserFactory()
    with scope_of(partnership_a):
        school = SchoolFactory(partnership=partnership_a)
    member(partnership_a, Role.GOVERNOR, user=governor, school=school)
    with scope_of(partnership_a):
        membership = Membership.objects.get(user=governor)
    response = client_at(partnership_a, coordinator).post(f"/people/roles/{membership.pk}/end/")
    assert response.status_code == 302
    with scope_of(partnership_a):
        membership.refresh_from_db()
        assert membership.ended_on == timezone.localdate()
    assert client_at(partnership_a, governor).get("/").status_code == 404


def test_the_invite_form_has_no_role_chosen_and_asks_for_one(partnership_a, client_at):
    """Issue 12: the form used to open on Coordinator, the most powerful role."""
    from partnership.tenancy.roles import Role
    from tests.factories import member

    client = client_at(partnership_a, member(partnership_a, Role.COORDINATOR))
    page = client.get("/invitations/new/").content.decode()
    assert '<option value="" selected>Choose a role</option>' in page
    assert '<option value="coordinator" selected' not in page
    response = client.post("/invitations/new/", {"email": "someone@example.org"})
    assert response.status_code == 200 and "Choose the role to invite them into." in response.content.decode()
