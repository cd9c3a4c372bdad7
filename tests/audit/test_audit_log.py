"""The audit log: what is recorded (sign-ins, failed sign-ins, two-factor, roles, invitations, downloads,
exports, settings, the platform admin), who may read it (role x action, across partnerships), filters, CSV, and
that no page edits it."""

import csv
import datetime
import io

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.utils import timezone

from partnership.audit.models import AuditAction
from partnership.audit.services import audit_record
from partnership.tenancy.models import Membership
from partnership.tenancy.roles import Role
from partnership.tenancy.scoping import partnership_scope
from tests.audit.helpers import backdate, event, events
from tests.factories import PASSWORD, UserFactory, member

pytestmark = pytest.mark.django_db


def actions(partnership=None) -> list[str]:
    found = events() if partnership is None else events(partnership=partnership)
    return [e.action for e in found]


def test_sign_ins_and_failed_sign_ins_are_recorded_with_who_and_from_where(partnership_a, client_at):
    person = member(partnership_a, Role.HEADTEACHER)
    client = client_at(partnership_a)
    client.post("/accounts/login/", {"login": person.email, "password": "wrong"}, REMOTE_ADDR="10.9.8.7")
    client.post("/accounts/login/", {"login": person.email, "password": PASSWORD}, REMOTE_ADDR="10.9.8.6")
    failed, signed_in = events(partnership=partnership_a)
    assert (failed.action, failed.actor_email, failed.ip_address) == (
        AuditAction.SIGN_IN_FAILED,
        person.email,
        "10.9.8.7",
    )
    assert (signed_in.action, signed_in.actor, signed_in.ip_address) == (AuditAction.SIGN_IN, person, "10.9.8.6")


def test_two_factor_changes_are_recorded(partnership_a, client_at, django_capture_on_commit_callbacks):
    from tests.accounts.test_account import sign_in, turn_on_totp

    person = member(partnership_a, Role.HEADTEACHER)
    client = client_at(partnership_a)
    sign_in(client, person.email)
    with django_capture_on_commit_callbacks(execute=True):  # allauth announces it once the change is committed
        turn_on_totp(client)
    assert AuditAction.TWO_FACTOR_ADDED in actions(partnership_a)


def test_invitations_roles_and_settings_are_recorded(partnership_a, client_at):
    coordinator = member(partnership_a, Role.COORDINATOR)
    governor = member(partnership_a, Role.GOVERNOR)
    client = client_at(partnership_a, coordinator)
    client.post("/invitations/new/", {"email": "new.person@example.org", "role": Role.BOARD_MEMBER})
    with partnership_scope(partnership_a):
        role = Membership.objects.get(user=governor)
    client.post(f"/people/roles/{role.pk}/end/")
    TOTP.activate(coordinator, generate_totp_secret())
    client.post("/settings/two-factor/", {"require_two_factor_for_review_roles": "on"})
    recorded = actions(partnership_a)
    assert {AuditAction.INVITATION_SENT, AuditAction.ROLE_ENDED, AuditAction.SETTINGS_CHANGED} <= set(recorded)
    ended = event(action=AuditAction.ROLE_ENDED)
    assert (ended.actor, ended.subject_user) == (coordinator, governor)


AUDIT_PAGES = ("/audit/", "/audit/export.csv")


@pytest.mark.parametrize("path", AUDIT_PAGES)
@pytest.mark.parametrize("role", Role.values)
def test_only_coordinators_read_their_partnerships_log(partnership_a, client_at, role, path):
    person = member(partnership_a, role)
    response = client_at(partnership_a, person).get(path)
    assert response.status_code == (200 if role == Role.COORDINATOR else 404)


@pytest.mark.parametrize("path", AUDIT_PAGES)
def test_signed_out_people_are_sent_to_sign_in(partnership_a, client_at, path):
    assert client_at(partnership_a).get(path)["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("path", AUDIT_PAGES)
def test_a_coordinator_sees_only_their_own_partnerships_entries(partnership_a, partnership_b, client_at, path):
    coordinator_a = member(partnership_a, Role.COORDINATOR)
    coordinator_b = member(partnership_b, Role.COORDINATOR)
    audit_record(action=AuditAction.EXPORT, partnership=partnership_a, subject="Alpha secret export")
    audit_record(action=AuditAction.EXPORT, partnership=partnership_b, subject="Beta own export")
    audit_record(action=AuditAction.SIGN_IN_FAILED, subject="On the portal address")
    page = client_at(partnership_a, coordinator_a).get(path).getvalue()
    assert b"Alpha secret export" in page
    assert b"Beta own export" not in page and b"On the portal address" not in page
    # Beta's coordinator on Alpha's address: the same 404 as any stranger.
    assert client_at(partnership_a, coordinator_b).get(path).status_code == 404


@pytest.mark.parametrize("path", AUDIT_PAGES)
def test_platform_administrators_read_every_partnerships_log_on_the_portal_address(
    partnership_a, partnership_b, client_at, path
):
    operator = UserFactory(is_staff=True, is_superuser=True)
    audit_record(action=AuditAction.EXPORT, partnership=partnership_a, subject="Alpha export")
    audit_record(action=AuditAction.EXPORT, partnership=partnership_b, subject="Beta export")
    audit_record(action=AuditAction.SIGN_IN_FAILED, subject="On the portal address")
    page = client_at(None, operator).get(path).getvalue()
    assert b"Alpha export" in page and b"Beta export" in page and b"On the portal address" in page
    # A coordinator is no platform administrator, and the portal address shows them no log.
    coordinator = member(partnership_a, Role.COORDINATOR)
    assert client_at(None, coordinator).get(path).status_code == 404
    # Nor does a partnership's address show an operator who is not a member.
    assert client_at(partnership_a, operator).get(path).status_code == 404


def test_filters_by_action_person_and_dates(partnership_a, client_at):
    coordinator = member(partnership_a, Role.COORDINATOR)
    old = audit_record(action=AuditAction.EXPORT, partnership=partnership_a, actor_email="old@example.org")
    backdate([old], timezone.now() - datetime.timedelta(days=40))
    audit_record(action=AuditAction.SIGN_IN_FAILED, partnership=partnership_a, actor_email="typo@example.org")
    audit_record(action=AuditAction.EXPORT, partnership=partnership_a, actor_email="recent@example.org")
    client = client_at(partnership_a, coordinator)
    by_action = client.get("/audit/", {"action": AuditAction.SIGN_IN_FAILED}).content
    assert b"typo@example.org" in by_action and b"recent@example.org" not in by_action
    by_person = client.get("/audit/", {"person": "RECENT"}).content
    assert b"recent@example.org" in by_person and b"typo@example.org" not in by_person
    since = (timezone.localdate() - datetime.timedelta(days=7)).isoformat()
    by_date = client.get("/audit/", {"date_from": since}).content
    assert b"recent@example.org" in by_date and b"old@example.org" not in by_date
    rows = list(csv.reader(io.StringIO(client.get("/audit/export.csv", {"date_from": since}).getvalue().decode())))
    assert "old@example.org" not in {row[3] for row in rows}


@pytest.mark.parametrize(
    "query",
    [
        {"date_from": "2026-02-30"},
        {"date_to": "yesterday"},
        {"date_from": "2026-05-01", "date_to": "2026-04-01"},
        {"action": "drop_tables"},
        {"person": "\x00" + "x" * 400},
        {"page": "-3"},
    ],
)
def test_bad_filters_get_a_message_not_an_error(partnership_a, client_at, query):
    coordinator = member(partnership_a, Role.COORDINATOR)
    client = client_at(partnership_a, coordinator)
    response = client.get("/audit/", query)
    assert response.status_code == 200
    assert client.get("/audit/export.csv", query).status_code == 200


def test_the_csv_is_readable_and_safe_in_a_spreadsheet_and_the_export_is_recorded(partnership_a, client_at):
    coordinator = member(partnership_a, Role.COORDINATOR)
    audit_record(action=AuditAction.SIGN_IN_FAILED, partnership=partnership_a, actor_email="=HYPERLINK(1)")
    response = client_at(partnership_a, coordinator).get("/audit/export.csv")
    assert response["Content-Disposition"].startswith('attachment; filename="alpha-audit-log-')
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert rows[0][:4] == ["When", "Partnership", "Action", "Who"]
    assert rows[1][3] == "'=HYPERLINK(1)"
    export = event(action=AuditAction.EXPORT)
    assert (export.actor, export.partnership, export.subject) == (coordinator, partnership_a, "Audit log")


def test_no_page_of_the_portal_changes_the_log(partnership_a, client_at):
    coordinator = member(partnership_a, Role.COORDINATOR)
    kept = audit_record(action=AuditAction.EXPORT, partnership=partnership_a, subject="kept")
    client = client_at(partnership_a, coordinator)
    assert client.post("/audit/", {"action": "x"}).status_code == 405
    assert client.post("/audit/export.csv").status_code == 405
    operator = UserFactory(is_staff=True, is_superuser=True)
    admin = client_at(None, operator)
    assert admin.get("/admin/audit/auditevent/").status_code == 200
    assert admin.post(f"/admin/audit/auditevent/{kept.pk}/delete/", {"post": "yes"}).status_code == 403
    admin.post(f"/admin/audit/auditevent/{kept.pk}/change/", {"subject": "changed"})
    admin.post("/admin/audit/auditevent/", {"action": "delete_selected", "_selected_action": [kept.pk], "post": "yes"})
    assert event(pk=kept.pk).subject == "kept"


def test_changes_in_the_platform_admin_are_recorded_against_the_partnership(partnership_a, client_at):
    operator = UserFactory(is_staff=True, is_superuser=True)
    governor = member(partnership_a, Role.GOVERNOR)
    with partnership_scope(partnership_a):
        role = Membership.objects.get(user=governor)
    admin = client_at(None, operator)
    page = admin.get(f"/admin/tenancy/membership/{role.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(user=governor.pk, school=role.school_id, ended_on=timezone.localdate().isoformat(), role=role.role)
    data.update(started_on=role.started_on.isoformat())
    assert admin.post(f"/admin/tenancy/membership/{role.pk}/change/", data).status_code == 302
    change = event(action=AuditAction.ADMIN_CHANGED)
    assert (change.partnership, change.actor) == (partnership_a, operator)
    assert "Ended on" in str(change.detail["change"]) or "ended" in str(change.detail["change"]).lower()


def test_the_log_reads_in_a_bounded_number_of_queries(partnership_a, client_at, django_assert_max_num_queries):
    coordinator = member(partnership_a, Role.COORDINATOR)
    people = [member(partnership_a, Role.GOVERNOR) for _ in range(5)]
    for person in people * 10:
        audit_record(action=AuditAction.SIGN_IN, partnership=partnership_a, actor=person)
    client = client_at(partnership_a, coordinator)
    client.get("/audit/")
    with django_assert_max_num_queries(12):
        assert client.get("/audit/").status_code == 200
