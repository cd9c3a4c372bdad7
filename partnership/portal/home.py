"""A partnership's home page: the sections every app contributes (partnership/portal/registry.py). A section
applies to some roles; a person holding several roles sees every section that applies, in `order`."""

from typing import Any

from partnership.accounts.models import User
from partnership.tenancy.models import Partnership
from partnership.tenancy.selectors import active_memberships

from .registry import home_sections as registered_sections


def home_sections(user: User, partnership: Partnership) -> list[tuple[str, dict[str, Any]]]:
    memberships = active_memberships(user, partnership)
    roles = {m.role for m in memberships}
    return [
        (section.template, section.context(user, partnership, memberships))
        for section in registered_sections()
        if not section.roles.isdisjoint(roles)
    ]
