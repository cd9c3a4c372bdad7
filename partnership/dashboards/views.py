import csv
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.cache import never_cache

from partnership.audit.services import AuditAction, audit_record
from partnership.common.disclosure import ALL
from partnership.common.spreadsheets import spreadsheet_safe
from partnership.tenancy.permissions import can_view_board_overview, is_coordinator
from reviews.models import Review

from . import selectors as s
from .panels import (
    BOARD,
    COORDINATOR,
    CUBE_GROUPS,
    FRAME,
    PANEL_TITLES,
    Dashboard,
    Filters,
    csv_rows,
    csv_table_rows,
    frame,
)
from .store import CubeStore

SCHOOLS_PER_PAGE = 100


def _dashboard(request) -> Dashboard:
    """The dashboard for the person's audience, its cubes remembered under the partnership's data version."""
    user, partnership = request.user, request.partnership
    if partnership is None or not can_view_board_overview(user, partnership):
        raise Http404
    audience = COORDINATOR if is_coordinator(user, partnership) else BOARD
    today = timezone.localdate()
    store = CubeStore.current(partnership.pk, audience.name, today)
    store.prefetch([FRAME, *CUBE_GROUPS])
    filters = Filters.from_query(request.GET, *frame(store))
    return Dashboard(filters, audience, today, store=store)


@never_cache
@login_required
def dashboard(request):
    board = _dashboard(request)
    return render(
        request,
        "dashboards/dashboard.html",
        {"dashboard": board, "filters": board.filters, "panels": board.panels(), "audience": board.audience},
    )


@never_cache
@login_required
def panel_csv(request, panel: str):
    if panel not in PANEL_TITLES:
        raise Http404
    board = _dashboard(request)
    filters = board.filters
    cycle = slugify(filters.cycle.name) if filters.cycle else "no-cycle"
    # ?shape=table: the tables as on screen, for a spreadsheet; otherwise one figure a line (the long format).
    as_table = request.GET.get("shape") == "table"
    shape = "-tables" if as_table else ""
    filename = f"{request.partnership.slug}-{panel}-{cycle}-{board.today:%Y-%m-%d}{shape}.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # so that spreadsheets read the file as UTF-8
    writer = csv.writer(response)
    for row in (csv_table_rows if as_table else csv_rows)(board.panel(panel), filters):
        writer.writerow([spreadsheet_safe(value) for value in row])
    audit_record(action=AuditAction.EXPORT, subject=f"Dashboard: {PANEL_TITLES[panel]}", detail={"file": filename})
    return response


DRILL_DIMENSIONS = ("stage", "ofsted", "kind", "bucket", "category", "measure", "focus", "geo", "phase")


@never_cache
@login_required
def schools_behind_a_figure(request):
    """The named schools behind one figure: coordinators only (board members get a 404, as for anything else
    they may not see)."""
    user, partnership = request.user, request.partnership
    if partnership is None or not is_coordinator(user, partnership):
        raise Http404
    panel = request.GET.get("panel", "")
    if panel not in PANEL_TITLES or panel == "trends":
        raise Http404
    cycles = s.cycles_oldest_first()
    cycle = next((c for c in cycles if str(c.pk) == request.GET.get("cycle", "")), None)
    nodes = {dim: request.GET[dim] for dim in DRILL_DIMENSIONS if request.GET.get(dim)}
    geo = s.geography()
    try:
        schools = s.schools_behind(panel, nodes, cycle=cycle, today=timezone.localdate(), geography=geo)
        schools = schools.select_related("area", "cluster").order_by("name", "pk")
        page = Paginator(schools, SCHOOLS_PER_PAGE).get_page(request.GET.get("page"))
        rows = list(page)
    except (ValueError, KeyError) as error:
        raise Http404 from error
    reviews = {}
    if cycle is not None:
        reviews = dict(
            Review.objects.filter(cycle_id=cycle.pk, school__in=[school.pk for school in rows]).values_list(
                "school_id", "pk"
            )
        )
    return render(
        request,
        "dashboards/schools.html",
        {
            "panel_title": PANEL_TITLES[panel],
            "cycle": cycle,
            "description": _describe(nodes, geo, cycle),
            "page": page,
            "rows": [(school, reviews.get(school.pk)) for school in rows],
            "back": _back_to_dashboard(request.GET),
        },
    )


def _back_to_dashboard(query) -> str:
    """The dashboard's filters for the figure's cycle, area (or the cluster's area) and phase."""
    back = {"cycle": query.get("cycle", "")}
    geo = query.get("geo", "")
    if geo.startswith(("area:", "cluster:")):
        back["area"] = geo.split(":")[1]
    if query.get("phase", "all") != "all":
        back["phase"] = query["phase"]
    return urlencode({k: v for k, v in back.items() if v})


def _describe(nodes: dict[str, str], geo: s.Geography, cycle: s.CycleInfo | None) -> list[tuple[str, str]]:
    """What the figure counts, in words."""
    dims = {
        "stage": ("Stage", s.stage_dim()),
        "ofsted": ("Ofsted grade", s.ofsted_dim()),
        "kind": ("Item", s.overdue_kind_dim()),
        "bucket": ("Overdue by", s.overdue_bucket_dim()),
        "category": ("Category", s.not_reviewed_dim()),
        "geo": ("Area or cluster", geo.cluster_dim),
        "phase": ("Phase", geo.phase_dim),
    }
    if cycle is not None:
        dims["measure"] = ("Measure", s.measure_dim(cycle))
        dims["focus"] = ("Focus area", s.focus_dim(cycle))
    described = []
    for name, node in nodes.items():
        if name in dims:
            label, dim = dims[name]
            described.append((label, dim.label(node) if node != ALL or dim.parent else node))
    return described
