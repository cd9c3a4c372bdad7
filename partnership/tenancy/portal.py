"""What the core adds to the portal shell: the home link, people and settings, and the sections about a person's
own school and governing body."""

from .contributions import Contribution, HomeSection, NavItem
from .home import governor_home_context, school_home_context
from .permissions import can_manage_partnership, can_view_people
from .roles import Role


def _always(user, partnership) -> bool:
    return True


contribution = Contribution(
    nav=(
        NavItem(0, "Home", "home", _always),
        NavItem(70, "People", "people", can_view_people),
        NavItem(100, "Settings", "partnership_settings", can_manage_partnership),
    ),
    home=(
        HomeSection(
            40,
            "tenancy/home/school.html",
            frozenset({Role.HEADTEACHER, Role.SENIOR_LEADER, Role.STAFF}),
            school_home_context,
        ),
        HomeSection(60, "tenancy/home/governor.html", frozenset({Role.GOVERNOR}), governor_home_context),
    ),
)
