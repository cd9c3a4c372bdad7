"""End-of-term invoices: one per school for the places its people held, the late cancellations it was charged and
its people's no-shows, each invoiced once. An issued invoice never changes (the database refuses): a correction is
a credit note, in a number series of its own, final from the moment it is made. Each issued invoice and credit
note gets a PDF, rendered once by a task on the `pdf` queue."""

import datetime
import hashlib
import logging
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone
from django.utils.formats import date_format

from partnership.accounts.models import User
from partnership.tenancy.models import Partnership

from ..models import (
    Attendance,
    Booking,
    BookingState,
    CpdSettings,
    CreditNote,
    CreditNoteLine,
    FinanceDocument,
    Invoice,
    InvoiceLine,
    InvoiceLineKind,
)

PDF_QUEUE = "pdf"
logger = logging.getLogger(__name__)


def invoices_prepare(
    *, partnership: Partnership, label: str, period_start: datetime.date, period_end: datetime.date, by: User
) -> list[Invoice]:
    """Draft invoices for every school with something to pay for sessions in the period not yet invoiced: a
    confirmed place at its fixed price, a late cancellation at its fixed charge."""
    if not label.strip():
        raise ValidationError({"label": "Name the period, for example Autumn term 2026."})
    if period_end < period_start:
        raise ValidationError({"period_end": "The period cannot end before it starts."})
    with transaction.atomic():
        settings_row = CpdSettings.objects.filter(partnership=partnership).first()
        no_show_charge = settings_row.no_show_charge if settings_row else Decimal(0)
        in_period = Booking.objects.filter(
            school__isnull=False, session__date__gte=period_start, session__date__lte=period_end
        ).select_related("event", "session", "user")

        def not_invoiced(kind: str):
            return ~Exists(InvoiceLine.objects.filter(booking=OuterRef("pk"), kind=kind))

        lines: list[tuple[Booking, str, Decimal]] = [
            (b, InvoiceLineKind.PLACE, b.price)
            for b in in_period.filter(not_invoiced(InvoiceLineKind.PLACE), state=BookingState.CONFIRMED, price__gt=0)
        ]
        lines += [
            (b, InvoiceLineKind.LATE_CANCELLATION, b.charge)
            for b in in_period.filter(
                not_invoiced(InvoiceLineKind.LATE_CANCELLATION), state=BookingState.CANCELLED, charge__gt=0
            )
        ]
        if no_show_charge > 0:
            # A no-show is an absence on a closed register; its charge is the partnership's when the invoice is made.
            no_shows = Exists(Attendance.objects.filter(booking=OuterRef("pk"), no_show=True))
            lines += [
                (b, InvoiceLineKind.NO_SHOW, no_show_charge)
                for b in in_period.filter(no_shows, not_invoiced(InvoiceLineKind.NO_SHOW), state=BookingState.CONFIRMED)
            ]
        by_school: dict[int, list[tuple[Booking, str, Decimal]]] = defaultdict(list)
        for line in sorted(lines, key=lambda line: (line[0].school_id, line[0].session.date, line[0].pk, line[1])):
            by_school[line[0].school_id].append(line)
        if not by_school:
            raise ValidationError(
                f"Nothing to invoice for {date_format(period_start, 'j F Y')} to {date_format(period_end, 'j F Y')}: "
                "every place and charge in the period is invoiced already, or there are none."
            )
        invoices = []
        for school_id, school_lines in by_school.items():
            invoice = Invoice.objects.create(
                partnership=partnership,
                school_id=school_id,
                label=label.strip(),
                period_start=period_start,
                period_end=period_end,
                created_by=by,
            )
            made = [_line(invoice, booking, kind, amount) for booking, kind, amount in school_lines]
            InvoiceLine.objects.bulk_create(made)
            invoice.total = sum((line.amount for line in made), Decimal(0))
            invoice.save(update_fields=["total"])
            invoices.append(invoice)
    return invoices


def _line(invoice: Invoice, booking: Booking, kind: str, amount: Decimal) -> InvoiceLine:
    when = date_format(booking.session.date, "j M Y")
    what = booking.get_price_band_display() if kind == InvoiceLineKind.PLACE else InvoiceLineKind(kind).label.lower()
    return InvoiceLine(
        partnership_id=invoice.partnership_id,
        invoice=invoice,
        booking=booking,
        kind=kind,
        description=f"{booking.event.title}, {when}: {booking.user} ({what})"[:300],
        amount=amount,
    )


def invoice_issue(*, invoice: Invoice, by: User) -> Invoice:
    """Give the invoice the partnership's next number and make it final."""
    with transaction.atomic():
        # The partnership's settings row serialises numbering: two coordinators issuing at once get 1 and 2.
        settings_row, _ = CpdSettings.objects.get_or_create(partnership_id=invoice.partnership_id)
        CpdSettings.objects.select_for_update().get(pk=settings_row.pk)
        invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if invoice.is_issued:
            raise ValidationError(f"Invoice {invoice.number} was issued on {date_format(invoice.issued_at, 'j F Y')}.")
        if not invoice.lines.exists():
            raise ValidationError("An invoice with no lines cannot be issued.")
        invoice.number = (Invoice.objects.aggregate(top=Max("number"))["top"] or 0) + 1
        invoice.issued_at = timezone.now()
        invoice.issued_by = by
        invoice.save(update_fields=["number", "issued_at", "issued_by"])
        document = FinanceDocument.objects.create(partnership_id=invoice.partnership_id, invoice=invoice)
        transaction.on_commit(lambda: _enqueue(document))
    return invoice


def credit_note_issue(
    *, invoice: Invoice, credits: dict[int, Decimal], reason: str, by: User, now: datetime.datetime | None = None
) -> CreditNote:
    """Credit some of an issued invoice's lines (`credits`: invoice line id to the amount credited, up to the
    line's amount; each line once). The note takes the partnership's next credit-note number and is final at once."""
    now = now or timezone.now()
    if not reason.strip():
        raise ValidationError({"reason": "Say why the invoice is corrected: the school sees it on the credit note."})
    credits = {line_id: amount for line_id, amount in credits.items() if amount}
    if not credits:
        raise ValidationError("Enter an amount to credit against at least one line.")
    with transaction.atomic():
        # The settings row serialises numbering, as for invoices.
        settings_row, _ = CpdSettings.objects.get_or_create(partnership_id=invoice.partnership_id)
        CpdSettings.objects.select_for_update().get(pk=settings_row.pk)
        invoice = Invoice.objects.get(pk=invoice.pk)
        if not invoice.is_issued:
            raise ValidationError(
                "A draft invoice can still be prepared again: only an issued one takes a credit note."
            )
        lines = {line.pk: line for line in invoice.lines.all()}
        credited = set(
            CreditNoteLine.objects.filter(invoice_line__invoice=invoice).values_list("invoice_line_id", flat=True)
        )
        errors = []
        for line_id, amount in credits.items():
            line = lines.get(line_id)
            if line is None:
                errors.append("A line to credit is not on this invoice.")
            elif line_id in credited:
                errors.append(f"{line.description} is already credited.")
            elif amount < 0:
                errors.append(f"The credit for {line.description} cannot be below zero.")
            elif amount > line.amount:
                errors.append(f"The credit for {line.description} cannot be more than its £{line.amount}.")
        if errors:
            raise ValidationError(errors)
        number = (CreditNote.objects.aggregate(top=Max("number"))["top"] or 0) + 1
        note = CreditNote.objects.create(
            partnership_id=invoice.partnership_id,
            invoice=invoice,
            school_id=invoice.school_id,
            number=number,
            reason=reason.strip()[:300],
            total=sum(credits.values(), Decimal(0)),
            issued_at=now,
            issued_by=by,
        )
        CreditNoteLine.objects.bulk_create(
            CreditNoteLine(
                partnership_id=invoice.partnership_id,
                credit_note=note,
                invoice_line_id=line_id,
                description=f"Credit against invoice {invoice.number}: {lines[line_id].description}"[:300],
                amount=amount,
            )
            for line_id, amount in sorted(credits.items())
        )
        document = FinanceDocument.objects.create(partnership_id=invoice.partnership_id, credit_note=note)
        transaction.on_commit(lambda: _enqueue(document))
    return note


def _enqueue(document: FinanceDocument) -> None:
    from ..tasks import render_finance_pdf

    try:
        render_finance_pdf.apply_async(
            kwargs={"partnership_id": document.partnership_id, "document_id": document.pk}, queue=PDF_QUEUE
        )
    except Exception:  # the row stays pending: the coordinator's "Prepare the PDF again" queues it anew
        logger.exception("Could not queue the PDF of finance document %s", document.pk)


def finance_pdf_request(*, document: FinanceDocument) -> FinanceDocument:
    """Queue again a PDF that failed or whose message was lost (still pending after a while)."""
    if document.status == FinanceDocument.Status.READY:
        return document
    with transaction.atomic():
        FinanceDocument.objects.filter(pk=document.pk).update(status=FinanceDocument.Status.PENDING, error="")
        transaction.on_commit(lambda: _enqueue(document))
    document.status = FinanceDocument.Status.PENDING
    return document


def finance_pdf_render(*, document_id: int) -> FinanceDocument | None:
    """The task's work: lay out the invoice's or credit note's PDF (PDF/UA-1), store it with its hash. A document
    already made is left alone, so a repeated message renders nothing twice."""
    from ..finance_pdf import finance_pdf

    document = (
        FinanceDocument.objects.select_related("invoice__school", "credit_note__school", "credit_note__invoice")
        .filter(pk=document_id)
        .first()
    )
    if document is None or document.status == FinanceDocument.Status.READY:
        return document
    try:
        pdf, name = finance_pdf(document)
    except Exception as error:  # a failed layout fails this document, with its reason, not the worker
        logger.exception("Finance document %s failed", document_id)
        document.status = FinanceDocument.Status.FAILED
        document.error = f"{type(error).__name__}: {error}"[:300]
        document.finished_at = timezone.now()
        document.save(update_fields=["status", "error", "finished_at"])
        return document
    document.file.save(name, ContentFile(pdf), save=False)
    document.sha256 = hashlib.sha256(pdf).hexdigest()
    document.status = FinanceDocument.Status.READY
    document.error = ""
    document.finished_at = timezone.now()
    document.save(update_fields=["file", "sha256", "status", "error", "finished_at"])
    return document
