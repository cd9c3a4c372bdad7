"""Who may do what across a partnership. Plain functions of (user, partnership or object).

Each app keeps its own permissions module; tests/tenancy/test_permissions.py checks this one as a
role x action matrix.
"""

from partnership.accounts.models import Invitation, User

from .models import Membership, Partnership
from .roles import ROLES_A_HEADTEACHER_MAY_INVITE, Role
from .selectors import active_memberships


def roles_of(user: User, partnership: Partnership) -> set[str]:
    return {membership.role for membership in active_memberships(user, partnership)}


def is_member(user: User, partnership: Partnership) -> bool:
    return bool(active_memberships(user, partnership))


def has_role(user: User, partnership: Partnership, *roles: str) -> bool:
    return not roles_of(user, partnership).isdisjoint(roles)


def is_coordinator(user: User, partnership: Partnership) -> bool:
    return has_role(user, partnership, Role.COORDINATOR)


def schools_led_by(user: User, partnership: Partnership) -> set[int]:
    """Ids of the schools where the user is headteacher."""
    return {m.school_id for m in active_memberships(user, partnership) if m.role == Role.HEADTEACHER}


def can_manage_partnership(user: User, partnership: Partnership) -> bool:
    """Branding, areas, clusters and the partnership's settings."""
    return is_coordinator(user, partnership)


def can_view_people(user: User, partnership: Partnership) -> bool:
    """The partnership-wide people list."""
    return has_role(user, partnership, Role.COORDINATOR, Role.HEADTEACHER, Role.AREA_CHAIR, Role.CLUSTER_LEAD)


def can_invite(user: User, partnership: Partnership, *, role: str | None = None, school_id: int | None = None) -> bool:
    """Coordinators invite anyone into any role; a headteacher invites leaders, staff and governors of their school.

    Without a role, answers whether the user may invite anyone at all (to show the action).
    """
    if is_coordinator(user, partnership):
        return True
    led = schools_led_by(user, partnership)
    if role is None:
        return bool(led)
    return role in ROLES_A_HEADTEACHER_MAY_INVITE and school_id in led


def can_revoke_invitation(user: User, invitation: Invitation) -> bool:
    return can_invite(user, invitation.partnership, role=invitation.role, school_id=invitation.school_id)


def can_end_membership(user: User, membership: Membership) -> bool:
    """Ending a role: coordinators for anyone, a headteacher for the people they could invite, never oneself."""
    if membership.user_id == user.pk:
        return False
    return can_invite(user, membership.partnership, role=membership.role, school_id=membership.school_id)


def can_view_board_overview(user: User, partnership: Partnership) -> bool:
    """Aggregate figures for the whole partnership (never one school's review)."""
    return has_role(user, partnership, Role.COORDINATOR, Role.BOARD_MEMBER)


def can_use_admin(user: User) -> bool:
    """The Django admin is for platform operators only, on the bare portal address."""
    return user.is_active and user.is_staff and user.is_superuser
