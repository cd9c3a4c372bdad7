"""Reads for the partnership's annual report: every figure for one academic year, read fresh from the portal.

Every figure that counts schools goes through the dashboards' small-group rule (partnership/common/disclosure.py,
docs/small-groups.md): each table is one cube, suppressed as a whole, so a total never gives a hidden figure away.
The report is written for governors and the public, so the rule applies whoever reads it. Reviews at each stage
are the whole partnership's operational figures, which the dashboards show in full (public cells); what reviews
found, categories and support outcomes never are. Counts of people, events and meetings are not about schools.

A fixed number of queries whatever the partnership's size (one per table)."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.utils import timezone

from cpd.models import Booking, BookingState, Event, EventStatus
from partnership.common.disclosure import HIDDEN_MARK, Cube, tree_dim
from partnership.governance.models import Decision, Meeting
from reviews.models import Finding, Review, ReviewStatus
from schools.models import School

from ..models import AnnualReportForeword, Category, Grant, GrantKind, Impact, SupportAgreement
from ..wording import academic_year_label

NOT_EVALUATED = "not_evaluated"


@dataclass(frozen=True)
class Figure:
    label: str
    value: int | None  # None: hidden by the small-group rule

    @property
    def hidden(self) -> bool:
        return self.value is None

    @property
    def display(self) -> str:
        return HIDDEN_MARK if self.value is None else f"{self.prefix}{self.value:,}"

    prefix: str = ""  # "£" for sums of money


@dataclass(frozen=True)
class Bar:
    """One figure of a chart: its bar's length as a share of the section's largest shown figure."""

    figure: Figure
    percent: int


def bars(figures: list[Figure]) -> list[Bar]:
    """A bar for each figure, drawn in HTML and CSS (no script, nothing from a CDN); a hidden figure gets none."""
    largest = max((f.value for f in figures if f.value is not None), default=0)
    return [Bar(f, round(100 * f.value / largest) if largest and f.value else 0) for f in figures]


@dataclass
class AnnualReport:
    year: int
    label: str
    starts: datetime.date
    ends: datetime.date
    foreword: AnnualReportForeword | None
    membership: list[Figure]
    review_stages: list[Figure]
    themes: list[Figure]
    cpd: list[Figure]
    support: list[Figure]
    categories: list[Figure]
    board: list[Figure]
    grants: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def has_hidden(self) -> bool:
        return any(f.hidden for section in self.sections() for f in section[1])

    def sections(self) -> list[tuple[str, list[Figure]]]:
        return [
            ("Member schools by phase", self.membership),
            ("Peer reviews this year by stage", self.review_stages),
            ("Reviews with areas for development, by focus area", self.themes),
            ("CPD take-up", self.cpd),
            ("School-to-school support agreed this year, by outcome", self.support),
            ("Schools in each category of support", self.categories),
            ("Board activity", self.board),
            ("Grants given and work commissioned this year", self.grants),
        ]

    def tables(self) -> list[tuple[str, list[Bar], bool]]:
        """Each section with a bar for each figure, and whether its bars are drawn: counts only (the grants table
        mixes counts and sums of money, which one scale cannot show)."""
        sections = self.sections()
        return [(title, bars(figures), index < len(sections) - 1) for index, (title, figures) in enumerate(sections)]


def _protected(name: str, items: list[tuple[str, str]], counts: dict[str, int], *, total: str | None, public=()):
    """One table of school counts as one suppressed cube, read back as figures in display order."""
    dim = tree_dim(name, items, total=total)
    cube = Cube([dim], (((node,), counts.get(node, 0)) for node, _ in items), public=public).suppress()
    return [Figure(dim.label(node), None if cube.is_hidden((node,)) else cube.value((node,))) for node in dim.nodes]


def _membership() -> list[Figure]:
    rows = dict(
        School.objects.exclude(status=School.Status.CLOSED).values_list("phase").annotate(n=Count("pk")).order_by()
    )
    items = [(value, label) for value, label in School.Phase.choices if rows.get(value)]
    return _protected("phase", items, rows, total="All member schools")


def _review_stages(starts: datetime.date, ends: datetime.date) -> list[Figure]:
    rows = dict(
        Review.objects.filter(cycle__visit_window_starts_on__range=(starts, ends))
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return _protected("stage", list(ReviewStatus.choices), rows, total="Schools reviewed", public=[(None,)])


def _themes(starts: datetime.date, ends: datetime.date) -> list[Figure]:
    """Focus areas are the cycle's own, so the same name in two cycles of the year is one theme. A review can have
    areas for development in several focus areas, so these figures have no total."""
    rows = dict(
        Finding.objects.filter(review__cycle__visit_window_starts_on__range=(starts, ends))
        .exclude(areas_for_development="")
        .values_list("focus_area__name")
        .annotate(n=Count("review", distinct=True))
        .order_by()
    )
    items = [(name, name) for name in sorted(rows)]
    return _protected("focus", items, rows, total=None)


def _cpd(starts: datetime.date, ends: datetime.date) -> list[Figure]:
    in_year = Q(sessions__date__range=(starts, ends))
    events = Event.objects.filter(in_year, status=EventStatus.PUBLISHED).values("pk").distinct().count()
    bookings = Booking.objects.filter(session__date__range=(starts, ends)).aggregate(
        confirmed=Count("pk", filter=Q(state=BookingState.CONFIRMED)),
        people=Count("user", distinct=True, filter=Q(state=BookingState.CONFIRMED)),
    )
    return [
        Figure("Events held", events),
        Figure("Places taken", bookings["confirmed"]),
        Figure("People who took part", bookings["people"]),
    ]


def _support(starts: datetime.date, ends: datetime.date) -> list[Figure]:
    rows = dict(
        SupportAgreement.objects.filter(starts_on__range=(starts, ends))
        .values_list("evaluation__impact")
        .annotate(n=Count("pk"))
        .order_by()
    )
    rows[NOT_EVALUATED] = rows.pop(None, 0)
    items = [*Impact.choices, (NOT_EVALUATED, "Not evaluated yet")]
    return _protected("impact", items, rows, total="Support agreements")


def category_counts() -> list[Figure]:
    """Schools in each category of support, then all schools with one, under the small-group rule: the annual
    report's table and the board's home page. One query."""
    rows = Category.objects.annotate(n=Count("placements", filter=Q(placements__is_current=True))).values_list(
        "pk", "name", "n"
    )
    items, counts = [], {}
    for pk, name, n in rows:
        items.append((str(pk), name))
        counts[str(pk)] = n
    if not items:
        return []
    return _protected("category", items, counts, total="Schools with a category")


def _board(starts: datetime.date, ends: datetime.date) -> list[Figure]:
    now = timezone.now()
    held = Meeting.objects.filter(
        starts_at__date__range=(starts, ends), starts_at__lte=now, status=Meeting.Status.PUBLISHED
    ).count()
    decisions = Decision.objects.filter(item__meeting__starts_at__date__range=(starts, ends)).aggregate(
        made=Count("pk"), carried=Count("pk", filter=Q(carried=True))
    )
    return [
        Figure("Meetings held", held),
        Figure("Decisions made", decisions["made"]),
        Figure("Motions carried", decisions["carried"]),
    ]


def _grants(year: int) -> list[Figure]:
    """Grants and commissioned work starting in the year: about local partnerships and providers, not schools' own
    figures, so shown in full."""
    rows = {
        kind: (n, total or 0)
        for kind, n, total in Grant.objects.filter(year=year)
        .values_list("kind")
        .annotate(n=Count("pk"), total=Sum("amount"))
        .values_list("kind", "n", "total")
        .order_by()
    }
    figures = []
    for kind, label, money in (
        (GrantKind.GRANT, "Grants given", "Amount granted"),
        (GrantKind.COMMISSION, "Pieces of work commissioned", "Amount of commissioned work"),
    ):
        n, total = rows.get(kind, (0, 0))
        figures += [Figure(label, n), Figure(money, round(total), prefix="£")]
    return figures


def academic_year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 9, 1), datetime.date(year + 1, 8, 31)


def foreword_of(year: int) -> AnnualReportForeword | None:
    return AnnualReportForeword.objects.filter(year=year).first()


def annual_report(year: int) -> AnnualReport:
    starts, ends = academic_year_bounds(year)
    return AnnualReport(
        year=year,
        label=academic_year_label(year),
        starts=starts,
        ends=ends,
        foreword=foreword_of(year),
        membership=_membership(),
        review_stages=_review_stages(starts, ends),
        themes=_themes(starts, ends),
        cpd=_cpd(starts, ends),
        support=_support(starts, ends),
        categories=category_counts(),
        board=_board(starts, ends),
        grants=_grants(year),
    )


def published_years() -> list[int]:
    """The years whose report the coordinator published on the public pages, newest first."""
    return list(
        AnnualReportForeword.objects.filter(published_at__isnull=False).order_by("-year").values_list("year", flat=True)
    )
