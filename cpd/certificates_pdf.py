"""A certificate's PDF: one page laid out by WeasyPrint with the print stylesheet reviews' reports use (tagged
PDF/UA-1, our fonts, no network), in the partnership's colour.

Rendered on request in the web process, not by a Celery task on the `pdf` queue: a one-page certificate takes a
fraction of a second once the worker's print resources (stylesheet and fonts, parsed once per process) are warm,
and the certificate row never changes, so there is nothing to keep in step. Releasing hundreds at once writes rows
only; each PDF is laid out when someone downloads it.
"""

from django.template.loader import render_to_string
from django.utils import timezone

from reviews.reports.render import PDF_VARIANT, render_html

from .models import Certificate

TEMPLATE = "pdf/cpd_certificate.html"


def certificate_html(certificate: Certificate, *, partnership, styled: bool = True) -> str:
    return render_to_string(
        TEMPLATE,
        {
            "certificate": certificate,
            "partnership": partnership,
            "styled": styled,
            "issued_on": timezone.localtime(certificate.issued_at).date(),
        },
    )


def certificate_pdf(certificate: Certificate, *, partnership) -> bytes:
    return render_html(certificate_html(certificate, partnership=partnership)).write_pdf(pdf_variant=PDF_VARIANT)
