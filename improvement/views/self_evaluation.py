"""The partnership's self-evaluation: years side by side, and a year's ratings with the evidence the portal holds."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from partnership.common import once
from partnership.common.forms import service_errors
from partnership.tenancy.permissions import is_coordinator
from schools.models import Cluster

from ..forms import SelfEvaluationForm, StrandForm
from ..models import Strand, StrandRating
from ..permissions import can_rate_cluster
from ..selectors.self_evaluation import held_evidence, partnerships_side_by_side, rubric, years_side_by_side
from ..services.self_evaluation import FIRST_YEAR, LAST_YEAR, self_evaluation_save, strand_add, strand_update
from ..wording import academic_year_label, current_academic_year


def _coordinating(request) -> None:
    if not is_coordinator(request.user, request.partnership):
        raise Http404


@login_required
def self_evaluation(request):
    _coordinating(request)
    strands, years, ratings = years_side_by_side()
    rows = [(strand, [ratings.get((strand.pk, year)) for year in years]) for strand in strands]
    current = current_academic_year()
    return render(
        request,
        "improvement/self_evaluation.html",
        {
            "rows": rows,
            "years": [academic_year_label(year) for year in years],
            "current": current,
            "current_label": academic_year_label(current),
            "clusters": list(Cluster.objects.all()),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def self_evaluation_year(request, year: int):
    _coordinating(request)
    return _rate(request, year, None)


def _cluster_or_404(request, cluster_pk: int) -> Cluster:
    cluster = Cluster.objects.filter(pk=cluster_pk).first()
    if cluster is None or not can_rate_cluster(request.user, request.partnership, cluster.pk):
        raise Http404
    return cluster


@login_required
def cluster_self_evaluation(request, cluster_pk: int):
    """A local partnership's years side by side: its lead and the coordinators."""
    cluster = _cluster_or_404(request, cluster_pk)
    strands, years, ratings = years_side_by_side(cluster)
    current = current_academic_year()
    return render(
        request,
        "improvement/self_evaluation.html",
        {
            "cluster": cluster,
            "rows": [(strand, [ratings.get((strand.pk, year)) for year in years]) for strand in strands],
            "years": [academic_year_label(year) for year in years],
            "current": current,
            "current_label": academic_year_label(current),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def cluster_self_evaluation_year(request, cluster_pk: int, year: int):
    return _rate(request, year, _cluster_or_404(request, cluster_pk))


@login_required
def self_evaluation_compare(request, year: int):
    """One year: the whole partnership and each local partnership that rated itself, side by side."""
    _coordinating(request)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404
    _, columns, rows = partnerships_side_by_side(year)
    return render(
        request,
        "improvement/self_evaluation_compare.html",
        {
            "columns": columns,
            "rows": rows,
            "year": year,
            "year_label": academic_year_label(year),
            "previous_year": year - 1 if year > FIRST_YEAR else None,
            "next_year": year + 1 if year < current_academic_year() else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def rubric_page(request):
    """The rubric: its strands, and a new one at the end."""
    _coordinating(request)
    form = StrandForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        claim = once.claim(request, form, "improvement-strand")
        if claim.repeated:
            messages.info(request, "This strand was already added; it has not been added a second time.")
            return redirect("improvement_rubric")
        with service_errors(form) as refusal:
            strand = strand_add(
                partnership=request.partnership, name=form.cleaned_data["name"], descriptors=form.descriptors()
            )
        if not refusal:
            claim.done(strand.pk)
            messages.success(request, f"{strand.name} is added to the rubric.")
            return redirect("improvement_rubric")
        claim.release()
    return render(request, "improvement/rubric.html", {"strands": rubric(), "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def strand_edit(request, pk: int):
    _coordinating(request)
    strand = Strand.objects.filter(pk=pk).first()
    if strand is None:
        raise Http404
    form = StrandForm(request.POST or None, initial=StrandForm.initial_for(strand))
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as refusal:
            strand_update(strand=strand, name=form.cleaned_data["name"], descriptors=form.descriptors())
        if not refusal:
            messages.success(request, f"{strand.name} is saved.")
            return redirect("improvement_rubric")
    return render(request, "improvement/strand_form.html", {"strand": strand, "form": form})


def _rate(request, year: int, cluster: Cluster | None):
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404
    strands = rubric()
    saved = {r.strand_id: r for r in StrandRating.objects.filter(year=year, cluster=cluster)}
    held = held_evidence(year, cluster)
    initial = {}
    for strand in strands:
        rating = saved.get(strand.pk)
        initial[f"level_{strand.pk}"] = rating.level if rating else None
        initial[f"evidence_{strand.pk}"] = rating.evidence if rating else held
    form = SelfEvaluationForm(request.POST or None, strands=strands, initial=initial)
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as refusal:
            self_evaluation_save(
                partnership=request.partnership,
                year=year,
                ratings=form.ratings(),
                actor=request.user,
                cluster=cluster,
            )
        if not refusal:
            messages.success(request, f"The self-evaluation for {academic_year_label(year)} is saved.")
            if cluster is not None:
                return redirect("improvement_cluster_self_evaluation", cluster_pk=cluster.pk)
            return redirect("improvement_self_evaluation")
    return render(
        request,
        "improvement/self_evaluation_form.html",
        {"form": form, "year_label": academic_year_label(year), "held": held, "strands": strands, "cluster": cluster},
    )
