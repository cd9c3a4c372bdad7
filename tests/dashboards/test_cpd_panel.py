"""The dashboard's CPD panel (issue 14): take-up by area, phase and network, attendance rate, needs met versus
unmet. The small-group rule under every filter, through the page and both CSV files; hidden figures that cannot be
worked out; what a coordinator sees; queries that do not grow with the programme."""

import csv
import io
import re

import pytest
from django.utils import timezone

from cpd import needs as cpd_needs
from cpd.models import Attendance
from partnership.common.disclosure import ALL
from partnership.dashboards import selectors as s
from partnership.dashboards.cpd_panels import ANY_EVENT, ATTENDED, cpd_panel, take_up
from partnership.dashboards.panels import BOARD, COORDINATOR, Dashboard, Filters
from partnership.dashboards.scale import academic_year_of, create_county, create_cpd_programme, create_cycles
from partnership.tenancy.roles import Role
from tests.factories import member

from .audit import exposed_cells
from .conftest import DESIGNED_ON
from .test_disclosure import line_rule_holds
from .test_small_groups import assert_no_small_number, every_view, figures

pytestmark = pytest.mark.django_db


@pytest.fixture
def with_cpd(small_groups, scope_of):
    """The designed partnership (groups of 1 and 2 schools everywhere) with two years of a sparse programme: a
    handful of bookings per session, so that take-up by area, phase and network is full of small groups."""
    partnership, schools = small_groups
    year = academic_year_of(DESIGNED_ON)
    with scope_of(partnership):
        built = create_cpd_programme(
            partnership,
            schools,
            years=[year - 1, year],
            today=timezone.localdate(),
            events_per_year=10,
            staff_per_school=1,
            places=(1, 3),
        )
    assert built.marks > 0
    return partnership, schools


def section(html: str) -> str:
    start = html.index('id="cpd"')
    return html[start : html.index("</section>", start)]


def test_the_designed_programme_has_small_groups_to_hide(with_cpd, scope_of):
    partnership, _ = with_cpd
    with scope_of(partnership):
        cycles, geo = s.cycles_oldest_first(), s.geography()
        small = 0
        for cycle in cycles:
            start, end = cpd_needs.academic_year(cycle.academic_year_start)
            cube, _ = take_up(geo, start, end, for_board=False)
            small += sum(1 for value in cube.values if value in (1, 2))
    assert small > 20


def test_no_view_shows_a_board_member_a_group_of_one_or_two(with_cpd, board_member, client_at, scope_of):
    partnership, schools = with_cpd
    client = client_at(partnership, board_member)
    names = [school.name for school in schools]
    hidden = shown = 0
    for query in every_view(partnership, scope_of):
        html = section(client.get("/dashboard/", query).content.decode())
        values = figures(html)
        shown += assert_no_small_number(values, f"cpd panel {query}")
        hidden += sum(v.startswith("[c]") for v in values)
        assert not any(name in html for name in names)
        for shape in ({}, {"shape": "table"}):
            response = client.get("/dashboard/cpd.csv", {**query, **shape})
            assert response.status_code == 200
            rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
            if not shape:
                shown += assert_no_small_number([row[-1] for row in rows[1:]], f"cpd.csv {query}")
            else:
                # The tables' shape: every cell after the row label that is a plain number.
                cells = [c for row in rows for c in row[1:] if re.fullmatch(r"[\d,]+|\[c\]", c)]
                shown += assert_no_small_number(cells, f"cpd.csv tables {query}")
    assert hidden > 20 and shown > 20


def test_hidden_take_up_figures_cannot_be_worked_out(with_cpd, scope_of):
    partnership, _ = with_cpd
    with scope_of(partnership):
        cycles, geo = s.cycles_oldest_first(), s.geography()
        for cycle in cycles:
            start, end = cpd_needs.academic_year(cycle.academic_year_start)
            cube, _ = take_up(geo, start, end, for_board=True)
            line_rule_holds(cube)
            assert exposed_cells(cube, small_only=True) == []
            choice = cpd_needs.CycleChoice(cycle.pk, cycle.name, cycle.academic_year_start)
            needs_cube = cpd_needs.needs_cube(cpd_needs.needs_analysis(choice)).suppress()
            line_rule_holds(needs_cube)
            assert exposed_cells(needs_cube, small_only=True) == []


def test_a_board_member_is_offered_networks_and_needs_for_the_whole_partnership_only(with_cpd, scope_of):
    partnership, _ = with_cpd
    with scope_of(partnership):
        cycles, geo = s.cycles_oldest_first(), s.geography()
        area = geo.areas[0][0]
        board = Dashboard(Filters(cycles[-1], area, ALL, cycles, geo), BOARD, timezone.localdate())
        panel = board.panel("cpd")
        whole = Dashboard(Filters(cycles[-1], ALL, ALL, cycles, geo), BOARD, timezone.localdate()).panel("cpd")
    assert "cpd-by-network" not in [t.id for t in panel.tables]  # not offered for one area
    assert "cpd-by-network" in [t.id for t in whole.tables]
    needs_table = next(t for t in panel.tables if t.id == "cpd-needs-met")
    assert "whole partnership" in needs_table.caption


def test_a_coordinator_sees_every_figure_and_they_add_up(with_cpd, scope_of):
    partnership, _ = with_cpd
    with scope_of(partnership):
        cycles, geo = s.cycles_oldest_first(), s.geography()
        board = Dashboard(Filters(cycles[-1], ALL, ALL, cycles, geo), COORDINATOR, timezone.localdate())
        panel = cpd_panel(board)
        start, end = cpd_needs.academic_year(cycles[-1].academic_year_start)
        attended_schools = cpd_needs.attendance_rows(start, end).values("booking__school_id").distinct().count()
        cube, _ = take_up(geo, start, end, for_board=False)
    by_area = next(t for t in panel.tables if t.id == "cpd-by-area")
    assert not by_area.has_hidden
    total = by_area.rows[-1]
    assert total.total and total.cells[0].value == total.cells[1].value + total.cells[2].value
    assert cube.value((ATTENDED, ANY_EVENT, ALL, ALL)) == attended_schools
    assert total.cells[3].text.endswith("%")


@pytest.mark.parametrize("role", [Role.BOARD_MEMBER, Role.COORDINATOR])
def test_the_panel_costs_the_same_queries_for_a_small_and_a_large_programme(
    role, client_at, scope_of, django_assert_max_num_queries
):
    counts = []
    for n, (schools, events) in enumerate(((40, 5), (160, 40))):
        partnership, rows = create_county(slug=f"cpdq{n}", name=f"CPD {n}", schools=schools, with_people=False)
        year = academic_year_of(timezone.localdate())
        today = timezone.localdate()
        create_cycles(partnership, rows, years=[year - 1, year], today=today)
        with scope_of(partnership):
            create_cpd_programme(partnership, rows, years=[year - 1, year], today=today, events_per_year=events)
            assert Attendance.objects.exists()
        client = client_at(partnership, member(partnership, role))
        client.get("/dashboard/")  # the other panels' figures remembered: what is left is this panel's
        with django_assert_max_num_queries(40) as captured:
            assert client.get("/dashboard/cpd.csv").status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]
