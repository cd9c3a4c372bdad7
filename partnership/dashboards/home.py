"""The board member's section of the home page (declared in partnership/dashboards/portal.py): open member
schools by area, from the dashboard's own suppressed figures, so the small-group rule holds there too, and a link
to the dashboard."""

from improvement.selectors.annual_report import category_counts
from partnership.accounts.models import User
from partnership.common.disclosure import ALL
from partnership.tenancy.models import Membership, Partnership
from partnership.tenancy.roles import Role

from . import selectors as s
from .panels import Cell


def category_rows() -> list[tuple[str, Cell]]:
    """Schools in each of the partnership's categories of support, under the small-group rule like every board
    figure (a category of one or two schools is hidden, and so is what would give it away): the annual report's
    own table, so the two can never disagree. One query."""
    return [(figure.label, Cell(figure.value)) for figure in category_counts()]


def board_home_context(user: User, partnership: Partnership, memberships: list[Membership]) -> dict:
    geo = s.geography()
    cube = s.members_cube(geo, for_board=True).suppress()
    areas = [node for node, _ in geo.areas]
    rows = [
        (geo.area_dim.label(node), Cell(None if cube.is_hidden((ALL, node, ALL)) else cube.value((ALL, node, ALL))))
        for node in [*areas, ALL]
    ]
    categories = category_rows()
    return {
        "board_roles": [m for m in memberships if m.role == Role.BOARD_MEMBER],
        "areas": rows,
        "categories": categories,
        "has_hidden": any(cell.hidden for _, cell in [*rows, *categories]),
    }
