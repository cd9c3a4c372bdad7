"""What a board member is offered (issue 12): the whole partnership's own operational figures in full, areas and
phases in bands, outcomes for the whole partnership only, and words wherever something is hidden or not offered."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from partnership.common.disclosure import ALL, Cube, tree_dim
from partnership.dashboards import selectors as s
from partnership.dashboards.charts import bar_chart
from partnership.dashboards.measure import board_shares
from partnership.dashboards.panels import Cell
from partnership.dashboards.scale import academic_year_of, create_county, create_cycles

from .audit import exposed_cells

pytestmark = pytest.mark.django_db

ROWS = tree_dim("geo", [("a", "A"), ("b", "B"), ("c", "C")])
COLS = tree_dim("stage", [("x", "X"), ("y", "Y"), ("z", "Z")])


def test_a_public_total_is_shown_whatever_its_size_and_never_hidden_to_protect_a_part():
    # Stage y for the whole partnership is 1: shown (public), and its parts by area are not offered at all, since
    # 1 = a hidden part beside zeros would pin it.
    counts = {"a": [5, 1, 7], "b": [4, 0, 6], "c": [6, 0, 1]}
    cube = Cube(
        [ROWS, COLS],
        (((row, col), n) for row, values in counts.items() for col, n in zip("xyz", values, strict=True)),
        public=[(lambda geo: geo == ALL, None)],
    ).suppress()
    for col in [*"xyz", ALL]:
        assert not cube.is_hidden((ALL, col)) and cube.is_public((ALL, col))
    assert cube.value((ALL, "y")) == 1
    assert all(cube.is_unpublished((row, "y")) for row in "abc")
    assert cube.is_hidden(("c", "z"))  # a small part of a large public total is still protected
    assert exposed_cells(cube, small_only=True) == []


def test_every_whole_partnership_figure_of_three_or_more_is_shown_to_a_board_member(small_groups, scope_of):
    partnership, _ = small_groups
    with scope_of(partnership):
        whole, area = board_shares(today=timezone.localdate())
    assert whole.cells > 40 and area.cells > 20
    assert whole.hidden_of_three_or_more == 0
    assert whole.by_panel["pipeline"][0] == 0 and whole.by_panel["overdue"][0] == 0


def test_the_command_ends_with_the_line_the_issue_asks_for(small_groups, scope_of):
    partnership, _ = small_groups
    out = io.StringIO()
    call_command("dashboard_disclosure", partnership.slug, stdout=out)
    last = out.getvalue().strip().splitlines()[-1]
    assert last.startswith("board hidden: partnership ") and " cells, area " in last and last.endswith(" cells")


def test_a_county_hides_no_whole_partnership_figure_of_three_or_more(scope_of):
    partnership, schools = create_county(slug="shires", name="Shires", schools=300, with_people=False)
    with scope_of(partnership):
        year = academic_year_of(timezone.localdate())
        create_cycles(partnership, schools, years=[year], today=timezone.localdate())
        whole, area = board_shares()
    assert whole.hidden_of_three_or_more == 0
    assert area.hidden < 0.1 * area.cells


def test_a_filtered_view_says_what_it_shows_and_offers_bands_not_single_stages(
    small_groups, board_member, client_at, scope_of
):
    partnership, _ = small_groups
    with scope_of(partnership):
        geo = s.geography()
    area = geo.areas[0][0].split(":", 1)[1]
    client = client_at(partnership, board_member)
    html = client.get("/dashboard/", {"area": area}).content.decode()
    assert "Figures for the whole partnership" not in html
    assert f"Figures for {geo.area_label(geo.areas[0][0])}, all phases" in html
    assert "Not yet visited" in html and "Report in draft" not in html
    whole = client.get("/dashboard/").content.decode()
    assert "Report in draft" in whole and "Figures for the whole partnership" in whole
    assert "Too few schools match" not in html + whole


def test_charts_leave_a_hidden_figure_out_and_say_so_rather_than_draw_it_as_zero():
    chart = bar_chart("c", "Title", "Description", ["A", "B", "C"], [("Schools", [Cell(5), Cell(None), Cell(0)])])
    shown, hidden, zero = (group.bars[0] for group in chart.groups)
    assert shown.width > 0 and shown.value_text == "5"
    assert hidden.width == 0 and hidden.value_text == "[c] (hidden)"
    assert zero.width == 0 and zero.value_text == "0"
    assert "[c] (hidden)" in chart.svg


def test_a_board_member_is_told_in_words_why_figures_are_hidden_or_not_offered(
    small_groups, board_member, client_at, scope_of
):
    partnership, _ = small_groups
    with scope_of(partnership):
        geo = s.geography()
    client = client_at(partnership, board_member)
    pages = [
        client.get("/dashboard/", {"area": node.split(":", 1)[1], "phase": phase}).content.decode()
        for node, _ in geo.areas
        for phase in geo.phases
    ]
    assert any("[c] means confidential: the figure is about 1 or 2 schools" in text for text in pages)
    assert all("Not shown for an area and a phase together" in text for text in pages)
    assert any("for an area and a phase together only the number enrolled is shown" in text for text in pages)


def test_the_csv_in_the_shape_of_the_tables_holds_the_same_figures_as_the_long_one(
    small_groups, board_member, client_at, scope_of
):
    """Issue 12: a CSV ready for a spreadsheet, one row per row and one column per column; the same cells as the
    long file (so the small-group guarantee checked on that one holds here too)."""
    import csv
    from collections import Counter

    partnership, _ = small_groups
    client = client_at(partnership, board_member)
    with scope_of(partnership):
        geo = s.geography()
    for query in ({}, {"area": geo.areas[0][0].split(":", 1)[1]}, {"phase": geo.phases[0]}):
        for slug in ("members", "pipeline", "overdue", "themes", "trends", "not-reviewed"):
            long = client.get(f"/dashboard/{slug}.csv", query).content.decode("utf-8-sig")
            wide = client.get(f"/dashboard/{slug}.csv", {**query, "shape": "table"})
            assert wide["Content-Disposition"].endswith('-tables.csv"')
            rows = list(csv.reader(io.StringIO(wide.content.decode("utf-8-sig"))))
            long_values = Counter(row[-1] for row in list(csv.reader(io.StringIO(long)))[1:])
            table_values = Counter()
            for i, row in enumerate(rows):
                header = (i > 0 and len(rows[i - 1]) == 1 and len(row) > 1) or row == ["Headline figures", "Schools"]
                if len(row) > 1 and not header and not row[0].startswith("Cycle: "):
                    table_values.update(row[1:])
            assert table_values == long_values, (slug, query)
