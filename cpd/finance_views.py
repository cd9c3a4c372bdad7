"""CPD's money pages: a school's bookings and spend, an invoice's or credit note's PDF, credit notes. Thin, like
views.py: parse, check permission, call a selector or a service, render."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from partnership.audit.models import AuditAction
from partnership.audit.services import audit_record
from partnership.common import once
from partnership.common.forms import service_errors
from partnership.common.spreadsheets import spreadsheet_safe

from . import selectors
from .forms import CreditNoteForm
from .models import CreditNote, FinanceDocument, Invoice
from .permissions import can_manage_programme, can_see_school_spend, can_view_credit_note, can_view_invoice
from .services.bookings import academic_year_start
from .services.invoices import credit_note_issue, finance_pdf_request


@login_required
def school_spend_view(request):
    """A school's bookings and spend this academic year (or `year`), by term. A CPD leader sees their own school's
    (a choice when they approve for several); a coordinator chooses any school."""
    schools = list(selectors.spend_schools(request.user, request.partnership))
    if not schools:
        raise Http404
    try:
        school_id = int(request.GET.get("school") or schools[0].pk)
        year = int(request.GET.get("year") or academic_year_start(timezone.localdate()))
    except ValueError:
        raise Http404 from None
    school = next((s for s in schools if s.pk == school_id), None)
    if school is None or not can_see_school_spend(request.user, request.partnership, school.pk):
        raise Http404
    if not 2000 <= year <= 2100:
        raise Http404
    spend = selectors.school_spend(school.pk, year)
    return render(
        request,
        "cpd/school_spend.html",
        {
            "school": school,
            "schools": schools,
            "spend": spend,
            "year": year,
            "previous_year": year - 1,
            "next_year": year + 1,
            "is_coordinator": can_manage_programme(request.user, request.partnership),
        },
    )


def _pdf_response(request, document: FinanceDocument | None, *, filename: str, subject: str, back):
    if document is None or document.status != FinanceDocument.Status.READY:
        messages.info(request, "The PDF is being prepared. Try again in a moment.")
        return back
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    audit_record(
        action=AuditAction.DOCUMENT_DOWNLOADED,
        partnership=request.partnership,
        actor=request.user,
        subject=subject[:300],
        detail={"kind": "cpd finance document", "document": document.pk, "sha256": document.sha256},
    )
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type="application/pdf")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _invoice_or_404(request, pk: int) -> Invoice:
    invoice = selectors.invoice_for_page(pk)
    if invoice is None or not can_view_invoice(request.user, invoice):
        raise Http404
    return invoice


def _back_from_invoice(request, invoice: Invoice):
    if can_manage_programme(request.user, request.partnership):
        return redirect("cpd_invoice_detail", invoice.pk)
    return redirect(f"/cpd/spend/?school={invoice.school_id}")


@login_required
def invoice_pdf(request, pk: int):
    invoice = _invoice_or_404(request, pk)
    if not invoice.is_issued:
        raise Http404
    return _pdf_response(
        request,
        selectors.finance_document_of(invoice=invoice),
        filename=f"invoice-{invoice.number}.pdf",
        subject=f"CPD invoice {invoice.number} for {invoice.school.name}",
        back=_back_from_invoice(request, invoice),
    )


def _credit_note_or_404(request, pk: int) -> CreditNote:
    note = selectors.credit_note_for_page(pk)
    if note is None or not can_view_credit_note(request.user, note):
        raise Http404
    return note


@login_required
def credit_note_detail(request, pk: int):
    note = _credit_note_or_404(request, pk)
    return render(
        request,
        "cpd/credit_note_detail.html",
        {
            "note": note,
            "lines": selectors.credit_note_lines(note),
            "document": selectors.finance_document_of(credit_note=note),
            "is_coordinator": can_manage_programme(request.user, request.partnership),
        },
    )


@login_required
def credit_note_pdf(request, pk: int):
    note = _credit_note_or_404(request, pk)
    return _pdf_response(
        request,
        selectors.finance_document_of(credit_note=note),
        filename=f"credit-note-{note.reference}.pdf",
        subject=f"CPD credit note {note.reference} for {note.school.name}",
        back=redirect("cpd_credit_note_detail", note.pk),
    )


@login_required
def credit_note_csv(request, pk: int):
    """One row per line, for a finance system: negative amounts, each naming the invoice it corrects."""
    note = _credit_note_or_404(request, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="credit-note-{note.reference}.csv"'
    writer = csv.writer(response)
    writer.writerow(["credit note", "issued", "invoice", "school URN", "school", "reason", "item", "kind", "amount"])
    for line in selectors.credit_note_lines(note):
        writer.writerow(
            [
                note.reference,
                timezone.localtime(note.issued_at).date().isoformat(),
                note.invoice.number,
                note.school.urn,
                spreadsheet_safe(note.school.name),
                spreadsheet_safe(note.reason),
                spreadsheet_safe(line.description),
                line.invoice_line.get_kind_display(),
                f"{-line.amount:.2f}",
            ]
        )
    return response


@login_required
def credit_note_create(request, pk: int):
    """The coordinator credits some of an issued invoice's lines, with a reason."""
    if not can_manage_programme(request.user, request.partnership):
        raise Http404
    invoice = selectors.invoice_for_page(pk)
    if invoice is None or not invoice.is_issued:
        raise Http404
    lines = list(selectors.invoice_lines(invoice))
    form = CreditNoteForm(request.POST or None, lines=lines, credited=selectors.credited_line_ids(invoice))
    if request.method == "POST" and form.is_valid():
        claim = once.claim(request, form, scope=f"credit-note-{invoice.pk}")
        if claim.repeated:
            if claim.previous.isdigit():
                return redirect("cpd_credit_note_detail", int(claim.previous))
            return redirect("cpd_invoice_detail", invoice.pk)
        with service_errors(form) as refusal:
            note = credit_note_issue(
                invoice=invoice, credits=form.credits(), reason=form.cleaned_data["reason"], by=request.user
            )
        if not refusal:
            claim.done(note.pk)
            messages.success(request, f"Credit note {note.reference} issued for £{note.total}.")
            return redirect("cpd_credit_note_detail", note.pk)
        claim.release()
    return render(
        request,
        "cpd/credit_note_form.html",
        {"form": form, "invoice": invoice},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def finance_pdf_again(request, pk: int, credit_note: bool = False):
    """Queue again the PDF of an issued invoice (or, at the credit note's address, a credit note) that failed or
    whose message was lost."""
    if not can_manage_programme(request.user, request.partnership):
        raise Http404
    found = {"credit_note_id": pk} if credit_note else {"invoice_id": pk}
    document = FinanceDocument.objects.filter(**found).first()
    if document is None:
        raise Http404
    with service_errors(request=request) as refusal:
        finance_pdf_request(document=document)
    if not refusal:
        messages.success(request, "The PDF is being prepared again.")
    return redirect("cpd_credit_note_detail" if credit_note else "cpd_invoice_detail", pk)
