"""Issue 12: the invitation form shows only the fields the chosen role needs (the page marks each field with its
roles for the script; without it, the server refuses a value that does not belong to the role), offers "Chair of
governors" once, and a second press of Send sends one invitation."""

import re

import pytest
from django.core import mail

from partnership.accounts.models import Invitation
from partnership.tenancy.roles import Role
from tests.factories import AreaFactory, SchoolFactory, member

pytestmark = pytest.mark.django_db


def groups_by_field(page: str) -> dict[str, str]:
    """name of each control -> the roles its form group is for ("" when it is for every role)."""
    found = {}
    group_pattern = (
        r'<div class="govuk-form-group[^"]*"[^>]*>.*?</div>\s*(?=<div class="govuk-form|<div class="govuk-b)'
    )
    for group in re.findall(group_pattern, page, re.S):
        roles = re.search(r'data-for-roles="([^"]*)"', group.split(">", 1)[0] + ">")
        for name in re.findall(r'name="([a-z_]+)"', group):
            found[name] = roles.group(1) if roles else ""
    return found


def test_each_field_names_the_roles_it_is_for(partnership_a, client_at, scope_of):
    with scope_of(partnership_a):
        AreaFactory(partnership=partnership_a)
    page = client_at(partnership_a, member(partnership_a, Role.COORDINATOR)).get("/invitations/new/").content.decode()
    fields = groups_by_field(page)
    assert fields["email"] == fields["role"] == fields["first_name"] == ""
    assert fields["school"].split() == ["governor", "headteacher", "senior_leader", "staff"]
    assert fields["area"] == "area_chair"
    assert fields["staff_role"] == "staff"
    assert fields["is_chair_of_governors"] == "governor"
    assert fields["represents"] == "board_member"
    assert page.count("Chair of governors") == 1
    assert "js/portal.js" in page


def test_a_headteacher_is_offered_only_the_fields_of_the_roles_they_may_invite(partnership_a, client_at, scope_of):
    with scope_of(partnership_a):
        school = SchoolFactory(partnership=partnership_a)
        AreaFactory(partnership=partnership_a)
    head = member(partnership_a, Role.HEADTEACHER, school=school)
    page = client_at(partnership_a, head).get("/invitations/new/").content.decode()
    fields = groups_by_field(page)
    assert "represents" not in fields and "area" not in fields  # no board members or area chairs for them
    assert {"school", "staff_role", "is_chair_of_governors"} <= set(fields)


REFUSALS = [
    ({"role": "coordinator", "school": "SCHOOL"}, "school", "This role is not held at a school; leave the school"),
    ({"role": "governor"}, "school", "Choose the school for this role."),
    ({"role": "headteacher", "school": "SCHOOL", "staff_role": "sendco"}, "staff_role", "A staff role only applies"),
    ({"role": "staff", "school": "SCHOOL", "is_chair_of_governors": "on"}, "is_chair_of_governors", "Only a governor"),
]


@pytest.mark.parametrize(("data", "field", "message"), REFUSALS)
def test_without_javascript_a_field_that_does_not_fit_the_role_is_refused(
    partnership_a, client_at, scope_of, data, field, message
):
    with scope_of(partnership_a):
        school = SchoolFactory(partnership=partnership_a)
    client = client_at(partnership_a, member(partnership_a, Role.COORDINATOR))
    data = {key: (school.pk if value == "SCHOOL" else value) for key, value in data.items()}
    response = client.post("/invitations/new/", {"email": "new.person@example.org", **data})
    page = response.content.decode()
    assert response.status_code == 200 and message in page
    assert f'id="id_{field}_error"' in page
    assert 'value="new.person@example.org"' in page  # what was typed is kept
    with scope_of(partnership_a):
        assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_sending_the_same_form_twice_sends_one_invitation(
    partnership_a, client_at, scope_of, django_capture_on_commit_callbacks
):
    with scope_of(partnership_a):
        school = SchoolFactory(partnership=partnership_a)
    client = client_at(partnership_a, member(partnership_a, Role.COORDINATOR))
    token = re.search(r'name="submission" value="([0-9a-f]{32})"', client.get("/invitations/new/").content.decode())
    data = {"email": "gov@example.org", "role": "governor", "school": school.pk, "submission": token.group(1)}
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post("/invitations/new/", data)
        second = client.post("/invitations/new/", data, follow=True)
    assert first.status_code == 302
    assert "That invitation was sent already; it was not sent twice." in second.content.decode()
    with scope_of(partnership_a):
        assert Invitation.objects.count() == 1
    assert len(mail.outbox) == 1
