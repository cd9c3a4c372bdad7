"""The partnership's self-evaluation: years side by side, and a year's ratings with the evidence the portal holds."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from partnership.common.forms import service_errors
from partnership.tenancy.permissions import is_coordinator

from ..forms import SelfEvaluationForm
from ..models import StrandRating
from ..selectors.self_evaluation import held_evidence, rubric, years_side_by_side
from ..services.self_evaluation import FIRST_YEAR, LAST_YEAR, self_evaluation_save
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
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def self_evaluation_year(request, year: int):
    _coordinating(request)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404
    strands = rubric()
    saved = {r.strand_id: r for r in StrandRating.objects.filter(year=year)}
    held = held_evidence(year)
    initial = {}
    for strand in strands:
        rating = saved.get(strand.pk)
        initial[f"level_{strand.pk}"] = rating.level if rating else None
        initial[f"evidence_{strand.pk}"] = rating.evidence if rating else held
    form = SelfEvaluationForm(request.POST or None, strands=strands, initial=initial)
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as refusal:
            self_evaluation_save(partnership=request.partnership, year=year, ratings=form.ratings(), actor=request.user)
        if not refusal:
            messages.success(request, f"The self-evaluation for {academic_year_label(year)} is saved.")
            return redirect("improvement_self_evaluation")
    return render(
        request,
        "improvement/self_evaluation_form.html",
        {"form": form, "year_label": academic_year_label(year), "held": held, "strands": strands},
    )
