"""An issued invoice's or a credit note's PDF: laid out by WeasyPrint with the print stylesheet reviews' reports use
(tagged PDF/UA-1, our fonts, no network), in the partnership's colour. Called only by the task on the `pdf` queue
(cpd.tasks.render_finance_pdf): a web request never lays out a PDF."""

from django.template.loader import render_to_string
from django.utils import timezone

from partnership.tenancy.models import Partnership
from reviews.reports.render import DEFAULT_COLOUR, HEX_COLOUR, PDF_VARIANT, render_html

from .models import CreditNoteLine, FinanceDocument, InvoiceLine

TEMPLATE = "pdf/cpd_invoice.html"


def finance_html(document: FinanceDocument) -> str:
    note = document.credit_note
    invoice = note.invoice if note is not None else document.invoice
    partnership = Partnership.objects.get(pk=document.partnership_id)
    if note is not None:
        lines = list(CreditNoteLine.objects.filter(credit_note=note).order_by("pk"))
        title, reference, issued_at = "Credit note", note.reference, note.issued_at
    else:
        lines = list(InvoiceLine.objects.filter(invoice=invoice).select_related("booking__session").order_by("pk"))
        title, reference, issued_at = "Invoice", str(invoice.number), invoice.issued_at
    colour = partnership.colour if HEX_COLOUR.match(partnership.colour or "") else DEFAULT_COLOUR
    return render_to_string(
        TEMPLATE,
        {
            "partnership": partnership,
            "brand_colour": colour,
            "title": title,
            "reference": reference,
            "issued_on": timezone.localtime(issued_at).date(),
            "invoice": invoice,
            "note": note,
            "school": invoice.school,
            "lines": lines,
            "total": note.total if note is not None else invoice.total,
        },
    )


def finance_pdf(document: FinanceDocument) -> tuple[bytes, str]:
    """The PDF and the name it is stored under."""
    pdf = render_html(finance_html(document)).write_pdf(pdf_variant=PDF_VARIANT)
    if document.credit_note is not None:
        return pdf, f"credit-note-{document.credit_note.reference}.pdf"
    return pdf, f"invoice-{document.invoice.number}.pdf"
