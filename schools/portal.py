"""What the schools app adds to the portal shell: the schools list, areas and clusters, the coordinator's,
area chair's and cluster lead's home sections, and the demo's schools and people."""

from partnership.tenancy.contributions import Contribution, DemoStep, HomeSection, NavItem
from partnership.tenancy.permissions import can_manage_partnership
from partnership.tenancy.roles import Role

from .demo import ensure_demo_schools_and_people
from .home import area_chair_home_context, cluster_lead_home_context, coordinator_home_context


def _always(user, partnership) -> bool:
    return True


contribution = Contribution(
    nav=(
        NavItem(10, "Schools", "school_list", _always),
        NavItem(90, "Areas and clusters", "area_list", can_manage_partnership),
    ),
    home=(
        HomeSection(20, "schools/home/coordinator.html", frozenset({Role.COORDINATOR}), coordinator_home_context),
        HomeSection(70, "schools/home/area_chair.html", frozenset({Role.AREA_CHAIR}), area_chair_home_context),
        HomeSection(80, "schools/home/cluster_lead.html", frozenset({Role.CLUSTER_LEAD}), cluster_lead_home_context),
    ),
    demo=(DemoStep(10, "schools and the people in every role", ensure_demo_schools_and_people),),
)
