"""The partnership's annual report for an academic year: the page, the coordinator's foreword and the PDF."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from partnership.audit.services import AuditAction, audit_record
from partnership.common.forms import service_errors

from ..forms import ForewordForm
from ..permissions import can_view_annual_report, can_write_foreword
from ..selectors.annual_report import annual_report
from ..selectors.annual_report_pdf import latest_pdf
from ..services.annual_report import (
    annual_report_pdf_request,
    annual_report_publish,
    annual_report_unpublish,
    foreword_save,
)
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
            "pdf": latest_pdf(year),
            "writer": writer,
            "previous_year": year - 1 if year > FIRST_YEAR else None,
            "next_year": year + 1 if year < current_academic_year() else None,
            "previous_label": academic_year_label(year - 1),
            "next_label": academic_year_label(year + 1),
        },
    )


def _filename(year: int) -> str:
    return f"annual-report-{year}-{str(year + 1)[-2:]}.pdf"


@login_required
def annual_report_download(request, year: int):
    """The year's PDF as the report reads now: the stored file when it is ready, otherwise it is asked for (a
    worker lays it out) and the report's page shows its progress."""
    partnership = request.partnership
    if not can_view_annual_report(request.user, partnership):
        raise Http404
    _year_or_404(year)
    pdf, queued = annual_report_pdf_request(partnership=partnership, year=year, actor=request.user)
    pdf.refresh_from_db(fields=["status", "file", "error"])
    if not pdf.is_ready:  # asked for now, or still being prepared: laid out by a worker, never by this request
        if queued or pdf.status != "failed":
            messages.info(request, "The PDF is being prepared. It takes a few seconds: refresh this page to see it.")
        return redirect(reverse("improvement_annual_report", args=[year]) + "#pdf")
    try:
        handle = pdf.file.storage.open(pdf.file.name, "rb")
    except FileNotFoundError as error:
        raise Http404 from error
    audit_record(
        action=AuditAction.REPORT_DOWNLOADED,
        subject=f"Annual report {academic_year_label(year)}",
        detail={"annual_report_pdf": pdf.pk, "year": year},
        request=request,
    )
    response = FileResponse(handle, as_attachment=True, filename=_filename(year), content_type="application/pdf")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def annual_report_publish_page(request, year: int):
    """Publishing puts the report in front of anyone: a page of its own to confirm it."""
    partnership = request.partnership
    if not can_write_foreword(request.user, partnership):
        raise Http404
    _year_or_404(year)
    report = annual_report(year)
    if request.method == "POST":
        with service_errors(request=request) as refusal:
            annual_report_publish(partnership=partnership, year=year, actor=request.user)
        if not refusal:
            messages.success(request, f"The annual report {report.label} is published on the public pages.")
        return redirect("improvement_annual_report", year=year)
    return render(request, "improvement/annual_report_publish.html", {"report": report})


@login_required
@require_POST
def annual_report_unpublish_page(request, year: int):
    if not can_write_foreword(request.user, request.partnership):
        raise Http404
    _year_or_404(year)
    annual_report_unpublish(year=year)
    messages.success(request, f"The annual report {academic_year_label(year)} is no longer on the public pages.")
    return redirect("improvement_annual_report", year=year)
