"""No-show charges on invoices, credit notes (their own numbers, final once made), the PDFs of issued invoices and
credit notes (rendered once by the `pdf` task, stored with their hash), who may download them, and a school's
bookings and spend page."""

import datetime
import hashlib
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from pypdf import PdfReader

from cpd.models import (
    CpdSettings,
    CreditNote,
    CreditNoteLine,
    FinanceDocument,
    InvoiceLine,
    InvoiceLineKind,
)
from cpd.services.attendance import register_close, register_mark, register_open
from cpd.services.bookings import booking_cancel, booking_request
from cpd.services.invoices import credit_note_issue, invoice_issue, invoices_prepare
from partnership.tenancy.roles import Role
from tests.factories import MembershipFactory, SchoolFactory

from .factories import NOW, coordinator, event_with_session, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def term(partnership_a, scope_of, media_root):
    """Three heads of three schools on one course that has run: one present, one absent (a no-show), one cancelled
    late. The partnership charges £25 for a late cancellation and £15 for a no-show."""
    heads = [person(partnership_a, SchoolFactory(partnership=partnership_a), Role.HEADTEACHER) for _ in range(3)]
    _, session = event_with_session(
        partnership_a, capacity=5, day=NOW.date(), deadline=NOW - datetime.timedelta(days=5)
    )
    boss = coordinator(partnership_a)
    with scope_of(partnership_a):
        CpdSettings.objects.create(
            partnership=partnership_a, late_cancellation_charge=Decimal("25"), no_show_charge=Decimal("15")
        )
        booked = NOW - datetime.timedelta(days=20)
        bookings = [
            booking_request(session=session, user=h, booked_by=h, partnership=partnership_a, now=booked) for h in heads
        ]
        booking_cancel(booking=bookings[2], by=heads[2], now=NOW - datetime.timedelta(days=1))
    return session, bookings, heads, boss


def close_register(session, bookings, boss):
    register = register_open(session=session, by=boss, now=NOW)
    register_mark(register=register, marks={bookings[0].pk: "present", bookings[1].pk: "absent"}, by=boss, now=NOW)
    register_close(register=register, by=boss, now=NOW)


def prepare(partnership, session, boss):
    return invoices_prepare(
        partnership=partnership, label="Spring", period_start=session.date, period_end=session.date, by=boss
    )


def test_a_no_show_is_charged_on_top_of_the_place_and_only_once(term, partnership_a, scope_of):
    session, bookings, _, boss = term
    with scope_of(partnership_a):
        # Invoiced before the register closed: places and the late cancellation only.
        first = prepare(partnership_a, session, boss)
        assert sorted(i.total for i in first) == [Decimal("25"), Decimal("80"), Decimal("80")]
        close_register(session, bookings, boss)
        # The next run adds the no-show, and nothing already invoiced.
        (second,) = prepare(partnership_a, session, boss)
        assert second.school_id == bookings[1].school_id and second.total == Decimal("15")
        (line,) = second.lines.all()
        assert line.kind == InvoiceLineKind.NO_SHOW and line.booking_id == bookings[1].pk
        assert "no-show" in line.description
        with pytest.raises(ValidationError, match="Nothing to invoice"):
            prepare(partnership_a, session, boss)


def test_a_no_show_costs_nothing_extra_when_the_partnership_charges_nothing(term, partnership_a, scope_of):
    session, bookings, _, boss = term
    with scope_of(partnership_a):
        CpdSettings.objects.update(no_show_charge=0)
        close_register(session, bookings, boss)
        invoices = prepare(partnership_a, session, boss)
        assert not InvoiceLine.objects.filter(invoice__in=invoices, kind=InvoiceLineKind.NO_SHOW).exists()


def test_issuing_renders_the_pdf_once_on_the_pdf_queue(
    term, partnership_a, scope_of, monkeypatch, django_capture_on_commit_callbacks
):
    session, bookings, _, boss = term
    queued = []
    from cpd.tasks import render_finance_pdf

    original = render_finance_pdf.apply_async
    monkeypatch.setattr(
        render_finance_pdf, "apply_async", lambda *a, **kw: queued.append(kw.get("queue")) or original(*a, **kw)
    )
    with scope_of(partnership_a):
        close_register(session, bookings, boss)
        invoice = prepare(partnership_a, session, boss)[0]
        with django_capture_on_commit_callbacks(execute=True):
            invoice_issue(invoice=invoice, by=boss)
        document = FinanceDocument.objects.get(invoice=invoice)
        assert queued == ["pdf"]
        assert document.status == FinanceDocument.Status.READY and len(document.sha256) == 64
        pdf = document.file.read()
        catalog = PdfReader(io.BytesIO(pdf)).trailer["/Root"]
        assert "/StructTreeRoot" in catalog and bool(catalog["/MarkInfo"]["/Marked"])
        assert 'pdfuaid:part="1"' in catalog["/Metadata"].get_object().get_data().decode()
        assert document.sha256 == hashlib.sha256(pdf).hexdigest()
        # A repeated message renders nothing again.
        from cpd.services.invoices import finance_pdf_render

        finished = document.finished_at
        assert finance_pdf_render(document_id=document.pk).finished_at == finished


def test_a_credit_note_corrects_an_issued_invoice_and_never_changes(
    term, partnership_a, scope_of, django_capture_on_commit_callbacks
):
    session, bookings, _, boss = term
    with scope_of(partnership_a):
        invoices = prepare(partnership_a, session, boss)
        place = next(i for i in invoices if i.school_id == bookings[0].school_id)
        line = place.lines.get()
        with pytest.raises(ValidationError, match="only an issued one"):
            credit_note_issue(invoice=place, credits={line.pk: Decimal("40")}, reason="SLA school", by=boss)
        place = invoice_issue(invoice=place, by=boss)
        for credits, message in (
            ({line.pk: Decimal("81")}, "cannot be more than"),
            ({line.pk: Decimal(0)}, "at least one line"),
            ({line.pk + 999: Decimal("1")}, "not on this invoice"),
        ):
            with pytest.raises(ValidationError, match=message):
                credit_note_issue(invoice=place, credits=credits, reason="SLA school", by=boss)
        with pytest.raises(ValidationError, match="Say why"):
            credit_note_issue(invoice=place, credits={line.pk: Decimal("40")}, reason=" ", by=boss)
        assert not CreditNote.objects.exists()
        with django_capture_on_commit_callbacks(execute=True):
            note = credit_note_issue(
                invoice=place, credits={line.pk: Decimal("40")}, reason="The school had bought the SLA", by=boss
            )
        assert note.reference == "CN-1" and note.total == Decimal("40")
        (credit,) = note.lines.all()
        assert credit.invoice_line_id == line.pk and f"invoice {place.number}" in credit.description
        with pytest.raises(ValidationError, match="already credited"):
            credit_note_issue(invoice=place, credits={line.pk: Decimal("10")}, reason="Again", by=boss)
        other = invoice_issue(invoice=next(i for i in invoices if i.pk != place.pk), by=boss)
        second = credit_note_issue(
            invoice=other, credits={other.lines.get().pk: Decimal("5")}, reason="Goodwill", by=boss
        )
        assert second.number == 2  # its own series, after CN-1 whatever the invoices' numbers
        for change in (
            lambda: CreditNote.objects.filter(pk=note.pk).update(total=1),
            lambda: CreditNote.objects.filter(pk=note.pk)._raw_delete("default"),
            lambda: CreditNoteLine.objects.filter(credit_note=note).update(amount=1),
            lambda: CreditNoteLine.objects.filter(credit_note=note)._raw_delete("default"),
        ):
            with pytest.raises(DatabaseError, match="never changes"), transaction.atomic():
                change()
        third = next(i for i in invoices if i.pk not in (place.pk, other.pk))
        uncredited = invoice_issue(invoice=third, by=boss).lines.get()
        # A line slipped in later breaks the sum the database checks at commit (checked at once here: the test's
        # own transaction never commits).
        with pytest.raises(DatabaseError, match="add up"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS cpd_credit_note_lines_add_up IMMEDIATE")
            CreditNoteLine.objects.create(
                partnership=partnership_a, credit_note=note, invoice_line=uncredited, description="More", amount=1
            )
        assert CreditNote.objects.get(pk=note.pk).lines.count() == 1
        assert FinanceDocument.objects.get(credit_note=note).status == FinanceDocument.Status.READY


def test_who_downloads_invoices_and_credit_notes(
    term, partnership_a, partnership_b, client_at, scope_of, django_capture_on_commit_callbacks
):
    session, bookings, heads, boss = term
    with scope_of(partnership_a):
        invoices = prepare(partnership_a, session, boss)
        mine = next(i for i in invoices if i.school_id == bookings[0].school_id)
        draft = next(i for i in invoices if i.school_id == bookings[1].school_id)
        with django_capture_on_commit_callbacks(execute=True):
            mine = invoice_issue(invoice=mine, by=boss)
            note = credit_note_issue(invoice=mine, credits={mine.lines.get().pk: Decimal("40")}, reason="SLA", by=boss)
        school = mine.school
    leader, other_head = heads[0], heads[1]
    teacher = person(partnership_a, school, Role.STAFF)
    outsider = MembershipFactory(partnership=partnership_b, role=Role.COORDINATOR).user
    urls = {
        "pdf": f"/cpd/invoices/{mine.pk}/invoice.pdf",
        "csv": f"/cpd/invoices/{mine.pk}/invoice.csv",
        "note": f"/cpd/credit-notes/{note.pk}/",
        "note_csv": f"/cpd/credit-notes/{note.pk}/credit-note.csv",
        "note_pdf": f"/cpd/credit-notes/{note.pk}/credit-note.pdf",
    }
    for name, url in urls.items():
        for user in (boss, leader):
            assert client_at(partnership_a, user).get(url).status_code == 200, (name, user)
        for user in (other_head, teacher):
            assert client_at(partnership_a, user).get(url).status_code == 404, (name, user)
        assert client_at(partnership_b, outsider).get(url).status_code == 404, name
    pdf = client_at(partnership_a, leader).get(urls["pdf"])
    assert pdf["Content-Type"] == "application/pdf" and b"".join(pdf.streaming_content).startswith(b"%PDF")
    note_csv = client_at(partnership_a, leader).get(urls["note_csv"]).content.decode().splitlines()
    assert note_csv[1].startswith("CN-1,") and note_csv[1].endswith(",-40.00")
    # A draft may still change: the school's leader sees it only once issued; it has no PDF.
    assert client_at(partnership_a, other_head).get(f"/cpd/invoices/{draft.pk}/invoice.csv").status_code == 404
    assert client_at(partnership_a, boss).get(f"/cpd/invoices/{draft.pk}/invoice.pdf").status_code == 404
    for user in (leader, other_head, teacher):
        assert client_at(partnership_a, user).get(f"/cpd/invoices/{mine.pk}/credit-notes/new/").status_code == 404


def test_the_coordinator_issues_a_credit_note_once_however_often_the_form_is_sent(
    term, partnership_a, client_at, scope_of
):
    session, bookings, _, boss = term
    with scope_of(partnership_a):
        invoice = next(i for i in prepare(partnership_a, session, boss) if i.school_id == bookings[0].school_id)
        invoice = invoice_issue(invoice=invoice, by=boss)
        line = invoice.lines.get()
    client = client_at(partnership_a, boss)
    url = f"/cpd/invoices/{invoice.pk}/credit-notes/new/"
    page = client.get(url)
    assert page.status_code == 200 and "Correct the invoice" in page.content.decode()
    token = page.context["form"].fields["submission"].initial
    refused = client.post(url, {"submission": token, "reason": "SLA", f"line_{line.pk}": "95"})
    assert refused.status_code == 400 and "cannot be more than the line" in refused.content.decode()
    refused = client.post(url, {"submission": token, "reason": "", f"line_{line.pk}": "10"})
    assert refused.status_code == 400 and "Say why the invoice is corrected" in refused.content.decode()
    with scope_of(partnership_a):
        assert not CreditNote.objects.exists()
    data = {"submission": token, "reason": "The school had the SLA", f"line_{line.pk}": "40"}
    first = client.post(url, data)
    again = client.post(url, data)
    with scope_of(partnership_a):
        note = CreditNote.objects.get()
    assert first.url == again.url == f"/cpd/credit-notes/{note.pk}/"
    assert "CN-1" in client.get(f"/cpd/invoices/{invoice.pk}/").content.decode()


def test_a_schools_spend_by_term(
    term, partnership_a, partnership_b, client_at, scope_of, django_assert_max_num_queries
):
    session, bookings, heads, boss = term
    with scope_of(partnership_a):
        close_register(session, bookings, boss)
        school = bookings[1].school
        colleague = person(partnership_a, school, Role.STAFF)
        _, later = event_with_session(partnership_a, capacity=5, day=NOW.date() + datetime.timedelta(days=100))
        booking_request(session=later, user=colleague, booked_by=colleague, partnership=partnership_a, now=NOW)
    head = heads[1]  # the headteacher approves where the school names no CPD leader
    url = f"/cpd/spend/?school={school.pk}&year=2026"
    client = client_at(partnership_a, head)
    with django_assert_max_num_queries(14):
        page = client.get(url)
    spend = page.context["spend"]
    spring = next(t for t in spend.terms if t.starts_on <= NOW.date() <= t.ends_on)
    assert (spring.places, spring.places_cost, spring.no_shows, spring.no_show_cost) == (1, Decimal(80), 1, Decimal(15))
    assert spend.year.total == Decimal(95) and spend.year.requested == 1
    assert "bookings and spend" in client_at(partnership_a, head).get("/cpd/approvals/").content.decode()
    # Another school's head, staff, the board, another partnership: not found. The coordinator sees any school.
    for user in (heads[0], colleague, MembershipFactory(partnership=partnership_a, role=Role.BOARD_MEMBER).user):
        assert client_at(partnership_a, user).get(url).status_code == 404
    outsider = MembershipFactory(partnership=partnership_b, role=Role.COORDINATOR).user
    assert client_at(partnership_b, outsider).get(url).status_code == 404
    assert client_at(partnership_a, boss).get(url).status_code == 200
    assert client_at(partnership_a, head).get("/cpd/spend/?school=abc").status_code == 404


def test_a_pdf_that_failed_is_prepared_again_by_a_coordinator(
    term, partnership_a, client_at, scope_of, monkeypatch, django_capture_on_commit_callbacks
):
    session, bookings, heads, boss = term
    monkeypatch.setattr("cpd.finance_pdf.finance_pdf", lambda document: 1 / 0)
    with scope_of(partnership_a):
        invoice = next(i for i in prepare(partnership_a, session, boss) if i.school_id == bookings[0].school_id)
        with django_capture_on_commit_callbacks(execute=True):
            invoice = invoice_issue(invoice=invoice, by=boss)
        document = FinanceDocument.objects.get(invoice=invoice)
        assert document.status == FinanceDocument.Status.FAILED and "ZeroDivisionError" in document.error
    monkeypatch.undo()
    coordinator_page = client_at(partnership_a, boss).get(f"/cpd/invoices/{invoice.pk}/")
    assert "Prepare the PDF again" in coordinator_page.content.decode()
    # The school's leader is told it is being prepared; only a coordinator may queue it again.
    leader = client_at(partnership_a, heads[0])
    assert leader.get(f"/cpd/invoices/{invoice.pk}/invoice.pdf").status_code == 302
    assert leader.post(f"/cpd/invoices/{invoice.pk}/pdf/").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        assert client_at(partnership_a, boss).post(f"/cpd/invoices/{invoice.pk}/pdf/").status_code == 302
    with scope_of(partnership_a):
        document.refresh_from_db()
    assert document.status == FinanceDocument.Status.READY and document.error == ""
    assert leader.get(f"/cpd/invoices/{invoice.pk}/invoice.pdf").status_code == 200
