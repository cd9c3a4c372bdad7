"""End-of-term invoices: one per school, each booking once, final once issued (the database refuses changes)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import ProgrammingError, transaction

from cpd.models import CpdSettings, Invoice, InvoiceLine
from cpd.services.bookings import booking_cancel, booking_request
from cpd.services.invoices import invoice_issue, invoices_prepare
from partnership.tenancy.roles import Role

from .factories import NOW, coordinator, event_with_session, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def billed(partnership_a, scope_of):
    """Two heads of two schools with a place each; one cancels late, with the charge."""
    heads = [person(partnership_a, role=Role.HEADTEACHER) for _ in range(3)]
    event, session = event_with_session(partnership_a, capacity=5)
    with scope_of(partnership_a):
        CpdSettings.objects.create(partnership=partnership_a, late_cancellation_charge=Decimal("25"))
        bookings = [
            booking_request(session=session, user=h, booked_by=h, partnership=partnership_a, now=NOW) for h in heads
        ]
        booking_cancel(booking=bookings[2], by=heads[2], now=event.booking_deadline + datetime.timedelta(hours=1))
    return session, coordinator(partnership_a)


def test_one_invoice_per_school_each_booking_once_and_issued_invoices_never_change(billed, partnership_a, scope_of):
    session, organiser = billed
    period = {"period_start": session.date, "period_end": session.date}
    with scope_of(partnership_a):
        invoices = invoices_prepare(partnership=partnership_a, label="Spring term", by=organiser, **period)
        assert sorted(i.total for i in invoices) == [Decimal("25"), Decimal("80"), Decimal("80")]
        with pytest.raises(ValidationError, match="Nothing to invoice"):
            invoices_prepare(partnership=partnership_a, label="Spring term", by=organiser, **period)
        issued = invoice_issue(invoice=invoices[0], by=organiser)
        assert issued.number == 1
        assert invoice_issue(invoice=invoices[1], by=organiser).number == 2
        with pytest.raises(ValidationError, match="was issued"):
            invoice_issue(invoice=invoices[0], by=organiser)
        for change in (
            lambda: Invoice.objects.filter(pk=issued.pk).update(total=0),
            lambda: Invoice.objects.filter(pk=issued.pk).delete(),
            lambda: InvoiceLine.objects.filter(invoice=issued).update(amount=0),
        ):
            with pytest.raises(ProgrammingError, match="never changes"), transaction.atomic():
                change()
        assert Invoice.objects.get(pk=issued.pk).total == issued.total


def test_the_coordinator_prepares_issues_and_downloads(billed, partnership_a, client_at, scope_of):
    session, organiser = billed
    client = client_at(partnership_a, organiser)
    day = session.date.isoformat()
    refused = client.post("/cpd/invoices/", {"label": "Spring", "period_start": day, "period_end": "2020-01-01"})
    assert refused.status_code == 400 and "cannot end before it starts" in refused.content.decode()
    assert client.post("/cpd/invoices/", {"label": "Spring", "period_start": day, "period_end": day}).status_code == 302
    with scope_of(partnership_a):
        invoice = Invoice.objects.order_by("pk").first()
    assert client.get(f"/cpd/invoices/{invoice.pk}/").status_code == 200
    assert client.post(f"/cpd/invoices/{invoice.pk}/issue/").status_code == 302
    csv = client.get(f"/cpd/invoices/{invoice.pk}/invoice.csv")
    assert csv["Content-Type"].startswith("text/csv")
    assert csv.content.decode().splitlines()[1].startswith("1,")
    head = person(partnership_a, role=Role.HEADTEACHER)
    for url in ("/cpd/invoices/", f"/cpd/invoices/{invoice.pk}/", f"/cpd/invoices/{invoice.pk}/invoice.csv"):
        assert client_at(partnership_a, head).get(url).status_code == 404
