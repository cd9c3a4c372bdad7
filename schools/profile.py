"""The sections of a school's profile page. Later features (reviews, CPD...) add theirs to SECTIONS.

A section is shown when `visible(user, school)` allows; its `context(user, school)` is computed only then.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from partnership.accounts.models import User
from partnership.tenancy.permissions import can_end_membership, can_view_people
from partnership.tenancy.roles import Role

from .importer import IMPORTED_FIELDS, TRUST_FIELDS, change_label
from .models import School
from .permissions import can_invite_to_school, can_view_role_history, can_view_school_people
from .selectors import school_history, school_people


@dataclass(frozen=True)
class ProfileSection:
    template: str
    visible: Callable[[User, School], bool]
    context: Callable[[User, School], dict[str, Any]]


def _everyone(user: User, school: School) -> bool:
    return True


def _details(user: User, school: School) -> dict[str, Any]:
    return {}


def _people_of(school: School):
    """The school's people, loaded once per request however many sections use them."""
    if "_profile_people" not in school.__dict__:
        school.__dict__["_profile_people"] = school_people(school)
    return school.__dict__["_profile_people"]


def _partnership(user: User, school: School) -> dict[str, Any]:
    return {"people": _people_of(school)}


def _people(user: User, school: School) -> dict[str, Any]:
    people = _people_of(school)
    may_see_people = can_view_school_people(user, school)
    rows = people.current if may_see_people else people.leadership
    return {
        "people": people,
        "portal_heads": people.with_role(Role.HEADTEACHER),
        "rows": [(m, may_see_people and can_end_membership(user, m)) for m in rows],
        "may_see_people": may_see_people,
        # The school's own staff and governors see its people here, but not the partnership's people list.
        "may_open_people_list": can_view_people(user, school.partnership),
        "may_see_history": can_view_role_history(user, school),
        "may_invite": can_invite_to_school(user, school) and not school.is_closed,
    }


def _history(user: User, school: School) -> dict[str, Any]:
    changes = school_history(school)
    order = {name: position for position, name in enumerate([*IMPORTED_FIELDS, *TRUST_FIELDS])}
    for change in changes:  # jsonb does not keep the keys' order: show them in the importer's order
        fields = sorted(change.changes.items(), key=lambda item: order.get(item[0], len(order)))
        change.rows = [(change_label(name), before, after) for name, (before, after) in fields]
    return {"changes": changes}


SECTIONS: list[ProfileSection] = [
    ProfileSection("schools/profile/details.html", _everyone, _details),
    ProfileSection("schools/profile/partnership.html", _everyone, _partnership),
    ProfileSection("schools/profile/people.html", _everyone, _people),
    ProfileSection("schools/profile/history.html", _everyone, _history),
]


def profile_sections(user: User, school: School) -> list[tuple[str, dict[str, Any]]]:
    return [(s.template, s.context(user, school)) for s in SECTIONS if s.visible(user, school)]
