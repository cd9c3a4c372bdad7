"""CPD's PDFs: a certificate (one page) and a person's CPD record, laid out by WeasyPrint with the print
stylesheet reviews' reports use (tagged PDF/UA-1, our fonts, no network), in the partnership's colour.

Both are rendered by Celery workers on the `pdf` queue (cpd/tasks.py) and stored through the default storage; a
web request only enqueues, shows progress and serves the stored file. A certificate is rendered once (its row never
changes); a record is stored under the hash of its content, so an unchanged record is not rendered twice.
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


RECORD_TEMPLATE = "pdf/cpd_record.html"


def record_html(record, *, partnership, today) -> str:
    """A person's CPD record (cpd.selectors.cpd_record) as the HTML its PDF is laid out from."""
    return render_to_string(RECORD_TEMPLATE, {"record": record, "partnership": partnership, "today": today})


def record_pdf(html: str) -> bytes:
    return render_html(html).write_pdf(pdf_variant=PDF_VARIANT)
