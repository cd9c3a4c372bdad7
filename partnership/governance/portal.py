"""What board governance adds to the portal shell: the Boards link, the coordinator's and members' home sections,
the demo's boards, meetings, minutes and public pages, and the meetings in each member's calendar feed."""

from partnership.tenancy.contributions import CalendarSource, Contribution, DemoStep, EmailTopic, HomeSection, NavItem
from partnership.tenancy.roles import Role

from .calendar import meeting_entries
from .demo import ensure_governance_demo
from .email_topics import EMAIL_ACTION_REMINDERS, EMAIL_BOARD_PAPERS
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
    email_topics=(
        EmailTopic(
            50, EMAIL_BOARD_PAPERS, "Board papers", "When the papers for a meeting of a board you sit on are published."
        ),
        EmailTopic(
            60, EMAIL_ACTION_REMINDERS, "Board action reminders", "When an action you own is due in three days."
        ),
    ),
)
