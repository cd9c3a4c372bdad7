"""Who may do what with schools, areas and clusters. Plain functions of (user, partnership or object).

People-related rights (inviting, ending roles) live in partnership/tenancy/permissions.py; these build on them.
tests/schools/test_permissions.py checks this module as a role x action matrix.
"""

from partnership.accounts.models import User
from partnership.tenancy.models import Partnership
from partnership.tenancy.permissions import (
    can_invite,
    can_manage_partnership,
    can_view_people,
    is_coordinator,
    is_member,
    schools_led_by,
)
from partnership.tenancy.roles import Role
from partnership.tenancy.selectors import active_memberships

from .models import School


def can_view_schools(user: User, partnership: Partnership) -> bool:
    """The directory, the CSV export and every school's profile: everyone in the partnership."""
    return is_member(user, partnership)


def can_import_schools(user: User, partnership: Partnership) -> bool:
    """Upload a GIAS extract, preview and apply it; see past imports."""
    return is_coordinator(user, partnership)


def can_manage_areas(user: User, partnership: Partnership) -> bool:
    """Create and edit areas and clusters, name their chairs and leads, assign schools to them."""
    return can_manage_partnership(user, partnership)


def _holds_role_at(user: User, partnership: Partnership, school: School) -> bool:
    return any(m.school_id == school.pk for m in active_memberships(user, partnership))


def can_view_school_people(user: User, school: School) -> bool:
    """Everyone with a portal role at the school, with email addresses (leadership names are shown to all).

    Those who may see the partnership's people list, and the school's own people.
    """
    partnership = school.partnership
    return can_view_people(user, partnership) or _holds_role_at(user, partnership, school)


def can_view_role_history(user: User, school: School) -> bool:
    """Roles at the school that have ended: coordinators and the school's headteacher."""
    partnership = school.partnership
    return is_coordinator(user, partnership) or school.pk in schools_led_by(user, partnership)


def can_invite_to_school(user: User, school: School) -> bool:
    """Invite someone into a role at this school: coordinators, and the school's headteacher."""
    return can_invite(user, school.partnership, role=Role.STAFF, school_id=school.pk)
