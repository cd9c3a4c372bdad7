"""The dashboard's panels for one view (cycle, area, phase) and one audience, as tables (the source of truth),
charts drawn from those tables and CSV rows from the same tables.

For a board member every cube is suppressed (disclosure.py) before any cell is read, and no school is named;
a coordinator sees every figure, each linked to the schools behind it.
"""

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import TypeVar
from urllib.parse import urlencode

from django.http import QueryDict
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from partnership.common.disclosure import ALL, HIDDEN_MARK, Cube

from . import selectors as s
from .charts import Chart, bar_chart
from .store import CubeStore

T = TypeVar("T")

PANELS = [
    ("members", "Member schools"),
    ("pipeline", "This cycle's coverage"),
    ("overdue", "Overdue"),
    ("themes", "Themes"),
    ("trends", "Trends across cycles"),
    ("not-reviewed", "Schools not reviewed for more than a year"),
    ("cpd-evaluations", "CPD evaluations"),
    ("cpd", "CPD take-up and needs"),  # cpd_panels.py
]
PANEL_TITLES = dict(PANELS)


@dataclass(frozen=True)
class Audience:
    name: str  # part of the key of remembered cubes (store.py): audiences never share them
    suppress: bool  # board members: the small-group rule applies
    drill_down: bool  # coordinators: each figure links to the schools behind it


BOARD = Audience(name="board", suppress=True, drill_down=False)
COORDINATOR = Audience(name="coordinator", suppress=False, drill_down=True)


WITHHELD_MARK = "n/a"


@dataclass(frozen=True)
class Cell:
    value: int | None  # None: hidden by the small-group rule
    url: str = ""
    text: str = ""  # a figure that is not a count of schools (a percentage, "not in this cycle")
    withheld: bool = False  # a breakdown board members are not offered (see selectors.py): no figure at all
    whole: bool = False  # a board member's whole-partnership figure, shown in full (disclosure.py: public cells)

    @property
    def display(self) -> str:
        if self.withheld:
            return WITHHELD_MARK
        if self.text:
            return self.text
        return HIDDEN_MARK if self.value is None else f"{self.value:,}"

    @property
    def html(self) -> str:
        """The figure as shown in a table (rendered here: a county table has hundreds of cells)."""
        if self.withheld:
            return mark_safe(  # noqa: S308
                f'{WITHHELD_MARK}<span class="govuk-visually-hidden"> (not shown for this breakdown)</span>'
            )
        if self.text:
            return conditional_escape(self.text)
        if self.value is None:
            return mark_safe(f'{HIDDEN_MARK}<span class="govuk-visually-hidden"> (hidden)</span>')  # noqa: S308
        if self.url:
            return format_html('<a class="govuk-link" href="{}">{}</a>', self.url, self.display)
        return self.display

    @property
    def csv_value(self) -> str:
        if self.withheld:
            return WITHHELD_MARK
        if self.text:
            return self.text
        return HIDDEN_MARK if self.value is None else str(self.value)

    @property
    def is_count(self) -> bool:
        return not self.text and not self.withheld

    @property
    def hidden(self) -> bool:
        return self.value is None and not self.text and not self.withheld

    @property
    def css(self) -> str:
        if not self.is_count:
            return "numeric"
        return "numeric portal-figure portal-figure--whole" if self.whole else "numeric portal-figure"


@dataclass
class Row:
    label: str
    cells: list[Cell]
    total: bool = False
    indent: bool = False


@dataclass
class Table:
    id: str
    caption: str
    row_heading: str
    columns: list[str]
    rows: list[Row]
    hint: str = ""

    @property
    def has_hidden(self) -> bool:
        return any(cell.hidden for row in self.rows for cell in row.cells)

    @property
    def html(self) -> str:
        """The table in GOV.UK markup (built here rather than in a template: a county table has hundreds of
        cells, and this is several times faster)."""
        head = "".join(f'<th scope="col" class="numeric">{conditional_escape(c)}</th>' for c in self.columns)
        body = []
        for row in self.rows:
            cells = "".join(f'<td class="{cell.css}">{cell.html}</td>' for cell in row.cells)
            total = ' class="portal-dashboard-table__total"' if row.total else ""
            body.append(f'<tr{total}><th scope="row">{conditional_escape(row.label)}</th>{cells}</tr>')
        if not body:
            body.append(f'<tr><td colspan="{len(self.columns) + 1}">Nothing to show for these filters.</td></tr>')
        return mark_safe(  # noqa: S308 - every label is escaped above, every figure by Cell.html
            # On a phone a wide table scrolls inside its wrapper, which the keyboard can reach and scroll.
            f'<div class="portal-table-wrapper" role="region" aria-labelledby="{self.id}-caption" tabindex="0">'
            f'<table class="govuk-table portal-dashboard-table" id="{self.id}">'
            f'<caption class="govuk-table__caption" id="{self.id}-caption">{conditional_escape(self.caption)}</caption>'
            f'<thead><tr><th scope="col">{conditional_escape(self.row_heading)}</th>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table></div>"
        )


@dataclass
class Panel:
    slug: str
    title: str
    intro: str = ""
    tables: list[Table] = field(default_factory=list)
    charts: dict[str, Chart] = field(default_factory=dict)  # table id -> chart drawn from it
    figures: list[tuple[str, Cell]] = field(default_factory=list)  # headline figures
    empty: str = ""
    notes: list[str] = field(default_factory=list)  # why some breakdowns are not shown (board members)

    @property
    def has_hidden(self) -> bool:
        return any(t.has_hidden for t in self.tables) or any(c.hidden for _, c in self.figures)

    def table_chart_pairs(self) -> list[tuple[Table, Chart | None]]:
        return [(table, self.charts.get(table.id)) for table in self.tables]


# -- Filters: kept in the URL ---------------------------------------------------------------------------------


@dataclass
class Filters:
    cycle: s.CycleInfo | None
    area: str  # a geography node, or ALL
    phase: str  # a phase, or ALL
    cycles: list[s.CycleInfo]
    geography: s.Geography

    @classmethod
    def from_query(cls, query: QueryDict, cycles: list[s.CycleInfo], geography: s.Geography) -> "Filters":
        newest = cycles[-1] if cycles else None
        cycle = next((c for c in cycles if str(c.pk) == query.get("cycle", "")), newest)
        area = s.area_node(None) if query.get("area") == "none" else f"area:{query.get('area', '')}"
        if area not in dict(geography.areas):
            area = ALL
        phase = query.get("phase", "")
        if phase not in geography.phases:
            phase = ALL
        return cls(cycle=cycle, area=area, phase=phase, cycles=cycles, geography=geography)

    def query(self, **changes) -> dict[str, str]:
        values = {
            "cycle": str(self.cycle.pk) if self.cycle else "",
            "area": "" if self.area == ALL else self.area.split(":", 1)[1],
            "phase": "" if self.phase == ALL else self.phase,
        }
        values.update(changes)
        return {k: v for k, v in values.items() if v}

    @property
    def querystring(self) -> str:
        return urlencode(self.query())

    @property
    def area_options(self) -> list[tuple[str, str, bool]]:
        return [(node.split(":", 1)[1], label, node == self.area) for node, label in self.geography.areas]

    @property
    def phase_options(self) -> list[tuple[str, str, bool]]:
        return [(p, self.geography.phase_label(p), p == self.phase) for p in self.geography.phases]

    @property
    def cycle_options(self) -> list[tuple[int, str, bool]]:
        return [(c.pk, c.name, c == self.cycle) for c in reversed(self.cycles)]

    @property
    def description(self) -> str:
        area = "all areas" if self.area == ALL else self.geography.area_label(self.area)
        phase = "all phases" if self.phase == ALL else self.geography.phase_label(self.phase).lower()
        return f"{area}, {phase}"

    @property
    def filtered(self) -> bool:
        return self.area != ALL or self.phase != ALL

    def areas_in_view(self) -> list[str]:
        return [node for node, _ in self.geography.areas] if self.area == ALL else [self.area]

    def phases_in_view(self) -> list[str]:
        return list(self.geography.phases) if self.phase == ALL else [self.phase]


# -- Building the panels ----------------------------------------------------------------------------------------


# The groups of cubes a Dashboard reads, each remembered separately (store.py), besides "overdue:<cycle id>";
# "frame" is the cycles and the geography the filters are read against.
CUBE_GROUPS = ("members", "pipeline", "themes", "not_reviewed")
FRAME = "frame"


def frame(store: CubeStore | None = None) -> tuple[list[s.CycleInfo], s.Geography]:
    """The cycles (oldest first) and the geography, remembered with the cubes when a store is given."""

    def compute() -> tuple[list[s.CycleInfo], s.Geography]:
        return s.cycles_oldest_first(), s.geography()

    return store.get(FRAME, compute) if store is not None else compute()


class Dashboard:
    """Every panel of one view, computed lazily: each panel's queries run once, when it is first read.

    With a store (store.py), the cubes come from it when remembered for the same partnership, data version,
    audience and day; the filters must then have been read against the same store's frame."""

    def __init__(self, filters: Filters, audience: Audience, today: datetime.date, store: CubeStore | None = None):
        self.filters = filters
        self.audience = audience
        self.today = today
        self.geo = filters.geography
        if store is not None and (store.audience != audience.name or store.today != today):
            raise ValueError("the store is for another audience or day")
        self.store = store

    def _remembered(self, group: str, compute: Callable[[], T]) -> T:
        return self.store.get(group, compute) if self.store is not None else compute()

    # Cubes (suppressed for board members before anything reads them, and so before they are remembered).
    def _ready(self, cube: Cube) -> Cube:
        return cube.suppress() if self.audience.suppress else cube

    @cached_property
    def members_cube(self) -> Cube:
        return self._remembered(
            "members", lambda: self._ready(s.members_cube(self.geo, for_board=self.audience.suppress))
        )

    @cached_property
    def pipeline_cubes(self) -> dict[int, Cube]:
        def compute():
            cubes = s.pipeline_cubes(self.filters.cycles, self.geo, for_board=self.audience.suppress)
            return {pk: self._ready(c) for pk, c in cubes.items()}

        return self._remembered("pipeline", compute)

    @cached_property
    def themes_cubes(self) -> dict[int, Cube]:
        return self._remembered(
            "themes",
            lambda: {
                pk: self._ready(c)
                for pk, c in s.themes_cubes(self.filters.cycles, self.geo, for_board=self.audience.suppress).items()
            },
        )

    @cached_property
    def overdue_cube(self) -> Cube:
        """The chosen cycle's only (remembered per cycle: most views are of the current one)."""
        cycle = self.filters.cycle

        def compute() -> Cube:
            return self._ready(s.overdue_cube(cycle, self.geo, self.today, for_board=self.audience.suppress))

        return compute() if cycle is None else self._remembered(f"overdue:{cycle.pk}", compute)

    @cached_property
    def not_reviewed_cube(self) -> Cube:
        return self._remembered(
            "not_reviewed",
            lambda: self._ready(s.not_reviewed_cube(self.geo, self.today, for_board=self.audience.suppress)),
        )

    def cell(self, cube: Cube, key: tuple, panel: str, dims: tuple[str, ...], cycle=None) -> Cell:
        value = cube.value(key)
        if self.audience.suppress and cube.is_unpublished(key):
            return Cell(None, withheld=True)
        if self.audience.suppress and cube.is_hidden(key):
            return Cell(None)
        if self.audience.suppress:
            return Cell(value, whole=cube.is_public(key))
        url = ""
        if self.audience.drill_down and value:
            params = {"panel": panel}
            if cycle is not None:
                params["cycle"] = str(cycle.pk)
            params.update(dict(zip(dims, key, strict=True)))
            url = f"{self._schools_url}?{urlencode(params)}"
        return Cell(value, url=url)

    @cached_property
    def _schools_url(self) -> str:
        return reverse("dashboard_schools")

    @property
    def view_hidden(self) -> bool:
        """True when the chosen area and phase hold too few schools to show (their own count is hidden)."""
        return self.audience.suppress and self.members_cube.is_hidden((ALL, self.filters.area, self.filters.phase))

    def panels(self) -> list[Panel]:
        return [self.panel(slug) for slug, _ in PANELS]

    def panel(self, slug: str) -> Panel:
        panel = self._panel(slug)
        if self.audience.suppress:
            _offer_board(panel, self.filters)
        return panel

    def _panel(self, slug: str) -> Panel:
        return {
            "members": self.members,
            "pipeline": self.pipeline,
            "overdue": self.overdue,
            "themes": self.themes,
            "trends": self.trends,
            "not-reviewed": self.not_reviewed,
            "cpd-evaluations": self.cpd_evaluations,
            "cpd": self.cpd,
        }[slug]()

    def cpd_evaluations(self) -> Panel:
        from .cpd_evaluations import evaluation_panel  # its own module, which builds on this one

        return evaluation_panel(self)

    # Panels.
    def members(self) -> Panel:
        f, cube, dims = self.filters, self.members_cube, ("ofsted", "geo", "phase")
        panel = Panel("members", PANEL_TITLES["members"], intro="Open member schools and their latest Ofsted grade.")
        areas, phases = self._rows_with_total(f.areas_in_view()), self._cols_with_total(f.phases_in_view())
        panel.tables.append(
            Table(
                id="members-by-area",
                caption=f"Member schools by area and phase ({f.description})",
                row_heading="Area",
                columns=[self.geo.phase_dim.label(p) for p in phases],
                rows=[
                    Row(
                        self.geo.area_dim.label(area),
                        [self.cell(cube, (ALL, area, p), "members", dims) for p in phases],
                        total=area == ALL,
                    )
                    for area in areas
                ],
            )
        )
        ofsted_nodes = [node for node, _ in s.OFSTED_CATEGORIES]
        profile = Table(
            id="members-ofsted",
            caption=f"Ofsted profile of member schools ({f.description})",
            row_heading="Ofsted grade",
            columns=["Schools"],
            rows=[
                Row(
                    s.ofsted_dim().label(node),
                    [self.cell(cube, (node, f.area, f.phase), "members", dims)],
                    total=node == ALL,
                )
                for node in [*ofsted_nodes, ALL]
            ],
        )
        panel.tables.append(profile)
        panel.charts[profile.id] = bar_chart(
            "chart-members-ofsted",
            "Member schools by Ofsted grade",
            f"Bar chart of the table 'Ofsted profile of member schools' ({f.description}).",
            [r.label for r in profile.rows[:-1]],
            [("Schools", [r.cells[0] for r in profile.rows[:-1]])],
        )
        return panel

    def pipeline(self) -> Panel:
        f = self.filters
        panel = Panel("pipeline", PANEL_TITLES["pipeline"])
        if f.cycle is None:
            panel.empty = "No review cycle has been opened yet."
            return panel
        cube, dims, cycle = self.pipeline_cubes[f.cycle.pk], ("stage", "geo", "phase"), f.cycle
        panel.intro = f"Where each enrolled school's review stands in {cycle.name}."

        def cell(stage, geo, phase):
            return self.cell(cube, (stage, geo, phase), "pipeline", dims, cycle)

        board = self.audience.suppress
        stage_dim = s.stage_dim()
        # A board member sees single stages for the whole partnership, three bands for an area or a phase.
        stages = s.STAGE_BANDS if board and f.filtered else s.STAGE_LEAVES
        columns_stages = s.STAGE_BANDS if board else s.STAGE_LEAVES
        totals = [t for t in (s.REVIEWED, s.FINALISED, ALL) if t not in stages]
        overall = Table(
            id="pipeline-overall",
            caption=f"Reviews by stage, {cycle.name} ({f.description})",
            row_heading="Stage",
            columns=["Schools"],
            rows=[Row(stage_dim.label(st), [cell(st, f.area, f.phase)]) for st in stages]
            + [Row(stage_dim.label(t), [cell(t, f.area, f.phase)], total=True) for t in totals],
        )
        panel.tables.append(overall)
        panel.charts[overall.id] = bar_chart(
            "chart-pipeline",
            f"Reviews by stage, {cycle.name}",
            f"Bar chart of the table 'Reviews by stage' ({f.description}).",
            [r.label for r in overall.rows[: len(stages)]],
            [("Schools", [r.cells[0] for r in overall.rows[: len(stages)]])],
        )
        columns = [stage_dim.label(st) for st in columns_stages] + ["Enrolled"]
        by_area = Table(
            id="pipeline-by-area",
            caption=f"Reviews by stage and area ({self._phase_text()})",
            row_heading="Area",
            columns=columns,
            rows=[
                Row(self.geo.area_dim.label(a), [cell(st, a, f.phase) for st in [*columns_stages, ALL]], total=a == ALL)
                for a in self._rows_with_total(f.areas_in_view())
            ],
        )
        if board:
            # Board members are offered areas, not clusters (5 to 10 schools each: nearly every figure would be
            # about one or two schools, and hiding them spreads to the areas' totals).
            by_phase = Table(
                id="pipeline-by-phase",
                caption=f"Reviews by stage and phase ({self._area_text()})",
                row_heading="Phase",
                columns=columns,
                rows=[
                    Row(
                        self.geo.phase_dim.label(p),
                        [cell(st, f.area, p) for st in [*columns_stages, ALL]],
                        total=p == ALL,
                    )
                    for p in self._rows_with_total(f.phases_in_view())
                ],
            )
            panel.tables.extend([by_area, by_phase])
            return panel
        cluster_stages = [*stages, ALL]
        cluster_rows = []
        for area in f.areas_in_view():
            for node, label in self.geo.clusters.get(area, []):
                cluster_rows.append(Row(label, [cell(st, node, ALL) for st in cluster_stages]))
        by_cluster = Table(
            id="pipeline-by-cluster",
            caption=f"Reviews by stage and cluster ({self._area_text()}, all phases)",
            hint="Clusters are shown for all phases together." if f.phase != ALL else "",
            row_heading="Cluster",
            columns=columns,
            rows=cluster_rows,
        )
        by_phase = Table(
            id="pipeline-by-phase",
            caption=f"Reviews by stage and phase ({self._area_text()})",
            row_heading="Phase",
            columns=columns,
            rows=[
                Row(self.geo.phase_dim.label(p), [cell(st, f.area, p) for st in [*stages, ALL]], total=p == ALL)
                for p in self._rows_with_total(f.phases_in_view())
            ],
        )
        panel.tables.extend([by_area, by_cluster, by_phase])
        return panel

    def overdue(self) -> Panel:
        f = self.filters
        panel = Panel("overdue", PANEL_TITLES["overdue"])
        if f.cycle is None:
            panel.empty = "No review cycle has been opened yet."
            return panel
        cube, dims = self.overdue_cube, ("kind", "bucket", "geo", "phase")
        panel.intro = (
            f"Open items in {f.cycle.name} past their deadline, counted in working days "
            "(weekdays in term that are not bank holidays or closure days). After the final report, a school's "
            "impact visit not recorded by its date is overdue; otherwise its action plan is, from its earliest "
            "action not done by its due date. Each school's review is counted once."
        )
        kinds = [*[k for k, _ in s.OVERDUE_KINDS], ALL]
        buckets = [*[b for b, _, _ in s.OVERDUE_BUCKETS], ALL]
        kind_dim, bucket_dim = s.overdue_kind_dim(), s.overdue_bucket_dim()
        table = Table(
            id="overdue-items",
            caption=f"Overdue items by how late they are, {f.cycle.name} ({f.description})",
            row_heading="Item",
            columns=[bucket_dim.label(b) for b in buckets],
            rows=[
                Row(
                    kind_dim.label(k),
                    [self.cell(cube, (k, b, f.area, f.phase), "overdue", dims, f.cycle) for b in buckets],
                    total=k == ALL,
                )
                for k in kinds
            ],
        )
        panel.tables.append(table)
        panel.charts[table.id] = bar_chart(
            "chart-overdue",
            f"Overdue items, {f.cycle.name}",
            f"Bar chart of the last column of the table 'Overdue items' ({f.description}).",
            [r.label for r in table.rows[:-1]],
            [("Overdue", [r.cells[-1] for r in table.rows[:-1]])],
        )
        return panel

    def themes(self) -> Panel:
        f = self.filters
        panel = Panel("themes", PANEL_TITLES["themes"])
        if f.cycle is None:
            panel.empty = "No review cycle has been opened yet."
            return panel
        cycle, cube = f.cycle, self.themes_cubes[f.cycle.pk]
        dims = ("measure", "focus", "geo", "phase")
        panel.intro = (
            f"How often each focus area was chosen in the self-reviews schools shared in {cycle.name}, and what the "
            "final reports found in it."
        )

        def cell(measure, focus):
            return self.cell(cube, (measure, focus, f.area, f.phase), "themes", dims, cycle)

        pipeline = self.pipeline_cubes[cycle.pk]
        panel.figures = [
            ("self-reviews shared", cell(s.CHOSEN, s.ANY_FOCUS)),
            (
                "final reports",
                self.cell(pipeline, (s.FINALISED, f.area, f.phase), "pipeline", ("stage", "geo", "phase"), cycle),
            ),
        ]
        measures = [s.CHOSEN, s.REPORTED, s.WITH_AFD, s.WITHOUT_AFD]
        measure_dim = s.measure_dim(cycle)
        rows = []
        for focus in cycle.focus_areas:
            cells = [cell(m, focus) for m in measures]
            reported, with_afd = cells[1], cells[2]
            share = (
                f"{round(100 * with_afd.value / reported.value)}%"
                if reported.value and with_afd.value is not None
                else "–"
            )
            rows.append(Row(focus, [*cells, Cell(None, text=share, withheld=reported.withheld)]))
        table = Table(
            id="themes-focus",
            caption=f"Focus areas chosen and areas for development found, {cycle.name} ({f.description})",
            row_heading="Focus area",
            columns=[*[measure_dim.label(m) for m in measures], "Share of reports with areas for development"],
            rows=rows,
        )
        panel.tables.append(table)
        panel.charts[table.id] = bar_chart(
            "chart-themes",
            f"Focus areas chosen and areas for development found, {cycle.name}",
            f"Bar chart of the first and third columns of the table of focus areas ({f.description}).",
            [r.label for r in rows],
            [
                ("Chosen as a focus", [r.cells[0] for r in rows]),
                ("With areas for development", [r.cells[2] for r in rows]),
            ],
        )
        if cycle.grades:
            grade_nodes = [s.grade_node(g) for g in cycle.grades] + [s.NO_GRADE]
            grades = Table(
                id="themes-grades",
                caption=f"Grades given in final reports, {cycle.name} ({f.description})",
                row_heading="Focus area",
                columns=[*[measure_dim.label(g) for g in grade_nodes], "Reported on"],
                rows=[Row(focus, [cell(g, focus) for g in [*grade_nodes, s.REPORTED]]) for focus in cycle.focus_areas],
            )
            panel.tables.append(grades)
        return panel

    def trends(self) -> Panel:
        f = self.filters
        panel = Panel("trends", PANEL_TITLES["trends"])
        cycles = f.cycles
        if not cycles:
            panel.empty = "No review cycle has been opened yet."
            return panel
        panel.intro = f"The same measures in every cycle ({f.description})."
        columns = [c.academic_year for c in cycles]
        pdims, tdims = ("stage", "geo", "phase"), ("measure", "focus", "geo", "phase")

        def pipeline_cell(cycle, stage):
            return self.cell(self.pipeline_cubes[cycle.pk], (stage, f.area, f.phase), "pipeline", pdims, cycle)

        def theme_cell(cycle, measure, focus):
            if focus not in cycle.focus_areas:
                return Cell(None, text="–")
            cube = self.themes_cubes[cycle.pk]
            return self.cell(cube, (measure, focus, f.area, f.phase), "themes", tdims, cycle)

        coverage_rows = [(ALL, "Enrolled"), (s.REVIEWED, "Visited or later"), (s.FINALISED, "Final or shared")]
        coverage = Table(
            id="trends-coverage",
            caption=f"Coverage by cycle ({f.description})",
            row_heading="Schools",
            columns=columns,
            rows=[Row(label, [pipeline_cell(c, stage) for c in cycles]) for stage, label in coverage_rows],
        )
        panel.tables.append(coverage)
        panel.charts[coverage.id] = bar_chart(
            "chart-trends-coverage",
            "Coverage by cycle",
            f"Bar chart of the table 'Coverage by cycle' ({f.description}).",
            columns,
            [(label, coverage.rows[i].cells) for i, (_, label) in enumerate(coverage_rows[:2])],
        )
        focus_names = list(dict.fromkeys(name for c in reversed(cycles) for name in c.focus_areas))
        panel.tables.append(
            Table(
                id="trends-chosen",
                caption=f"Schools choosing each focus area, by cycle ({f.description})",
                row_heading="Focus area",
                columns=columns,
                rows=[Row(name, [theme_cell(c, s.CHOSEN, name) for c in cycles]) for name in focus_names],
            )
        )
        panel.tables.append(
            Table(
                id="trends-afd",
                caption=f"Final reports with areas for development, by focus area and cycle ({f.description})",
                row_heading="Focus area",
                columns=columns,
                rows=[Row(name, [theme_cell(c, s.WITH_AFD, name) for c in cycles]) for name in focus_names],
            )
        )
        for table in panel.tables[1:]:
            if any(cell.text == "–" for row in table.rows for cell in row.cells):
                table.hint = "–: not a focus area in that cycle."
        return panel

    def not_reviewed(self) -> Panel:
        f, cube, dims = self.filters, self.not_reviewed_cube, ("category", "geo", "phase")
        panel = Panel(
            "not-reviewed",
            PANEL_TITLES["not-reviewed"],
            intro="Open member schools with no peer review visit in the last 12 months.",
        )
        categories = [*[c for c, _ in s.NOT_REVIEWED_CATEGORIES], ALL]
        dim = s.not_reviewed_dim()
        if self.audience.suppress:
            # Board members: the two kinds told apart for the chosen view, and each area's total beside it.
            panel.tables.append(
                Table(
                    id="not-reviewed-kinds",
                    caption=f"Schools not reviewed for more than a year ({f.description})",
                    row_heading="Schools",
                    columns=["Schools"],
                    rows=[
                        Row(dim.label(c), [self.cell(cube, (c, f.area, f.phase), "not-reviewed", dims)], total=c == ALL)
                        for c in categories
                    ],
                )
            )
            categories = [ALL]
        table = Table(
            id="not-reviewed-by-area",
            caption=f"Schools not reviewed for more than a year, by area ({self._phase_text()})",
            row_heading="Area",
            columns=[dim.label(c) for c in categories],
            rows=[
                Row(
                    self.geo.area_dim.label(a),
                    [self.cell(cube, (c, a, f.phase), "not-reviewed", dims) for c in categories],
                    total=a == ALL,
                )
                for a in self._rows_with_total(f.areas_in_view())
            ],
        )
        panel.tables.append(table)
        plotted = [r for r in table.rows if not r.total]
        panel.charts[table.id] = bar_chart(
            "chart-not-reviewed",
            "Schools not reviewed for more than a year, by area",
            f"Bar chart of the last column of the table 'Schools not reviewed for more than a year' "
            f"({self._phase_text()}).",
            [r.label for r in plotted],
            [("Schools", [r.cells[-1] for r in plotted])],
        )
        if self.audience.suppress:
            panel.tables.reverse()  # the areas and their chart first, as coordinators see them
        return panel

    def cpd(self) -> Panel:
        from .cpd_panels import cpd_panel  # its own module, which builds on this one

        return cpd_panel(self)

    # Helpers.
    def _rows_with_total(self, nodes: list[str]) -> list[str]:
        return [*nodes, ALL] if len(nodes) > 1 else nodes

    def _cols_with_total(self, nodes: list[str]) -> list[str]:
        return self._rows_with_total(nodes)

    def _phase_text(self) -> str:
        return "all phases" if self.filters.phase == ALL else self.geo.phase_label(self.filters.phase).lower()

    def _area_text(self) -> str:
        return "all areas" if self.filters.area == ALL else self.geo.area_label(self.filters.area)


def _offer_board(panel: Panel, filters: Filters) -> None:
    """Leave out of a board member's panel the rows, columns, tables and headline figures that are breakdowns board
    members are not offered, saying so in words, so that a view never shows a column of "n/a"."""
    trimmed = False
    kept_tables = []
    for table in panel.tables:
        columns = [
            i for i in range(len(table.columns)) if not all(row.cells[i].withheld for row in table.rows if row.cells)
        ]
        rows = [row for row in table.rows if not all(cell.withheld for cell in row.cells)]
        if len(columns) < len(table.columns) or len(rows) < len(table.rows):
            trimmed = True
        if len(rows) < len(table.rows):
            panel.charts.pop(table.id, None)  # drawn from rows that are not offered
        if table.rows and (not rows or not columns):
            continue
        table.columns = [table.columns[i] for i in columns]
        for row in rows:
            row.cells = [row.cells[i] for i in columns]
        table.rows = rows
        kept_tables.append(table)
    panel.tables = kept_tables
    figures = [(label, cell) for label, cell in panel.figures if not cell.withheld]
    trimmed = trimmed or len(figures) < len(panel.figures)
    panel.figures = figures
    if trimmed:
        panel.notes.append(BOARD_BREAKDOWN_NOTE.get(panel.slug, BOARD_BREAKDOWN_NOTE[""]))
    if trimmed and not panel.tables and not panel.figures and not panel.empty:
        panel.empty = (
            (
                "Not shown for an area and a phase together: these figures would be about one or two schools. "
                "Choose all areas or all phases to see them."
            )
            if filters.area != ALL and filters.phase != ALL
            # The whole partnership's figure is 1 or 2, so none of its parts is shown (disclosure.py).
            else f"{BOARD_WHOLLY_WITHHELD}: the partnership's own figure is about one or two schools, and any part of "
            "it would point to them. The figure for the whole partnership is shown with all areas and all phases."
        )
        panel.notes = []


BOARD_WHOLLY_WITHHELD = "Not shown for one area or one phase"
BOARD_BREAKDOWN_NOTE = {
    "": (
        "Some breakdowns are shown only for the whole partnership, or for an area or a phase but not both together, "
        "so that each figure is about enough schools to be useful."
    ),
    "pipeline": (
        "Each stage is shown for the whole partnership. For an area or a phase the stages are grouped into three "
        "(not yet visited; visited, report not final; final or shared), and for an area and a phase together only "
        "the number enrolled is shown: single stages there would be about one or two schools."
    ),
    "themes": (
        "Focus areas and grades are shown for the whole partnership: they are what reviews found, and in an area or "
        "a phase they would be about a handful of schools. For an area or a phase you see how many schools shared "
        "a self-review."
    ),
    "overdue": (
        "How late items are, and which kind they are, is shown for the whole partnership; for an area or a phase, "
        "how many items are overdue."
    ),
    "cpd-evaluations": (
        "Evaluations are shown by area or by phase, not both together; by network for the whole partnership only."
    ),
    "not-reviewed": (
        "Never reviewed and last visited more than a year ago are told apart for the whole partnership; for an area "
        "or a phase, the total."
    ),
}


def csv_rows(panel: Panel, filters: Filters) -> Iterator[list[str]]:
    """The panel's tables, one figure a line, for a spreadsheet."""
    yield ["Panel", "Cycle", "Area", "Phase", "Table", "Row", "Column", "Value"]
    area = "All areas" if filters.area == ALL else filters.geography.area_label(filters.area)
    phase = "All phases" if filters.phase == ALL else filters.geography.phase_label(filters.phase)
    cycle = filters.cycle.name if filters.cycle else ""
    for label, cell in panel.figures:
        yield [panel.title, cycle, area, phase, "Headline figures", label, "Schools", cell.csv_value]
    for table in panel.tables:
        for row in table.rows:
            for column, cell in zip(table.columns, row.cells, strict=True):
                yield [panel.title, cycle, area, phase, table.caption, row.label, column, cell.csv_value]


def csv_table_rows(panel: Panel, filters: Filters) -> Iterator[list[str]]:
    """The panel's tables in the shape they have on screen (one row per row, one column per column), each under its
    caption, ready for a spreadsheet: the same figures as csv_rows, hidden ones included as [c]."""
    area = "All areas" if filters.area == ALL else filters.geography.area_label(filters.area)
    phase = "All phases" if filters.phase == ALL else filters.geography.phase_label(filters.phase)
    cycle = filters.cycle.name if filters.cycle else ""
    yield [panel.title]
    yield [f"Cycle: {cycle}", f"Area: {area}", f"Phase: {phase}"]
    if panel.empty:
        yield [panel.empty]
    if panel.figures:
        yield []
        yield ["Headline figures", "Schools"]
        for label, cell in panel.figures:
            yield [label, cell.csv_value]
    for table in panel.tables:
        yield []
        yield [table.caption]
        yield [table.row_heading, *table.columns]
        for row in table.rows:
            yield [row.label, *[cell.csv_value for cell in row.cells]]
        if table.hint:
            yield [table.hint]
    for note in panel.notes:
        yield []
        yield [note]
