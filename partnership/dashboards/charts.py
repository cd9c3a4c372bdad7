"""Charts drawn on the server as inline SVG: no script, nothing from a CDN. Each chart sits beside the table it
is drawn from (the table is the source of truth) and only ever draws what that table shows: a hidden figure
gets no bar, only the [c] mark."""

from dataclasses import dataclass, field

from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

WIDTH = 640  # the widest the chart is drawn (portal.css: .portal-chart max-width)
BAR_SPACE = 72.0  # percent of the chart's width the longest bar takes; the rest is for its figure
LABEL_HEIGHT = 20
BAR_HEIGHT = 18
BAR_GAP = 4
GROUP_GAP = 14
LEGEND_HEIGHT = 28


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float  # percent of the chart's width
    height: float
    series: int
    value_text: str
    text_x: float  # percent of the chart's width; the figure starts 6 px after it
    text_y: float
    whole: bool = False  # a whole-partnership figure a board member sees in full (disclosure.py: public cells)


@dataclass(frozen=True)
class Group:
    label: str
    label_y: float
    bars: list[Bar]


@dataclass
class Chart:
    id: str
    title: str
    description: str
    groups: list[Group] = field(default_factory=list)
    legend: list[tuple[str, int, float, float]] = field(default_factory=list)  # (label, series, x, text x)
    height: float = 0
    width: int = WIDTH

    @property
    def svg(self) -> str:
        """The chart as inline SVG (built here: a template loop over every bar costs more than the rest of the
        page). Labelled by its title and description; the table beside it is the source of truth.

        No viewBox: bars are drawn in percent of the chart's width and text in pixels, so a chart on a phone is
        narrower with its labels at their full size (a scaled viewBox drew them 7 px high on a 390 px screen)."""
        e = conditional_escape
        parts = [
            f'<figure class="portal-chart"><svg class="portal-chart__svg" role="img" '
            f'aria-labelledby="{self.title_id} {self.desc_id}" width="100%" height="{self.height}" '
            f'focusable="false">'
            f'<title id="{self.title_id}">{e(self.title)}</title><desc id="{self.desc_id}">{e(self.description)}</desc>'
        ]
        for label, series, x, text_x in self.legend:
            parts.append(
                f'<rect class="portal-chart__bar portal-chart__bar--{series}" x="{x}" y="4" width="16" height="16">'
                f'</rect><text class="portal-chart__legend" x="{text_x}" y="17">{e(label)}</text>'
            )
        for group in self.groups:
            parts.append(f'<text class="portal-chart__label" x="0" y="{group.label_y}">{e(group.label)}</text>')
            for bar in group.bars:
                if bar.width:
                    parts.append(
                        f'<rect class="portal-chart__bar portal-chart__bar--{bar.series}" x="{bar.x}" y="{bar.y}" '
                        f'width="{bar.width}%" height="{bar.height}"></rect>'
                    )
                parts.append(
                    f'<text class="portal-chart__value{" portal-chart__value--whole" if bar.whole else ""}" '
                    f'x="{bar.text_x}%" dx="6" y="{bar.text_y}">{e(bar.value_text)}</text>'
                )
        parts.append("</svg></figure>")
        return mark_safe("".join(parts))  # noqa: S308 - every text is escaped above; the rest are numbers

    @property
    def title_id(self) -> str:
        return f"{self.id}-title"

    @property
    def desc_id(self) -> str:
        return f"{self.id}-desc"


def bar_chart(
    chart_id: str,
    title: str,
    description: str,
    categories: list[str],
    series: list[tuple[str, list]],
) -> Chart | None:
    """Horizontal bars: one group per category, one bar per series. Cells are panels.Cell (value None = hidden).

    Returns None when there is nothing to draw (no category, or every figure hidden or zero)."""
    shown = [c.value for _, cells in series for c in cells if c.value is not None]
    if not categories or not shown or max(shown) == 0:
        return None
    top = max(shown)
    chart = Chart(id=chart_id, title=title, description=description)
    y = 0.0
    if len(series) > 1:
        x = 0.0
        for number, (name, _) in enumerate(series):
            chart.legend.append((name, number, x, x + 22))
            x += 24 + 8.5 * len(name) + 24
        y = LEGEND_HEIGHT
    scale = BAR_SPACE / top
    for index, label in enumerate(categories):
        label_y = y + 15
        y += LABEL_HEIGHT
        bars = []
        for number, (_, cells) in enumerate(series):
            cell = cells[index]
            width = 0.0 if cell.value is None else max(cell.value * scale, 0.2 if cell.value else 0.0)
            bars.append(
                Bar(
                    x=0,
                    y=y,
                    width=round(width, 1),
                    height=BAR_HEIGHT,
                    series=number,
                    value_text=f"{cell.display} (hidden)" if cell.hidden else cell.display,
                    text_x=round(width, 1),
                    text_y=y + BAR_HEIGHT - 4,
                    whole=cell.whole,
                )
            )
            y += BAR_HEIGHT + BAR_GAP
        chart.groups.append(Group(label=label, label_y=label_y, bars=bars))
        y += GROUP_GAP
    chart.height = round(y, 1)
    return chart
