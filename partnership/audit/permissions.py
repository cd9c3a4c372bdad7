"""Who may read the audit log (tests/audit/test_audit_log.py checks it role by role). Nobody edits it."""

from partnership.tenancy.permissions import can_use_admin, is_coordinator


def can_view_audit_log(user, partnership) -> bool:
    """A partnership's coordinators read its log; platform administrators, on the portal address, read all."""
    if partnership is None:
        return user.is_authenticated and can_use_admin(user)
    return is_coordinator(user, partnership)
