"""The annual reports a coordinator published, on the partnership's public pages (partnership/governance's, which
say whether the partnership has public pages at all): no sign-in, only the figures the small-group rule allows."""

from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from partnership.governance.selectors import public_pages_of
from partnership.tenancy.middleware import open_to_non_members

from ..models import PdfStatus
from ..selectors.annual_report import annual_report, published_years
from ..selectors.annual_report_pdf import annual_report_html, content_hash, pdf_of_content
from ..services.annual_report import annual_report_pdf_request
from ..wording import academic_year_label


def _pages(request):
    if request.partnership is None:
        raise Http404
    pages = public_pages_of(request.partnership)
    if pages is None:
        raise Http404("The partnership has no public pages")
    return pages


def _render(request, template: str, pages, **context):
    response = render(request, template, {"pages": pages, "public": True, **context})
    response["Cache-Control"] = "public, max-age=300"
    return response


@open_to_non_members
def public_annual_reports(request):
    pages = _pages(request)
    years = [(year, academic_year_label(year)) for year in published_years()]
    return _render(request, "improvement/public/annual_reports.html", pages, years=years)


@open_to_non_members
def public_annual_report(request, year: int):
    pages = _pages(request)
    if year not in published_years():
        raise Http404
    return _render(
        request,
        "improvement/public/annual_report.html",
        pages,
        report=annual_report(year),
        pdf_state=request.GET.get("pdf", ""),
    )


@open_to_non_members
def public_annual_report_pdf(request, year: int):
    """The published report as its tagged PDF, for anyone: the PDF of the report exactly as the public page reads
    now (named by the hash of its content), from the same storage as every other PDF. A web request never lays one
    out: the first asking for new content queues it for a worker (once per content: a failed one is tried again
    only when a signed-in reader asks) and the page says it is being prepared."""
    _pages(request)  # (a 404 when the partnership shows no public pages)
    if year not in published_years():
        raise Http404
    digest = content_hash(annual_report_html(annual_report(year), request.partnership))
    pdf = pdf_of_content(year, digest)
    if pdf is None:
        annual_report_pdf_request(partnership=request.partnership, year=year, actor=None)
    if pdf is None or not pdf.is_ready:
        state = "unavailable" if pdf is not None and pdf.status == PdfStatus.FAILED else "preparing"
        return redirect(reverse("public_annual_report", args=[year]) + f"?pdf={state}#pdf")
    try:
        handle = pdf.file.storage.open(pdf.file.name, "rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"annual-report-{year}-{str(year + 1)[-2:]}.pdf",
        content_type="application/pdf",
    )
    response["Cache-Control"] = "public, max-age=300"
    return response
