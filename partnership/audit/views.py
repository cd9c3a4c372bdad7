"""The audit log: a coordinator's for their partnership, a platform administrator's for all, on the portal
address. Read and export only: there is no page that edits or deletes an entry."""

import csv
from contextlib import nullcontext

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from partnership.common.spreadsheets import spreadsheet_safe
from partnership.tenancy.scoping import cross_tenant

from .forms import AuditFilterForm
from .models import AuditAction
from .permissions import can_view_audit_log
from .selectors import audit_events
from .services import audit_record

EVENTS_PER_PAGE = 50
CSV_COLUMNS = (
    "When",
    "Partnership",
    "Action",
    "Who",
    "What",
    "Address",
    "Browser",
    "Detail",
)


class _Echo:
    def write(self, value):
        return value


def _reading(request):
    """The form and the events a reader may see with its filters: one partnership, or every one on the portal's
    own address."""
    partnership = request.partnership
    if not can_view_audit_log(request.user, partnership):
        raise Http404
    across = partnership is None
    form = AuditFilterForm(request.GET or None, across_partnerships=across)
    filters = form.filters()
    if not across:
        filters["partnership"] = partnership
    return form, filters, across


def _across(across: bool):
    return cross_tenant("platform administrators read every partnership's audit log") if across else nullcontext()


@require_GET
@login_required
def audit_log(request):
    form, filters, across = _reading(request)
    with _across(across):
        page = Paginator(audit_events(**filters), EVENTS_PER_PAGE).get_page(request.GET.get("page"))
        return render(
            request,
            "audit/audit_log.html",
            {"form": form, "page": page, "across": across},
        )


def _rows(events):
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(CSV_COLUMNS)
    for event in events:
        yield writer.writerow(
            [
                spreadsheet_safe(value)
                for value in (
                    timezone.localtime(event.at).isoformat(timespec="seconds"),
                    event.partnership.name if event.partnership else "",
                    event.get_action_display(),
                    event.actor_email,
                    event.subject,
                    event.ip_address or "",
                    event.user_agent,
                    "; ".join(f"{key}: {value}" for key, value in event.detail.items()),
                )
            ]
        )


@require_GET
@login_required
def audit_log_export(request):
    """The filtered log as CSV. Built before the response starts (a platform export reads across partnerships
    only inside the escape hatch), and the export is itself recorded."""
    _form, filters, across = _reading(request)
    with _across(across):
        body = list(_rows(audit_events(**filters).iterator(chunk_size=1000)))
    audit_record(
        action=AuditAction.EXPORT,
        subject="Audit log",
        detail={
            "filters": {key: str(value) for key, value in filters.items()},
            "rows": len(body) - 1,
        },
    )
    response = StreamingHttpResponse(body, content_type="text/csv; charset=utf-8")
    where = request.partnership.slug if request.partnership else "portal"
    response["Content-Disposition"] = f'attachment; filename="{where}-audit-log-{timezone.localdate():%Y-%m-%d}.csv"'
    return response
