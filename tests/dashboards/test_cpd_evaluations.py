"""The board's CPD evaluation panel: counts of people who answered, by area, phase and network, with the small-group
rule for board members (no count of 1 or 2, no average of fewer than 3 people, hidden cells that cannot be worked
out), every figure for coordinators, and one query however large the county."""

import re

import pytest
from django.utils import timezone

from cpd.models import EvaluationPoint, EvaluationResponse
from partnership.common.disclosure import ALL
from partnership.dashboards import selectors as s
from partnership.dashboards.cpd_evaluations import evaluation_figures, evaluation_panel
from partnership.dashboards.panels import BOARD, COORDINATOR, Dashboard, Filters
from partnership.dashboards.scale import academic_year_of, create_county, create_cpd_evaluations, create_cycles
from partnership.tenancy.rls import all_partnerships
from partnership.tenancy.roles import Role
from tests.dashboards.audit import exposed_cells
from tests.dashboards.test_disclosure import line_rule_holds
from tests.factories import member

pytestmark = pytest.mark.django_db


def county(slug, schools=40, events=30):
    with all_partnerships(True):
        partnership, rows = create_county(slug=slug, name=slug, schools=schools, with_people=False)
        year = academic_year_of(timezone.localdate())
        create_cycles(partnership, rows, years=[year], today=timezone.localdate())
        create_cpd_evaluations(partnership, rows, years=[year], events_per_year=events)
    return partnership, rows


def dashboard(partnership, audience, scope_of, area=ALL, phase=ALL):
    with scope_of(partnership):
        cycles, geo = s.cycles_oldest_first(), s.geography()
        return Dashboard(Filters(cycles[-1], area, phase, cycles, geo), audience, timezone.localdate())


def test_board_sees_no_small_group_and_no_average_of_fewer_than_three(scope_of):
    partnership, _ = county("evalcounty", schools=200, events=1)  # few responses, many places: small cells
    with scope_of(partnership):
        board = dashboard(partnership, BOARD, scope_of)
        panel = evaluation_panel(board)
        figures = evaluation_figures(board.filters.cycle.academic_year_start, board.geo, for_board=True)
    seen_hidden = 0
    for table in panel.tables:
        for row in table.rows:
            for count, average in zip(row.cells[0::2], row.cells[1::2], strict=True):
                if count.value is None:
                    seen_hidden += not count.withheld
                    assert average.text == "" and average.value is None  # an average beside a hidden count: hidden
                else:
                    assert count.value == 0 or count.value >= 3
    assert seen_hidden
    for cube in (figures.places, figures.networks):
        line_rule_holds(cube)
        assert exposed_cells(cube, small_only=True) == []


def test_coordinators_see_every_count_but_no_average_of_fewer_than_three(scope_of):
    partnership, _ = county("evalcoord", events=4)
    with scope_of(partnership):
        panel = evaluation_panel(dashboard(partnership, COORDINATOR, scope_of))
        total = EvaluationResponse.objects.filter(point=EvaluationPoint.ON_THE_DAY).count()
    by_area = panel.tables[0]
    assert by_area.rows[-1].cells[0].value == total
    for row in by_area.rows:
        assert all(c.value is not None for c in row.cells[0::2])
        for count, average in zip(row.cells[0::2], row.cells[1::2], strict=True):
            assert (average.text == "–") == (count.value < 3)


def test_panel_on_the_dashboard_page_and_csv(scope_of, client_at):
    partnership, _ = county("evalpage", events=20)
    board = member(partnership, Role.BOARD_MEMBER)
    client = client_at(partnership, board)
    html = client.get("/dashboard/").content.decode()
    assert 'id="cpd-evaluations"' in html and "CPD evaluations by area" in html
    averages = re.findall(r'<td class="numeric">(\d\.\d)</td>', html)
    assert averages and all(1 <= float(a) <= 5 for a in averages)
    text = client.get("/dashboard/cpd-evaluations.csv").content.decode("utf-8-sig")
    assert "CPD evaluations by phase" in text and "CPD evaluations by network" in text


def test_one_query_whatever_the_size(scope_of, django_assert_num_queries):
    small, _ = county("evalsmall", schools=30, events=5)
    large, _ = county("evallarge", schools=300, events=60)
    for partnership in (small, large):
        board = dashboard(partnership, BOARD, scope_of)
        with scope_of(partnership), django_assert_num_queries(1):
            evaluation_panel(board)
