"""End-of-term invoices: one per school for the places its people held and the late cancellations it was charged,
each booking invoiced once. An issued invoice never changes (the database refuses)."""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.formats import date_format

from partnership.accounts.models import User
from partnership.tenancy.models import Partnership

from ..models import Booking, BookingState, CpdSettings, Invoice, InvoiceLine, InvoiceLineKind


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
        invoiced = InvoiceLine.objects.values("booking_id")
        billable = (
            Booking.objects.filter(school__isnull=False, session__date__gte=period_start, session__date__lte=period_end)
            .exclude(pk__in=invoiced)
            .filter(Q(state=BookingState.CONFIRMED, price__gt=0) | Q(state=BookingState.CANCELLED, charge__gt=0))
            .select_related("event", "session", "user")
            .order_by("school_id", "session__date", "pk")
        )
        by_school: dict[int, list[Booking]] = defaultdict(list)
        for booking in billable:
            by_school[booking.school_id].append(booking)
        if not by_school:
            raise ValidationError(
                f"Nothing to invoice for {date_format(period_start, 'j F Y')} to {date_format(period_end, 'j F Y')}: "
                "every place and charge in the period is invoiced already, or there are none."
            )
        invoices = []
        for school_id, bookings in by_school.items():
            invoice = Invoice.objects.create(
                partnership=partnership,
                school_id=school_id,
                label=label.strip(),
                period_start=period_start,
                period_end=period_end,
                created_by=by,
            )
            lines = [_line(invoice, booking) for booking in bookings]
            InvoiceLine.objects.bulk_create(lines)
            invoice.total = sum((line.amount for line in lines), Decimal(0))
            invoice.save(update_fields=["total"])
            invoices.append(invoice)
    return invoices


def _line(invoice: Invoice, booking: Booking) -> InvoiceLine:
    when = date_format(booking.session.date, "j M Y")
    if booking.state == BookingState.CANCELLED:
        kind, amount, what = InvoiceLineKind.LATE_CANCELLATION, booking.charge, "late cancellation"
    else:
        kind, amount, what = InvoiceLineKind.PLACE, booking.price, booking.get_price_band_display()
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
    return invoice
