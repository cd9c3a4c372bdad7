"""The board dashboard's CPD panel (issue 14): take-up of the chosen cycle's academic year by area, phase and
network, the attendance rate, and the needs reviews found set beside the programme (met or unmet).

Every count is a count of schools (a school booked a place, someone from it attended), so the small-group rule
applies to them as to every other panel: one cube per view, suppressed for board members before any cell is read,
with the same offer as elsewhere (by area or by phase, never both; networks for the whole partnership only). The
needs come from cpd/needs.py, for the whole partnership only, as the themes panel offers areas for development.

The CPD tables the panel reads are under the data version (docs/data-version.md), so its figures are remembered
like every other panel's (store.py), per cycle: six aggregate queries on a first view, none after.
"""

import datetime
from collections import defaultdict

from django.db.models import Count, Q

from cpd import needs as cpd_needs
from cpd.models import Booking, BookingState, Network
from partnership.common.disclosure import ALL, Cube, Dim, tree_dim

from . import selectors as s
from .panels import Cell, Dashboard, Panel, Row, Table
from .selectors import _split, area_node

SLUG = "cpd"
TITLE = "CPD take-up and needs"

ATTENDED = "attended"
BOOKED_ONLY = "booked_only"
ANY_EVENT = "any"
NO_NETWORK = "network:none"


def measure_dim() -> Dim:
    return tree_dim(
        "measure",
        [(ATTENDED, "Someone attended"), (BOOKED_ONLY, "Booked, nobody attended")],
        total="Booked a place",
    )


def network_dim(networks: list[tuple[int, str]]) -> Dim:
    # Not a partition: a school takes part in several networks' events, so the nodes are separate measures.
    return tree_dim(
        "network", [(ANY_EVENT, "Any event"), *((f"network:{pk}", name) for pk, name in networks)], total=None
    )


def _not_any(node: str) -> bool:
    return node != ANY_EVENT


# What a board member is offered: take-up by area or by phase (not both together); a network's take-up for the
# whole partnership only (by area or phase it would be a handful of schools).
BOARD_UNPUBLISHED = [
    (None, None, _split, _split),
    (None, _not_any, _split, None),
    (None, _not_any, None, _split),
]


def take_up(geo: s.Geography, start: datetime.date, end: datetime.date, *, for_board: bool) -> tuple[Cube, dict]:
    """The take-up cube and the attendance rates (three queries).

    The cube counts schools that booked a confirmed place on a session between start and end, split by whether
    someone from them attended (a mark of present, late or left early on a closed register), by network, area and
    phase. The rates are (took part, marked) by (area node, phase node), totals included as ALL: people's marks,
    not schools."""
    networks = list(Network.objects.order_by("name").values_list("pk", "name"))
    took_part = Q(attendance__mark__in=cpd_needs.TOOK_PART, attendance__register__closed_at__isnull=False)
    # One row per school and network (not per booking or mark): the rows read, not the query, are the cost here.
    booked = (
        Booking.objects.filter(
            state=BookingState.CONFIRMED, school__isnull=False, session__date__gte=start, session__date__lte=end
        )
        .values_list("school_id", "school__area_id", "school__phase", "event__network_id")
        .annotate(took=Count("attendance", filter=took_part))
        .order_by()
    )
    marks = (
        cpd_needs.marked_rows(start, end)
        .values_list("booking__school__area_id", "booking__school__phase")
        .annotate(marked=Count("pk"), took=Count("pk", filter=Q(mark__in=cpd_needs.TOOK_PART)))
        .order_by()
    )
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for area, school_phase, marked, took in marks:
        place, phase = area_node(area), geo.phase_node(school_phase)
        for key in ((place, phase), (place, ALL), (ALL, phase), (ALL, ALL)):
            counts[key][0] += took
            counts[key][1] += marked
    booked = list(booked)
    attended = {(school, network) for school, _, _, network, took in booked if took}
    attended_schools = {school for school, _ in attended}
    schools: dict[int, tuple[str, str]] = {}
    by_network: dict[tuple[int, int], None] = {}
    for school, area, school_phase, network, _ in booked:
        schools[school] = (area_node(area), geo.phase_node(school_phase))
        if network is not None:
            by_network[(school, network)] = None
    leaves = [
        ((ATTENDED if school in attended_schools else BOOKED_ONLY, ANY_EVENT, *where), 1)
        for school, where in schools.items()
    ]
    for school, network in by_network:
        measure = ATTENDED if (school, network) in attended else BOOKED_ONLY
        leaves.append(((measure, f"network:{network}", *schools[school]), 1))
    cube = Cube(
        [measure_dim(), network_dim(networks), geo.area_dim, geo.phase_dim],
        leaves,
        unpublished=BOARD_UNPUBLISHED if for_board else (),
    )
    rates = {key: (took, marked) for key, (took, marked) in counts.items()}
    return (cube.suppress() if for_board else cube), rates


def _cell(board: Dashboard, cube: Cube, key: tuple) -> Cell:
    """As Dashboard.cell, without the link to the schools behind the figure (there is no CPD drill-down)."""
    if board.audience.suppress and cube.is_unpublished(key):
        return Cell(None, withheld=True)
    if board.audience.suppress and cube.is_hidden(key):
        return Cell(None)
    return Cell(cube.value(key))


def cpd_panel(board: Dashboard) -> Panel:
    f, geo = board.filters, board.geo
    panel = Panel(SLUG, TITLE)
    if f.cycle is None:
        panel.empty = "No review cycle has been opened yet: CPD figures follow the cycle's academic year."
        return panel
    start, end = cpd_needs.academic_year(f.cycle.academic_year_start)
    cube, rates = board._remembered(
        f"cpd:{f.cycle.pk}", lambda: take_up(geo, start, end, for_board=board.audience.suppress)
    )
    panel.intro = (
        f"Schools whose staff booked a place on the CPD programme in {f.cycle.academic_year} "
        f"({start:%-d %B %Y} to {end:%-d %B %Y}), whether anyone from them came, and the attendance rate (the share "
        "of people marked on closed registers who came, late or leaving early included)."
    )

    def rate(area: str, phase: str, shown: Cell) -> Cell:
        if shown.withheld or shown.value is None:
            return Cell(None, withheld=shown.withheld)  # a rate is shown only beside a figure that is shown
        took, marked = rates.get((area, phase), (0, 0))
        return Cell(None, text=f"{round(100 * took / marked)}%" if marked else "–")

    def cells(network: str, area: str, phase: str) -> list[Cell]:
        figures = [_cell(board, cube, (m, network, area, phase)) for m in (ALL, ATTENDED, BOOKED_ONLY)]
        return [*figures, rate(area, phase, figures[1])] if network == ANY_EVENT else figures

    headline = cells(ANY_EVENT, f.area, f.phase)
    panel.figures = [
        ("schools booked a place", headline[0]),
        ("schools with someone who attended", headline[1]),
    ]
    columns = ["Booked a place", "Someone attended", "Booked, nobody attended", "Attendance rate"]
    areas = [*f.areas_in_view(), ALL] if len(f.areas_in_view()) > 1 else f.areas_in_view()
    panel.tables.append(
        Table(
            id="cpd-by-area",
            caption=f"Schools taking part in CPD by area, {f.cycle.academic_year} ({board._phase_text()})",
            row_heading="Area",
            columns=columns,
            rows=[
                Row(geo.area_dim.label(a), cells(ANY_EVENT, a, f.phase), total=a == ALL and len(areas) > 1)
                for a in areas
            ],
        )
    )
    phases = [*f.phases_in_view(), ALL] if len(f.phases_in_view()) > 1 else f.phases_in_view()
    panel.tables.append(
        Table(
            id="cpd-by-phase",
            caption=f"Schools taking part in CPD by phase, {f.cycle.academic_year} ({board._area_text()})",
            row_heading="Phase",
            columns=columns,
            rows=[
                Row(geo.phase_dim.label(p), cells(ANY_EVENT, f.area, p), total=p == ALL and len(phases) > 1)
                for p in phases
            ],
        )
    )
    network_nodes = [node for node in cube.dims[1].nodes if node != ANY_EVENT]
    if network_nodes:
        panel.tables.append(
            Table(
                id="cpd-by-network",
                caption=f"Schools taking part in network events, {f.cycle.academic_year} ({f.description})",
                row_heading="Network",
                columns=columns[:3],
                rows=[Row(cube.dims[1].label(n), cells(n, f.area, f.phase)) for n in network_nodes],
            )
        )
    panel.tables.extend(_needs_tables(board))
    return panel


def _needs_tables(board: Dashboard) -> list[Table]:
    """Needs met versus unmet: two tables, the focus areas whose needs the programme meets (with how many events)
    and those it does not, for the whole partnership (what reviews found is not offered by area or phase)."""
    cycle = board.filters.cycle
    choice = cpd_needs.CycleChoice(cycle.pk, cycle.name, cycle.academic_year_start)

    def compute() -> list[tuple[str, list[int | None], int]]:
        if board.audience.suppress:
            return [
                (need.focus, list(need.figures), len(need.events))
                for need in cpd_needs.board_rows(choice, focus_names=cycle.focus_areas)
            ]
        return [
            (need.focus, [need.schools, need.schools_attended, need.schools - need.schools_attended], len(need.events))
            for need in cpd_needs.needs_analysis(choice, focus_names=cycle.focus_areas, area_names=False).rows
        ]

    needs = [
        (focus, [Cell(n) for n in figures], events)
        for focus, figures, events in board._remembered(f"cpd-needs:{cycle.pk}", compute)
    ]
    columns = ["Schools with areas for development", "Someone attended a tagged event", "Nobody attended one"]
    met = Table(
        id="cpd-needs-met",
        caption=f"Needs the programme meets: areas for development in final reports of {cycle.name} "
        "(whole partnership)",
        row_heading="Focus area (events in the programme)",
        columns=columns,
        rows=[
            Row(f"{focus} ({events} event{'s' if events != 1 else ''})", cells)
            for focus, cells, events in needs
            if events
        ],
        hint="A need is met when a published event tagged with its focus area has a session in the cycle's academic "
        "year or the next. Shown for the whole partnership whatever the filters.",
    )
    unmet = Table(
        id="cpd-needs-unmet",
        caption=f"Needs the programme does not meet, {cycle.name} (whole partnership)",
        row_heading="Focus area",
        columns=columns[:1],
        rows=[Row(focus, cells[:1]) for focus, cells, events in needs if not events],
    )
    return [met, unmet]
