"""The annual report as a tagged PDF (PDF/UA-1), laid out by the reviews' print pipeline (WeasyPrint with the
print stylesheet and fonts parsed once per process, nothing fetched from the network). A few tables: rendered
while the coordinator waits, well under a second, so no queue is needed."""

from django.template.loader import render_to_string

from partnership.tenancy.models import Partnership
from reviews.reports.render import DEFAULT_COLOUR, HEX_COLOUR, PDF_VARIANT, render_html

from .annual_report import AnnualReport


def annual_report_pdf(report: AnnualReport, partnership: Partnership) -> bytes:
    colour = partnership.colour or ""
    html = render_to_string(
        "pdf/annual_report.html",
        {
            "report": report,
            "partnership": partnership,
            "brand_colour": colour if HEX_COLOUR.match(colour) else DEFAULT_COLOUR,
        },
    )
    return render_html(html).write_pdf(pdf_variant=PDF_VARIANT)
