"""The annual report as a tagged PDF (PDF/UA-1): its HTML, the hash that names its content, and the stored PDFs.

The page's figures are laid out by the reviews' print pipeline (WeasyPrint with the print stylesheet and fonts
parsed once per process, nothing fetched from the network) in a worker on the `pdf` queue, like review reports:
a web request never lays out a PDF. The HTML is hashed, so a report whose figures and foreword have not changed is
never laid out twice."""

import hashlib

from django.template.loader import render_to_string

from partnership.tenancy.models import Partnership
from reviews.reports.render import DEFAULT_COLOUR, HEX_COLOUR

from ..models import AnnualReportPdf, PdfStatus
from .annual_report import AnnualReport


def annual_report_html(report: AnnualReport, partnership: Partnership) -> str:
    colour = partnership.colour or ""
    return render_to_string(
        "pdf/annual_report.html",
        {
            "report": report,
            "partnership": partnership,
            "brand_colour": colour if HEX_COLOUR.match(colour) else DEFAULT_COLOUR,
        },
    )


def content_hash(html: str) -> str:
    return hashlib.sha256(html.encode()).hexdigest()


def latest_pdf(year: int) -> AnnualReportPdf | None:
    """The year's most recently asked-for PDF, whatever its state (the page shows its progress)."""
    return AnnualReportPdf.objects.filter(year=year).defer("html").first()


def pdf_of_content(year: int, digest: str) -> AnnualReportPdf | None:
    """The year's PDF of exactly this content (any state), if it was ever asked for."""
    return AnnualReportPdf.objects.filter(year=year, content_hash=digest).defer("html").first()


def latest_ready_pdf(year: int) -> AnnualReportPdf | None:
    return AnnualReportPdf.objects.filter(year=year, status=PdfStatus.READY).defer("html").first()


def annual_report_pdf(report: AnnualReport, partnership: Partnership) -> bytes:
    """Lay the report out here and now: for the worker's service and the benchmark, never a web request."""
    from reviews.reports.render import PDF_VARIANT, render_html  # WeasyPrint: only where a PDF is laid out

    return render_html(annual_report_html(report, partnership)).write_pdf(pdf_variant=PDF_VARIANT)
