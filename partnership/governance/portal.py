"""What board governance adds to the portal shell: the Boards link, the coordinator's and members' home sections,
the demo's boards, meetings, minutes and public pages, and the meetings in each member's calendar feed."""

from partnership.tenancy.contributions import CalendarSource, Contribution, DemoStep, HomeSection, NavItem
from partnership.tenancy.roles import Role

from .calendar import meeting_entries
from .demo import ensure_governance_demo
from .home import coordinator_home_context, member_home_context
from .permissions import can_see_boards_nav, can_use_resources

contribution = Contribution(
    nav=(
        NavItem(55, "Boards", "governance_body_list", can_see_boards_nav),
        NavItem(57, "Resources", "governance_resources", can_use_resources),
    ),
    home=(
        HomeSection(35, "governance/home/coordinator.html", frozenset({Role.COORDINATOR}), coordinator_home_context),
        HomeSection(85, "governance/home/member.html", frozenset({Role.BOARD_MEMBER}), member_home_context),
    ),
    demo=(DemoStep(60, "boards, meetings and public pages", lambda run: ensure_governance_demo(run)),),
    calendar=(CalendarSource(20, "board meetings", meeting_entries),),
)
