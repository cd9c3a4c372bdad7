"""The board member's section of the home page (declared in partnership/dashboards/portal.py): open member
schools by area, from the dashboard's own suppressed figures, so the small-group rule holds there too, and a link
to the dashboard."""

from partnership.accounts.models import User
from partnership.tenancy.models import Membership, Partnership
from partnership.tenancy.roles import Role

from . import selectors as s
from .disclosure import ALL
from .panels import Cell


def board_home_context(user: User, partnership: Partnership, memberships: list[Membership]) -> dict:
    geo = s.geography()
    cube = s.members_cube(geo, for_board=True).suppress()
    areas = [node for node, _ in geo.areas]
    rows = [
        (geo.area_dim.label(node), Cell(None if cube.is_hidden((ALL, node, ALL)) else cube.value((ALL, node, ALL))))
        for node in [*areas, ALL]
    ]
    return {
        "board_roles": [m for m in memberships if m.role == Role.BOARD_MEMBER],
        "areas": rows,
        "has_hidden": any(cell.hidden for _, cell in rows),
    }
