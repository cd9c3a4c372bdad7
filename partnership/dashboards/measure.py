"""How much of the dashboard the small-group rule hides from a board member, at the two levels a board reads:
the whole partnership and each area (all phases), for the newest cycle. Printed by `manage.py
dashboard_disclosure`; the figures behind issue 12's targets (every whole-partnership figure of 3 or more
shown, under 10% hidden at area level in a county)."""

from dataclasses import dataclass, field
from itertools import product

from django.utils import timezone

from partnership.common.disclosure import ALL, Cube

from .panels import BOARD, Dashboard, Filters, frame


@dataclass
class Share:
    hidden: int = 0
    cells: int = 0
    hidden_of_three_or_more: int = 0  # figures of 3 or more hidden to protect a smaller one
    by_panel: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def percent(self) -> float:
        return 100 * self.hidden / self.cells if self.cells else 0.0


def _level_cells(cube: Cube, geo_nodes: set[str]) -> list[tuple]:
    """The published cells of a cube whose geography is one of `geo_nodes`, for all phases together."""
    geo_d = next(d for d, dim in enumerate(cube.dims) if dim.name == "geo")
    phase_d = next(d for d, dim in enumerate(cube.dims) if dim.name == "phase")
    keys = []
    for key in product(*[dim.nodes for dim in cube.dims]):
        if key[geo_d] in geo_nodes and key[phase_d] == ALL and not cube.is_unpublished(key):
            keys.append(key)
    return keys


def board_shares(today=None) -> tuple[Share, Share]:
    """(partnership level, area level) for the newest cycle, as a board member would be shown them. Call inside
    the partnership's scope."""
    today = today or timezone.localdate()
    cycles, geo = frame()
    board = Dashboard(Filters(cycles[-1] if cycles else None, ALL, ALL, cycles, geo), BOARD, today)
    cubes = {"members": board.members_cube, "not-reviewed": board.not_reviewed_cube}
    if cycles:
        pk = cycles[-1].pk
        cubes.update(
            {"pipeline": board.pipeline_cubes[pk], "themes": board.themes_cubes[pk], "overdue": board.overdue_cube}
        )
    partnership, area = Share(), Share()
    areas = {node for node, _ in geo.areas}
    for share, nodes in ((partnership, {ALL}), (area, areas)):
        for name, cube in cubes.items():
            keys = _level_cells(cube, nodes)
            hidden = [key for key in keys if cube.is_hidden(key)]
            share.cells += len(keys)
            share.hidden += len(hidden)
            share.hidden_of_three_or_more += sum(cube.value(key) >= 3 for key in hidden)
            share.by_panel[name] = (len(hidden), len(keys))
    return partnership, area
