"""The partnership's annual report for an academic year: the page, the coordinator's foreword and the PDF."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from partnership.common.forms import service_errors

from ..forms import ForewordForm
from ..permissions import can_view_annual_report, can_write_foreword
from ..selectors.annual_report import annual_report
from ..selectors.annual_report_pdf import annual_report_pdf
from ..services.annual_report import foreword_save
from ..services.self_evaluation import FIRST_YEAR, LAST_YEAR
from ..wording import academic_year_label, current_academic_year


def _year_or_404(year: int) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404
    return year


@login_required
def annual_report_current(request):
    if not can_view_annual_report(request.user, request.partnership):
        raise Http404
    return redirect("improvement_annual_report", year=current_academic_year())


@login_required
@require_http_methods(["GET", "POST"])
def annual_report_page(request, year: int):
    partnership = request.partnership
    if not can_view_annual_report(request.user, partnership):
        raise Http404
    _year_or_404(year)
    writer = can_write_foreword(request.user, partnership)
    if request.method == "POST" and not writer:
        raise Http404
    report = annual_report(year)
    form = None
    if writer:
        initial = {"text": report.foreword.text} if report.foreword else {}
        form = ForewordForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            with service_errors(form) as refusal:
                foreword_save(partnership=partnership, year=year, text=form.cleaned_data["text"], actor=request.user)
            if not refusal:
                messages.success(request, f"The foreword for {academic_year_label(year)} is saved.")
                return redirect("improvement_annual_report", year=year)
    return render(
        request,
        "improvement/annual_report.html",
        {
            "report": report,
            "form": form,
            "previous_year": year - 1 if year > FIRST_YEAR else None,
            "next_year": year + 1 if year < current_academic_year() else None,
            "previous_label": academic_year_label(year - 1),
            "next_label": academic_year_label(year + 1),
        },
    )


@login_required
def annual_report_download(request, year: int):
    partnership = request.partnership
    if not can_view_annual_report(request.user, partnership):
        raise Http404
    _year_or_404(year)
    pdf = annual_report_pdf(annual_report(year), partnership)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="annual-report-{year}-{str(year + 1)[-2:]}.pdf"'
    return response
