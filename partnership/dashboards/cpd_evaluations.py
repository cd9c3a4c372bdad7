"""The board's CPD evaluation panel: how many people answered the on-the-day and impact evaluations of the
programme's events in the chosen cycle's academic year, and their average rating, by area, by phase and by network.

The counts are of responses (people), each cube protected by the small-group rule (disclosure.py) for board members:
a count of 1 or 2 is hidden, with whatever else would let it be worked out. An average is shown only beside a shown
count of at least 3, so no one person's rating is ever shown, and a hidden group's average cannot be worked out
either: the hidden cells of a sum together hold at least 3 responses. Coordinators see every count; averages of
fewer than 3 responses are not shown to anyone. A response records the area and phase of the person's school only,
never the school: an anonymous answer stays anonymous here too.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Min, Sum

from cpd.models import EvaluationPoint, EvaluationResponse, Event
from partnership.common.disclosure import ALL, THRESHOLD, Cube, Dim, tree_dim

from . import selectors as s
from .panels import Cell, Panel, Row, Table

SLUG = "cpd-evaluations"
TITLE = "CPD evaluations"
MEASURES = (EvaluationPoint.ON_THE_DAY, EvaluationPoint.IMPACT)
NO_NETWORK = "network:none"


def measure_dim() -> Dim:
    # Separate measures, not parts of a total: the same person may answer both.
    return tree_dim("measure", [(m.value, m.label) for m in MEASURES], total=None)


def network_dim(networks: list[tuple[int, str]]) -> Dim:
    items = [(f"network:{pk}", name) for pk, name in networks] + [(NO_NETWORK, "Not a network's event")]
    return tree_dim("network", items, total="All events")


def year_events(year_start: int):
    """The events whose first session falls in the academic year starting in September of `year_start`."""
    start, end = datetime.date(year_start, 9, 1), datetime.date(year_start + 1, 9, 1)
    return Event.objects.annotate(first=Min("sessions__date")).filter(first__gte=start, first__lt=end).values("pk")


@dataclass
class EvaluationFigures:
    places: Cube  # (measure, area, phase)
    networks: Cube  # (measure, network)
    scores: dict[tuple[str, str, str, str], tuple[int, float]]  # (measure, area, phase, network) -> (n, sum)


def evaluation_figures(year_start: int, geo: s.Geography, *, for_board: bool) -> EvaluationFigures:
    """One query: the rated responses grouped by point, area, phase and network (the networks that have any)."""
    rows = list(
        EvaluationResponse.objects.filter(point__in=MEASURES, score__isnull=False, event__in=year_events(year_start))
        .values_list("point", "area_id", "phase", "event__network_id", "event__network__name")
        .annotate(n=Count("pk"), total=Sum("score"))
        .order_by()
    )
    networks = sorted({(pk, name) for *_, pk, name, _, _ in rows if pk}, key=lambda item: (item[1], item[0]))
    scores: dict[tuple[str, str, str, str], tuple[int, float]] = {}
    places: dict[tuple[str, str, str], int] = defaultdict(int)
    by_network: dict[tuple[str, str], int] = defaultdict(int)
    for point, area, phase, network, _, n, total in rows:
        key = (point, s.area_node(area), geo.phase_node(phase), f"network:{network}" if network else NO_NETWORK)
        if key[1] not in geo.area_dim.index or key[2] not in geo.phase_dim.index:
            continue  # a person of no member school (or of one the geography no longer holds): in no figure
        count, sum_ = scores.get(key, (0, 0.0))
        scores[key] = (count + n, sum_ + total)
        places[key[:3]] += n
        by_network[(point, key[3])] += n
    places_cube = Cube(
        [measure_dim(), geo.area_dim, geo.phase_dim],
        places.items(),
        unpublished=[s.BY_AREA_AND_PHASE_3] if for_board else (),
    )
    networks_cube = Cube([measure_dim(), network_dim(networks)], by_network.items())
    if for_board:
        places_cube.suppress()
        networks_cube.suppress()
    return EvaluationFigures(places_cube, networks_cube, scores)


def _average(figures: EvaluationFigures, measure: str, **nodes: str) -> tuple[int, float]:
    n = total = 0
    for (m, area, phase, network), (count, sum_) in figures.scores.items():
        if m != measure:
            continue
        if nodes.get("area", ALL) not in (ALL, area) or nodes.get("phase", ALL) not in (ALL, phase):
            continue
        if nodes.get("network", ALL) not in (ALL, network):
            continue
        n, total = n + count, total + sum_
    return n, total


def evaluation_panel(dashboard) -> Panel:
    """The panel for a Dashboard (panels.py) and its filters."""
    f, board = dashboard.filters, dashboard.audience.suppress
    panel = Panel(SLUG, TITLE)
    if f.cycle is None:
        panel.empty = "No review cycle has been opened yet: the panel follows the chosen cycle's academic year."
        return panel
    year = f.cycle.academic_year_start
    figures = dashboard._remembered(
        f"cpd-evaluations:{year}", lambda: evaluation_figures(year, dashboard.geo, for_board=board)
    )
    panel.intro = (
        f"People who answered the on-the-day and impact evaluations of CPD events in {f.cycle.academic_year}, and "
        "their average rating out of 5. Averages are shown for at least 3 people."
    )

    def count_cell(cube: Cube, key: tuple) -> Cell:
        if board and cube.is_unpublished(key):
            return Cell(None, withheld=True)
        if board and cube.is_hidden(key):
            return Cell(None)
        return Cell(cube.value(key))

    def average_cell(count: Cell, measure: str, **nodes: str) -> Cell:
        if count.withheld or (board and count.value is None):
            return Cell(None, withheld=count.withheld)
        n, total = _average(figures, measure, **nodes)
        return Cell(None, text=f"{total / n:.1f}" if n >= THRESHOLD else "–")

    def cells(cube: Cube, key_of, **nodes_of) -> list[Cell]:
        out = []
        for measure in MEASURES:
            count = count_cell(cube, key_of(measure))
            out += [count, average_cell(count, measure, **nodes_of)]
        return out

    columns = ["On the day: people", "On the day: average", "Impact: people", "Impact: average"]
    geo = dashboard.geo
    areas = dashboard._rows_with_total(f.areas_in_view())
    phases = dashboard._rows_with_total(f.phases_in_view())
    panel.tables.append(
        Table(
            id="cpd-evaluations-by-area",
            caption=f"CPD evaluations by area, {f.cycle.academic_year} ({dashboard._phase_text()})",
            row_heading="Area",
            columns=columns,
            rows=[
                Row(
                    geo.area_dim.label(area),
                    cells(figures.places, lambda m, a=area: (m, a, f.phase), area=area, phase=f.phase),
                    total=area == ALL,
                )
                for area in areas
            ],
        )
    )
    panel.tables.append(
        Table(
            id="cpd-evaluations-by-phase",
            caption=f"CPD evaluations by phase, {f.cycle.academic_year} ({dashboard._area_text()})",
            row_heading="Phase",
            columns=columns,
            rows=[
                Row(
                    geo.phase_dim.label(phase),
                    cells(figures.places, lambda m, p=phase: (m, f.area, p), area=f.area, phase=phase),
                    total=phase == ALL,
                )
                for phase in phases
            ],
        )
    )
    if not f.filtered:  # networks are counted for the whole partnership only
        network_dim_ = figures.networks.dims[1]
        panel.tables.append(
            Table(
                id="cpd-evaluations-by-network",
                caption=f"CPD evaluations by network, {f.cycle.academic_year} (all areas, all phases)",
                row_heading="Network",
                columns=columns,
                rows=[
                    Row(
                        network_dim_.label(node),
                        cells(figures.networks, lambda m, n=node: (m, n), network=node),
                        total=node == ALL,
                    )
                    for node in network_dim_.nodes
                ],
            )
        )
    return panel
