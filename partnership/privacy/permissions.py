"""Who may export or erase a person's data and set the retention schedule (role x action matrix in
tests/privacy). Coordinators only: they answer subject access requests for their partnership."""

from partnership.tenancy.permissions import is_coordinator


def can_manage_personal_data(user, partnership) -> bool:
    return partnership is not None and is_coordinator(user, partnership)


def can_set_retention(user, partnership) -> bool:
    return partnership is not None and is_coordinator(user, partnership)
