"""What the dashboards add to the portal shell: the dashboard link and the board member's home section, and the
past cycles the dashboard's demo needs."""

from partnership.tenancy.contributions import Contribution, DemoStep, HomeSection, NavItem
from partnership.tenancy.permissions import can_view_board_overview
from partnership.tenancy.roles import Role

from .demo import ensure_dashboard_demo
from .home import board_home_context

contribution = Contribution(
    nav=(NavItem(80, "Dashboard", "dashboard", can_view_board_overview),),
    home=(HomeSection(90, "dashboards/home/board.html", frozenset({Role.BOARD_MEMBER}), board_home_context),),
    # Last of all: it only adds the cycles the other apps' demo data lacks.
    demo=(
        DemoStep(90, "past cycles for the dashboard", lambda run: ensure_dashboard_demo(run.partnership, run.today)),
    ),
)
