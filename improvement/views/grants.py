"""Grants the partnership gives and work it commissions: the list with each year's totals, a record, its terms and
the report back."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from partnership.common import once
from partnership.common.forms import service_errors
from schools.models import Cluster

from ..forms import GrantForm, GrantReportForm
from ..models import Grant
from ..permissions import can_manage_grants, can_view_grant_totals
from ..selectors.grants import grant_totals, grants_list
from ..services.grants import grant_create, grant_report, grant_update

TERMS = ("kind", "party", "purpose", "amount", "conditions", "starts_on", "ends_on", "report_due_on")


def _managing(request) -> None:
    if not can_manage_grants(request.user, request.partnership):
        raise Http404


def _grant_or_404(request, pk: int) -> Grant:
    _managing(request)
    grant = Grant.objects.select_related("cluster", "created_by").filter(pk=pk).first()
    if grant is None:
        raise Http404
    return grant


def _terms(form: GrantForm, clusters: list[Cluster]) -> dict:
    cluster_id = form.cleaned_data["cluster"]
    return {name: form.cleaned_data[name] for name in TERMS} | {
        "cluster": next((c for c in clusters if c.pk == cluster_id), None)
    }


@login_required
def grant_list(request):
    """Coordinators see every grant; board members the totals per year only."""
    partnership = request.partnership
    if not can_view_grant_totals(request.user, partnership):
        raise Http404
    manages = can_manage_grants(request.user, partnership)
    return render(
        request,
        "improvement/grants.html",
        {
            "totals": grant_totals(),
            "grants": list(grants_list()[:500]) if manages else None,
            "manages": manages,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def grant_new(request):
    _managing(request)
    clusters = list(Cluster.objects.all())
    form = GrantForm(request.POST or None, clusters=clusters, initial={"kind": "grant"})
    if request.method == "POST" and form.is_valid():
        claim = once.claim(request, form, "improvement-grant")
        if claim.repeated:
            messages.info(request, "This was already recorded; it has not been recorded a second time.")
            if claim.previous.isdigit():
                return redirect("improvement_grant", pk=int(claim.previous))
            return redirect("improvement_grants")
        with service_errors(form) as refusal:
            grant = grant_create(partnership=request.partnership, actor=request.user, **_terms(form, clusters))
        if not refusal:
            claim.done(grant.pk)
            messages.success(request, f"{grant} is recorded.")
            return redirect("improvement_grant", pk=grant.pk)
        claim.release()
    return render(request, "improvement/grant_form.html", {"form": form, "grant": None})


@login_required
def grant_detail(request, pk: int):
    grant = _grant_or_404(request, pk)
    return render(request, "improvement/grant_detail.html", {"grant": grant, "today": timezone.localdate()})


@login_required
@require_http_methods(["GET", "POST"])
def grant_edit(request, pk: int):
    grant = _grant_or_404(request, pk)
    clusters = list(Cluster.objects.all())
    form = GrantForm(request.POST or None, clusters=clusters, initial=GrantForm.initial_for(grant))
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as refusal:
            grant_update(grant=grant, **_terms(form, clusters))
        if not refusal:
            messages.success(request, "The changes are saved.")
            return redirect("improvement_grant", pk=grant.pk)
    return render(request, "improvement/grant_form.html", {"form": form, "grant": grant})


@login_required
@require_http_methods(["GET", "POST"])
def grant_report_page(request, pk: int):
    grant = _grant_or_404(request, pk)
    initial = (
        {"reported_on": grant.reported_on, "spend": grant.spend, "impact": grant.impact} if grant.reported_on else {}
    )
    form = GrantReportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as refusal:
            grant_report(grant=grant, **form.cleaned_data)
        if not refusal:
            messages.success(request, "The report back is recorded.")
            return redirect("improvement_grant", pk=grant.pk)
    return render(request, "improvement/grant_report_form.html", {"form": form, "grant": grant})
