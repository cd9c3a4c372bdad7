"""Role x action: what each role may do across a partnership (partnership/tenancy/permissions.py)."""

import pytest

from partnership.tenancy import permissions
from partnership.tenancy.models import Membership
from partnership.tenancy.roles import Role
from tests.factories import InvitationFactory, SchoolFactory, member

pytestmark = pytest.mark.django_db

ALL_ROLES = [r.value for r in Role]

# action -> the roles that may do it. Anything not listed is refused.
MATRIX = {
    "view_home": set(ALL_ROLES),
    "manage_partnership": {"coordinator"},
    "view_people": {"coordinator", "headteacher", "area_chair", "cluster_lead"},
    "invite_anyone_somewhere": {"coordinator", "headteacher"},
    "invite_staff_own_school": {"coordinator", "headteacher"},
    "invite_staff_other_school": {"coordinator"},
    "invite_headteacher_own_school": {"coordinator"},
    "invite_coordinator": {"coordinator"},
    "revoke_staff_invitation_own_school": {"coordinator", "headteacher"},
    "end_staff_role_own_school": {"coordinator", "headteacher"},
    "end_staff_role_other_school": {"coordinator"},
    "view_board_overview": {"coordinator", "board_member"},
}


def perform(action, user, partnership, own_school, other_school):
    staff_at = {
        own_school: Membership.objects.create(
            partnership=partnership,
            user=member(partnership, Role.SENIOR_LEADER, school=other_school),
            role=Role.STAFF,
            school=own_school,
            started_on="2026-09-01",
        ),
    }
    if action == "view_home":
        return permissions.is_member(user, partnership)
    if action == "manage_partnership":
        return permissions.can_manage_partnership(user, partnership)
    if action == "view_people":
        return permissions.can_view_people(user, partnership)
    if action == "invite_anyone_somewhere":
        return permissions.can_invite(user, partnership)
    if action == "invite_staff_own_school":
        return permissions.can_invite(user, partnership, role=Role.STAFF, school_id=own_school.pk)
    if action == "invite_staff_other_school":
        return permissions.can_invite(user, partnership, role=Role.STAFF, school_id=other_school.pk)
    if action == "invite_headteacher_own_school":
        return permissions.can_invite(user, partnership, role=Role.HEADTEACHER, school_id=own_school.pk)
    if action == "invite_coordinator":
        return permissions.can_invite(user, partnership, role=Role.COORDINATOR)
    if action == "revoke_staff_invitation_own_school":
        invitation = InvitationFactory(partnership=partnership, role=Role.STAFF, school=own_school)
        return permissions.can_revoke_invitation(user, invitation)
    if action == "end_staff_role_own_school":
        return permissions.can_end_membership(user, staff_at[own_school])
    if action == "end_staff_role_other_school":
        other = Membership.objects.create(
            partnership=partnership,
            user=member(partnership, Role.GOVERNOR, school=other_school),
            role=Role.STAFF,
            school=other_school,
            started_on="2026-09-01",
        )
        return permissions.can_end_membership(user, other)
    if action == "view_board_overview":
        return permissions.can_view_board_overview(user, partnership)
    raise AssertionError(action)


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("action", sorted(MATRIX))
def test_role_action_matrix(partnership_a, scope_of, role, action):
    with scope_of(partnership_a):
        own_school = SchoolFactory(partnership=partnership_a)
        other_school = SchoolFactory(partnership=partnership_a)
        place = {"school": own_school} if role in {"headteacher", "senior_leader", "governor", "staff"} else {}
        user = member(partnership_a, role, **place)
        allowed = perform(action, user, partnership_a, own_school, other_school)
    assert allowed is (role in MATRIX[action]), f"{role} {'may not' if allowed else 'should be able to'} {action}"


def test_a_person_with_no_role_may_do_nothing(partnership_a, partnership_b, scope_of):
    outsider = member(partnership_b, Role.COORDINATOR)
    with scope_of(partnership_a):
        school = SchoolFactory(partnership=partnership_a)
        assert not permissions.is_member(outsider, partnership_a)
        assert not permissions.can_invite(outsider, partnership_a)
        assert not permissions.can_invite(outsider, partnership_a, role=Role.STAFF, school_id=school.pk)
        assert not permissions.can_view_people(outsider, partnership_a)
        assert not permissions.can_view_board_overview(outsider, partnership_a)


def test_an_ended_role_grants_nothing(partnership_a, scope_of):
    from partnership.tenancy.services import membership_end

    user = member(partnership_a, Role.COORDINATOR)
    with scope_of(partnership_a):
        membership_end(membership=Membership.objects.get(user=user))
        user.__dict__.pop("_active_memberships", None)
        assert not permissions.is_coordinator(user, partnership_a)
        assert not permissions.is_member(user, partnership_a)


def test_nobody_ends_their_own_role(partnership_a, scope_of):
    user = member(partnership_a, Role.COORDINATOR)
    with scope_of(partnership_a):
        assert not permissions.can_end_membership(user, Membership.objects.get(user=user))


def test_admin_is_only_for_platform_operators(db):
    from tests.factories import UserFactory

    assert permissions.can_use_admin(UserFactory(is_staff=True, is_superuser=True))
    assert not permissions.can_use_admin(UserFactory(is_staff=True))
    assert not permissions.can_use_admin(UserFactory())
