"""CPD's pages: thin. Parse, check permission, call a selector or a service, render."""

import csv
from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from partnership.accounts.models import User
from partnership.common import once
from partnership.common.disclosure import ALL, THRESHOLD
from partnership.common.forms import service_errors
from partnership.common.spreadsheets import spreadsheet_safe
from partnership.tenancy.middleware import open_to_non_members
from partnership.tenancy.permissions import schools_led_by
from schools.models import Area, School

from . import needs, selectors
from .forms import (
    BookForm,
    CertificateCorrectionForm,
    ColleagueBookForm,
    CpdLeaderForm,
    CpdSettingsForm,
    EvaluationAnswerForm,
    EvaluationSettingsForm,
    EventFocusAreasForm,
    EventForm,
    InvoicePrepareForm,
    NeedsFilterForm,
    ProgrammeFilterForm,
    QuestionForm,
    ReasonForm,
    RegisterForm,
    SessionForm,
    SubstituteForm,
    WalkInForm,
    WorkshopForm,
)
from .models import (
    LIVE_STATES,
    Booking,
    BookingState,
    Certificate,
    EvaluationForm,
    EvaluationPoint,
    EvaluationQuestion,
    Event,
    EventKind,
    Session,
)
from .permissions import (
    approver_school_ids,
    can_appoint_cpd_leader,
    can_approve,
    can_cancel,
    can_manage_evaluations,
    can_manage_programme,
    can_see_needs,
    can_see_school_records,
    can_tag_events,
    can_take_register,
    can_view_booking,
    can_view_certificate,
    can_view_evaluation_results,
    can_view_invoice,
    can_view_programme_evaluations,
    can_view_record,
    is_cpd_leader,
    suggestion_school_ids,
)
from .qr import qr_svg
from .services.attendance import register_close, register_mark, register_open, register_walk_in
from .services.bookings import (
    BookingClashError,
    booking_approve,
    booking_cancel,
    booking_decline,
    booking_request,
    booking_substitute,
    cpd_settings,
    offer_accept,
    offer_decline,
)
from .services.certificates import (
    certificate_reissue,
    certificate_revoke,
    certificates_enqueue_render,
    certificates_release,
)
from .services.evaluations import (
    AlreadyEvaluatedError,
    evaluation_form_for,
    evaluation_forms_ensure,
    evaluation_settings,
    evaluation_settings_save,
    evaluation_submit,
    evaluation_window,
    has_completed,
    live_questions,
    question_add,
    question_retire,
)
from .services.focus import event_focus_areas_set, focus_area_names
from .services.invoices import invoice_issue, invoices_prepare
from .services.programme import (
    cpd_leader_appoint,
    cpd_leader_remove,
    cpd_settings_save,
    event_cancel,
    event_create,
    event_update,
    session_add,
    workshop_add,
)
from .services.records import record_document, record_enqueue

EVENTS_PER_PAGE = 25


def _manager_only(request) -> None:
    if not can_manage_programme(request.user, request.partnership):
        raise Http404


@login_required
def event_list(request):
    form = ProgrammeFilterForm(request.GET or None)
    filters = selectors.ProgrammeFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.ProgrammeFilters(
            date_from=data["date_from"],
            date_to=data["date_to"],
            phase=data["phase"],
            network_id=data["network"].pk if data["network"] else None,
            kind=data["kind"],
            audience=data["audience"],
            free_places=data["free_places"],
            search=data["q"].strip(),
        )
    events = selectors.programme(request.user, request.partnership, filters, today=timezone.localdate())
    page = Paginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "cpd/event_list.html",
        {
            "form": form,
            "page": page,
            "can_manage": can_manage_programme(request.user, request.partnership),
            "is_cpd_leader": is_cpd_leader(request.user, request.partnership),
            "sees_needs": can_see_needs(request.user, request.partnership),
            "sees_suggestions": bool(suggestion_school_ids(request.user, request.partnership))
            or is_cpd_leader(request.user, request.partnership),
        },
    )


def _event_page(request, event: Event, *, session: Session | None = None, book_form=None, status: int = 200):
    sessions = selectors.event_sessions(event, request.user)
    forms = {s.session.pk: BookForm(session=s.session, prefix=f"s{s.session.pk}") for s in sessions}
    if session is not None and book_form is not None:
        forms[session.pk] = book_form
    for places in sessions:
        places.form = forms[places.session.pk]
    return render(
        request,
        "cpd/event_detail.html",
        {
            "event": event,
            "sessions": sessions,
            "can_manage": can_manage_programme(request.user, request.partnership),
            "facilitates": any(s.session.facilitator_user_id == request.user.pk for s in sessions),
            "bookable": event.status == "published" and timezone.now() <= event.booking_deadline,
        },
        status=status,
    )


@login_required
def event_detail(request, pk: int):
    event = selectors.event_for_page(pk, request.user, request.partnership)
    if event is None:
        raise Http404
    return _event_page(request, event)


@login_required
@require_POST
def session_book(request, pk: int):
    session = Session.objects.select_related("event").filter(pk=pk).first()
    event = session and selectors.event_for_page(session.event_id, request.user, request.partnership)
    if event is None:
        raise Http404
    form = BookForm(request.POST, session=session, prefix=f"s{session.pk}")
    if form.is_valid():
        with service_errors(form) as refusal:
            booking = booking_request(
                session=session,
                user=request.user,
                booked_by=request.user,
                partnership=request.partnership,
                workshop=form.cleaned_data.get("workshop"),
                accept_clash=form.cleaned_data["accept_clash"],
            )
        if not refusal:
            messages.success(request, _booked_message(booking))
            return redirect("cpd_booking_detail", booking.pk)
        form.clash = isinstance(refusal.error, BookingClashError)
    return _event_page(request, event, session=session, book_form=form, status=400)


def _booked_message(booking: Booking) -> str:
    return {
        BookingState.CONFIRMED: "Your place is booked.",
        BookingState.REQUESTED: "Your request has gone to your school's CPD leader for approval.",
        BookingState.WAITING: (
            "The session is full: you are on the waiting list and will be offered a place if one frees up."
        ),
    }.get(booking.state, "Booking saved.")


@login_required
def my_bookings(request):
    bookings = list(selectors.bookings_of(request.user)[:200])
    live = [b for b in bookings if b.state in LIVE_STATES]
    past = [b for b in bookings if b.state not in LIVE_STATES]
    facilitating = selectors.facilitated_sessions(request.user, today=timezone.localdate())
    return render(request, "cpd/my_bookings.html", {"live": live, "past": past, "facilitating": facilitating})


def _booking_or_404(request, pk: int) -> Booking:
    booking = selectors.booking_for_page(pk)
    if booking is None or not can_view_booking(request.user, booking):
        raise Http404
    return booking


@login_required
def booking_detail(request, pk: int):
    booking = _booking_or_404(request, pk)
    return render(
        request,
        "cpd/booking_detail.html",
        {
            "booking": booking,
            "history": selectors.booking_history(booking),
            "can_cancel": booking.state in LIVE_STATES and can_cancel(request.user, booking),
            "can_approve": booking.state == BookingState.REQUESTED and can_approve(request.user, booking),
            "is_mine": booking.user_id == request.user.pk,
            "substitute_form": _substitute_form(request, booking),
        },
    )


def _substitute_form(request, booking: Booking, data=None) -> SubstituteForm | None:
    if booking.state not in (BookingState.CONFIRMED, BookingState.REQUESTED) or not can_approve(request.user, booking):
        return None
    colleagues = [
        m for m in selectors.colleagues_of(request.user, request.partnership) if m.school_id == booking.school_id
    ]
    return SubstituteForm(data, colleagues=colleagues, exclude_user_id=booking.user_id)


@login_required
@require_POST
def booking_substitute_view(request, pk: int):
    booking = _booking_or_404(request, pk)
    form = _substitute_form(request, booking, request.POST)
    if form is None:
        messages.error(request, "Only the CPD leader can pass a confirmed or requested place to a substitute.")
        return redirect("cpd_booking_detail", pk)
    if form.is_valid():
        substitute = User.objects.get(pk=form.cleaned_data["substitute"])
        with service_errors(request=request) as refusal:
            replacement = booking_substitute(
                booking=booking, substitute=substitute, by=request.user, partnership=request.partnership
            )
        if not refusal:
            messages.success(request, f"{substitute} takes the place.")
            return redirect("cpd_booking_detail", replacement.pk)
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("cpd_booking_detail", pk)


def _act(request, pk: int, action, *, success: str, with_reason: bool = True):
    booking = _booking_or_404(request, pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        kwargs = {"reason": form.cleaned_data["reason"]} if with_reason else {}
        with service_errors(request=request) as refusal:
            action(booking=booking, by=request.user, **kwargs)
        if not refusal:
            messages.success(request, success)
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    if request.POST.get("next") == "approvals":
        return redirect("cpd_approvals")
    return redirect("cpd_booking_detail", booking.pk)


@login_required
@require_POST
def booking_cancel_view(request, pk: int):
    return _act(request, pk, booking_cancel, success="The booking is cancelled.")


@login_required
@require_POST
def booking_approve_view(request, pk: int):
    return _act(request, pk, booking_approve, success="The booking is approved.")


@login_required
@require_POST
def booking_decline_view(request, pk: int):
    return _act(request, pk, booking_decline, success="The request is declined.")


@login_required
@require_POST
def offer_accept_view(request, pk: int):
    return _act(request, pk, offer_accept, success="You accepted the place.", with_reason=False)


@login_required
@require_POST
def offer_decline_view(request, pk: int):
    return _act(request, pk, offer_decline, success="You declined the place.", with_reason=False)


@login_required
def approvals(request):
    if not is_cpd_leader(request.user, request.partnership):
        raise Http404
    form = ColleagueBookForm(
        request.POST or None,
        colleagues=selectors.colleagues_of(request.user, request.partnership),
        sessions=selectors.bookable_sessions(timezone.localdate()),
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            colleague = User.objects.filter(pk=form.cleaned_data["person"]).first()
            with service_errors(form) as refusal:
                booking_request(
                    session=form.cleaned_data["session"],
                    user=colleague,
                    booked_by=request.user,
                    partnership=request.partnership,
                    accept_clash=form.cleaned_data["accept_clash"],
                )
            if not refusal:
                messages.success(request, f"{colleague} is booked.")
                return redirect("cpd_approvals")
        status = 400
    return render(
        request,
        "cpd/approvals.html",
        {
            "requests": selectors.approvals_for(request.user, request.partnership),
            "bookings": selectors.school_bookings(request.user, request.partnership)[:200],
            "form": form,
            "led_schools": School.objects.filter(pk__in=schools_led_by(request.user, request.partnership)),
            "spend_schools": School.objects.filter(pk__in=approver_school_ids(request.user, request.partnership)),
        },
        status=status,
    )


@login_required
def event_create_view(request):
    _manager_only(request)
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as refusal:
            event = event_create(partnership=request.partnership, by=request.user, **form.cleaned_data)
        if not refusal:
            messages.success(request, "Event saved. Add its sessions.")
            return redirect("cpd_event_detail", event.pk)
    return render(request, "cpd/event_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def event_edit(request, pk: int):
    _manager_only(request)
    event = Event.objects.filter(pk=pk).first()
    if event is None:
        raise Http404
    form = EventForm(request.POST or None, instance=event)
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as refusal:
            event_update(event=event, by=request.user, **form.cleaned_data)
        if not refusal:
            messages.success(request, "Event saved.")
            return redirect("cpd_event_detail", event.pk)
    return render(request, "cpd/event_form.html", {"form": form, "event": event}, status=400 if form.errors else 200)


@login_required
def session_add_view(request, pk: int):
    _manager_only(request)
    event = Event.objects.filter(pk=pk).first()
    if event is None:
        raise Http404
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as refusal:
            session_add(event=event, **form.cleaned_data)
        if not refusal:
            messages.success(request, "Session added.")
            return redirect("cpd_event_detail", event.pk)
    return render(request, "cpd/session_form.html", {"form": form, "event": event}, status=400 if form.errors else 200)


@login_required
def workshop_add_view(request, pk: int):
    _manager_only(request)
    session = Session.objects.select_related("event").filter(pk=pk, event__kind=EventKind.CONFERENCE).first()
    if session is None:
        raise Http404
    form = WorkshopForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as refusal:
            workshop_add(session=session, **form.cleaned_data)
        if not refusal:
            messages.success(request, "Workshop added.")
            return redirect("cpd_event_detail", session.event_id)
    return render(
        request, "cpd/workshop_form.html", {"form": form, "session": session}, status=400 if form.errors else 200
    )


def _search_text(request) -> str:
    # What was typed into a search box; a NUL byte (which PostgreSQL refuses in text) simply matches nothing.
    return request.GET.get("q", "").replace("\x00", "").strip()[:100]


def _session_for_register(request, pk: int) -> Session:
    """A coordinator, or the portal user named as the session's facilitator; anyone else gets the missing page."""
    session = Session.objects.select_related("event").filter(pk=pk).first()
    if session is None or not can_take_register(request.user, session):
        raise Http404
    return session


@login_required
def session_register(request, pk: int):
    """The register: everyone with a confirmed place, marked present, late, left early or absent (a POST saves the
    marks), then closed. Requests, offers and the waiting list are listed below for reference."""
    session = _session_for_register(request, pk)
    groups = selectors.register(session)
    register = selectors.register_of(session)
    marks = selectors.register_marks(register)
    form = None
    search = _search_text(request)
    walk_ins = []
    if register is not None and not register.is_closed:
        workshops = list(session.workshops.all())
        walk_ins = [
            (membership, WalkInForm(initial={"person": membership.user_id}, workshops=workshops))
            for membership in selectors.walk_in_candidates(session, search)
        ]
        form = RegisterForm(
            request.POST if request.method == "POST" else None,
            bookings=groups[BookingState.CONFIRMED],
            marks={booking_id: a.mark for booking_id, a in marks.items()},
        )
        if request.method == "POST" and form.is_valid():
            with service_errors(form) as refusal:
                saved = register_mark(register=register, marks=form.marks(), by=request.user)
            if not refusal:
                messages.success(request, f"{saved} mark{pluralize(saved)} saved.")
                return redirect("cpd_session_register", pk)
    elif request.method == "POST":
        messages.error(request, "Open the register first." if register is None else "This register is closed.")
        return redirect("cpd_session_register", pk)
    return render(
        request,
        "cpd/register.html",
        {
            "session": session,
            "register": register,
            "form": form,
            "confirmed": [(b, marks.get(b.pk)) for b in groups[BookingState.CONFIRMED]],
            "requested": groups[BookingState.REQUESTED],
            "offered": groups[BookingState.OFFERED],
            "waiting": groups[BookingState.WAITING],
            "search": search,
            "walk_ins": walk_ins,
            "can_manage": can_manage_programme(request.user, request.partnership),
        },
        status=400 if form is not None and form.errors else 200,
    )


@login_required
@require_POST
def register_open_view(request, pk: int):
    session = _session_for_register(request, pk)
    with service_errors(request=request) as refusal:
        register_open(session=session, by=request.user)
    if not refusal:
        messages.success(request, "Register opened.")
    return redirect("cpd_session_register", pk)


@login_required
@require_POST
def register_close_view(request, pk: int):
    session = _session_for_register(request, pk)
    register = selectors.register_of(session)
    if register is None:
        messages.error(request, "Open the register first.")
        return redirect("cpd_session_register", pk)
    with service_errors(request=request) as refusal:
        register_close(register=register, by=request.user)
    if not refusal:
        messages.success(request, "Register closed. Absences are recorded as no-shows.")
    return redirect("cpd_session_register", pk)


@login_required
def invoice_list(request):
    _manager_only(request)
    form = InvoicePrepareForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as refusal:
            made = invoices_prepare(partnership=request.partnership, by=request.user, **form.cleaned_data)
        if not refusal:
            messages.success(request, f"{len(made)} draft invoice{pluralize(len(made))} prepared.")
            return redirect("cpd_invoice_list")
    page = Paginator(selectors.invoices_list(), 50).get_page(request.GET.get("page"))
    return render(request, "cpd/invoice_list.html", {"form": form, "page": page}, status=400 if form.errors else 200)


def _invoice_or_404(request, pk: int):
    _manager_only(request)
    invoice = selectors.invoice_for_page(pk)
    if invoice is None:
        raise Http404
    return invoice


@login_required
def invoice_detail(request, pk: int):
    invoice = _invoice_or_404(request, pk)
    return render(
        request,
        "cpd/invoice_detail.html",
        {
            "invoice": invoice,
            "lines": selectors.invoice_lines(invoice),
            "document": selectors.finance_document_of(invoice=invoice) if invoice.is_issued else None,
            "credit_notes": selectors.invoice_credit_notes(invoice) if invoice.is_issued else [],
        },
    )


@login_required
@require_POST
def invoice_issue_view(request, pk: int):
    invoice = _invoice_or_404(request, pk)
    with service_errors(request=request) as refusal:
        invoice = invoice_issue(invoice=invoice, by=request.user)
    if not refusal:
        messages.success(request, f"Invoice {invoice.number} issued.")
    return redirect("cpd_invoice_detail", pk)


@login_required
def invoice_csv(request, pk: int):
    """One row per line, for a finance system. A school's CPD leader may download their school's issued invoices."""
    invoice = selectors.invoice_for_page(pk)
    if invoice is None or not can_view_invoice(request.user, invoice):
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"invoice-{invoice.number or 'draft-' + str(invoice.pk)}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    writer.writerow(["invoice", "issued", "school URN", "school", "period", "session date", "item", "kind", "amount"])
    for line in selectors.invoice_lines(invoice):
        writer.writerow(
            [
                invoice.number or "",
                invoice.issued_at.date().isoformat() if invoice.issued_at else "",
                invoice.school.urn,
                spreadsheet_safe(invoice.school.name),
                spreadsheet_safe(invoice.label),
                line.booking.session.date.isoformat(),
                spreadsheet_safe(line.description),
                line.get_kind_display(),
                f"{line.amount:.2f}",
            ]
        )
    return response


@login_required
@require_POST
def event_cancel_view(request, pk: int):
    _manager_only(request)
    event = Event.objects.filter(pk=pk).first()
    if event is None:
        raise Http404
    form = ReasonForm(request.POST)
    if form.is_valid():
        with service_errors(request=request) as refusal:
            event_cancel(event=event, by=request.user, reason=form.cleaned_data["reason"])
        if not refusal:
            messages.success(request, "The event is cancelled, and everyone booked or waiting with it.")
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("cpd_event_detail", pk)


@login_required
def cpd_leader_edit(request, school_id: int):
    school = School.objects.filter(pk=school_id).first()
    if school is None or not can_appoint_cpd_leader(request.user, request.partnership, school.pk):
        raise Http404
    current = selectors.cpd_leader_of(school.pk)
    form = CpdLeaderForm(
        request.POST or None,
        staff=selectors.school_staff(school.pk),
        initial={"person": current.user_id if current else ""},
    )
    if request.method == "POST" and form.is_valid():
        person = form.cleaned_data["person"]
        with service_errors(form) as refusal:
            if person:
                cpd_leader_appoint(school=school, user=User.objects.get(pk=person), by=request.user)
            else:
                cpd_leader_remove(school=school)
        if not refusal:
            messages.success(request, f"{school.name}'s CPD leader is saved.")
            return redirect("cpd_leader_edit", school.pk)
    return render(
        request,
        "cpd/leader_form.html",
        {"form": form, "school": school, "current": current},
        status=400 if form.errors else 200,
    )


@login_required
def cpd_settings_edit(request):
    _manager_only(request)
    current = cpd_settings()
    form = CpdSettingsForm(
        request.POST or None,
        initial={
            "offer_hours": current.offer_hours,
            "late_cancellation_charge": current.late_cancellation_charge,
            "no_show_charge": current.no_show_charge,
            "reminder_days": current.reminder_days,
        },
    )
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as refusal:
            cpd_settings_save(partnership=request.partnership, **form.cleaned_data)
        if not refusal:
            messages.success(request, "Booking settings saved.")
            return redirect("cpd_settings")
    return render(request, "cpd/settings_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def my_certificates_view(request):
    certificates = selectors.my_certificates(request.user)[:200]
    return render(request, "cpd/my_certificates.html", {"certificates": certificates})


@login_required
def event_certificates_view(request, pk: int):
    """The event's certificates; a POST releases them to everyone who attended every session."""
    _manager_only(request)
    event = Event.objects.filter(pk=pk).first()
    if event is None:
        raise Http404
    if request.method == "POST":
        with service_errors(request=request) as refusal:
            made = certificates_release(event=event, by=request.user)
        if not refusal:
            messages.success(
                request, f"{len(made)} certificate{pluralize(len(made))} released: their PDFs are being prepared."
            )
            return redirect("cpd_certificate_progress", pk)
        return redirect("cpd_event_certificates", pk)
    page = Paginator(selectors.event_certificates(event), 100).get_page(request.GET.get("page"))
    return render(
        request,
        "cpd/event_certificates.html",
        {"event": event, "page": page, "progress": selectors.certificate_progress(event)},
    )


def _certificate_or_404(request, pk: int) -> Certificate:
    certificate = selectors.certificate_for_page(pk)
    if certificate is None or not can_view_certificate(request.user, certificate):
        raise Http404
    return certificate


@login_required
def certificate_pdf_view(request, pk: int):
    """The stored PDF; while a worker is still preparing it, a page that shows when it is ready."""
    certificate = _certificate_or_404(request, pk)
    if not certificate.is_rendered and certificate.is_valid and request.GET.get("queued") != "1":
        # A lost message, or a download straight after release: ask again (a repeat renders nothing twice), then
        # look once more in case a worker was quicker than this page.
        certificates_enqueue_render([certificate.pk], certificate.partnership_id)
        certificate = _certificate_or_404(request, pk)
    if certificate.is_rendered:
        response = FileResponse(
            certificate.pdf.open("rb"),
            as_attachment=True,
            filename=f"certificate-{certificate.code}.pdf",
            content_type="application/pdf",
        )
        response["Cache-Control"] = "private, no-store"
        return response
    return render(
        request,
        "cpd/certificate_preparing.html",
        {"certificate": certificate, "status_url": reverse("cpd_certificate_status", args=[pk])},
    )


@login_required
def certificate_status(request, pk: int):
    certificate = _certificate_or_404(request, pk)
    return render(request, "cpd/includes/certificate_status.html", {"certificate": certificate})


@login_required
def certificate_progress_view(request, pk: int):
    """After a release: how many of the event's certificates have their PDF, updating itself until all do."""
    _manager_only(request)
    event = Event.objects.filter(pk=pk).first()
    if event is None:
        raise Http404
    context = {"event": event, "progress": selectors.certificate_progress(event)}
    if request.GET.get("fragment") == "1":
        return render(request, "cpd/includes/certificate_progress_status.html", context)
    return render(request, "cpd/certificate_progress.html", context)


@login_required
def certificate_correct_view(request, pk: int):
    """Revoke a certificate with a reason, and (usually) reissue it under a new code: both stay on record."""
    _manager_only(request)
    certificate = selectors.certificate_for_page(pk)
    if certificate is None:
        raise Http404
    form = CertificateCorrectionForm(request.POST or None)
    if request.method == "POST" and certificate.is_valid and form.is_valid():
        reason = form.cleaned_data["reason"]
        reissue = form.cleaned_data["action"] == CertificateCorrectionForm.REISSUE
        with service_errors(form, field="reason") as refusal:
            if reissue:
                new = certificate_reissue(certificate=certificate, by=request.user, reason=reason)
            else:
                certificate_revoke(certificate=certificate, by=request.user, reason=reason)
        if not refusal:
            if reissue:
                messages.success(request, f"Certificate {certificate.code} revoked and reissued as {new.code}.")
                return redirect("cpd_certificate_correct", new.pk)
            messages.success(request, f"Certificate {certificate.code} revoked.")
            return redirect("cpd_certificate_correct", certificate.pk)
    elif request.method == "POST" and not certificate.is_valid:
        messages.error(request, "This certificate is already revoked: it cannot be changed again.")
        return redirect("cpd_certificate_correct", certificate.pk)
    return render(
        request,
        "cpd/certificate_correct.html",
        {
            "certificate": certificate,
            "replacement": selectors.certificate_replacement(certificate),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@open_to_non_members
def certificate_verify(request, code: str):
    """Public: anyone holding a code may check it. Only name, event, date and validity are shown; a code of
    another partnership, or none, is simply not found here."""
    certificate = selectors.certificate_by_code(code)
    if certificate is None:
        raise Http404
    response = render(request, "cpd/certificate_verify.html", {"certificate": certificate})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def register_marks_api(request, pk: int):
    """The tablet register's background save: the same `mark_<booking id>` fields as the form, answered in JSON so
    the page can show each mark saved (or keep it queued in the browser and send it again when back online)."""
    session = _session_for_register(request, pk)
    register = selectors.register_of(session)
    if register is None:
        return JsonResponse({"error": "Open the register first."}, status=409)
    marks: dict[int, str] = {}
    for key, value in request.POST.items():
        if key.startswith("mark_"):
            try:
                marks[int(key.removeprefix("mark_"))] = value
            except ValueError:
                return JsonResponse({"error": "That is not a person on this register."}, status=400)
    if not marks:
        return JsonResponse({"error": "No marks were sent."}, status=400)
    with service_errors() as refusal:
        register_mark(register=register, marks=marks, by=request.user)
    if refusal:
        # A refusal is final (a closed register, someone not on it): the page drops those marks and says why.
        return JsonResponse({"error": " ".join(refusal.messages), "final": True}, status=409)
    return JsonResponse({"saved": sorted(marks)})


@login_required
@require_POST
def register_walk_in_view(request, pk: int):
    session = _session_for_register(request, pk)
    register = selectors.register_of(session)
    if register is None:
        messages.error(request, "Open the register first.")
        return redirect("cpd_session_register", pk)
    form = WalkInForm(request.POST, workshops=list(session.workshops.all()))
    if form.is_valid():
        person = User.objects.filter(pk=form.cleaned_data["person"]).first()
        claim = once.claim(request, form)
        if claim.repeated:
            return redirect("cpd_session_register", pk)
        if person is None:
            claim.release()
            messages.error(request, "That person could not be found: search again.")
            return redirect("cpd_session_register", pk)
        with service_errors(request=request) as refusal:
            register_walk_in(
                register=register,
                user=person,
                by=request.user,
                partnership=request.partnership,
                workshop=form.cleaned_data.get("workshop"),
            )
        if refusal:
            claim.release()
        else:
            claim.done(person.pk)
            messages.success(request, f"{person} added as a walk-in and marked present.")
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("cpd_session_register", pk)


def _record_person_or_404(request, user_id: int | None) -> User:
    person = request.user if user_id is None else User.objects.filter(pk=user_id).first()
    if person is None:
        raise Http404
    if person.pk != request.user.pk:
        schools = selectors.person_school_ids(person)
        # Someone who was never a member here is simply not found, whoever asks.
        if not selectors.is_partnership_person(person):
            raise Http404
        if not can_view_record(request.user, request.partnership, person, schools):
            raise Http404
    return person


@login_required
def cpd_record_view(request, user_id: int | None = None):
    """A person's CPD record: everything they booked, attended and were certified for."""
    person = _record_person_or_404(request, user_id)
    return render(
        request,
        "cpd/record.html",
        {
            "record": selectors.cpd_record(person),
            "is_mine": person.pk == request.user.pk,
            "pdf_url": reverse("cpd_record_pdf", args=[person.pk]),
            "can_see_staff": can_see_school_records(request.user, request.partnership),
        },
    )


@login_required
def cpd_record_pdf(request, user_id: int):
    """The record as a PDF: served from storage when this version is stored, else queued with a page that waits."""
    person = _record_person_or_404(request, user_id)
    _html, name = record_document(person=person, partnership=request.partnership, today=timezone.localdate())
    ready = default_storage.exists(name)
    if request.GET.get("fragment") == "1":
        return render(
            request, "cpd/includes/record_status.html", {"ready": ready, "person": person, "here": request.path}
        )
    if ready:
        response = FileResponse(
            default_storage.open(name, "rb"),
            as_attachment=True,
            filename=f"cpd-record-{person.pk}.pdf",
            content_type="application/pdf",
        )
        response["Cache-Control"] = "private, no-store"
        return response
    queued = record_enqueue(user_id=person.pk, partnership_id=request.partnership.pk)
    return render(
        request,
        "cpd/record_preparing.html",
        {"person": person, "queued": queued, "ready": False, "here": request.path},
    )


@login_required
def staff_records_view(request):
    """The CPD records a CPD leader (their schools' people) or a coordinator (everyone at a school) may open."""
    if not can_see_school_records(request.user, request.partnership):
        raise Http404
    search = _search_text(request)
    rows = selectors.staff_records(request.user, request.partnership, search=search)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "cpd/staff_records.html", {"page": page, "search": search})


# -- Evaluations -----------------------------------------------------------------------------------------------------

POINT_SLUGS = {
    "before": EvaluationPoint.BEFORE,
    "on-the-day": EvaluationPoint.ON_THE_DAY,
    "impact": EvaluationPoint.IMPACT,
}


@login_required
def evaluation_answer(request, pk: int, point: str):
    """A person answers one point of an event's evaluation (on the day: from the link or QR code shown in the room).
    Outside its window, or for someone not eligible, the page says why and a POST saves nothing."""
    event = selectors.event_for_page(pk, request.user, request.partnership)
    if event is None or point not in POINT_SLUGS:
        raise Http404
    stage = POINT_SLUGS[point]
    context = {"event": event, "point": point, "label": EvaluationPoint(stage).label}
    if has_completed(event=event, point=stage, user=request.user):
        if request.method == "POST":  # the form sent again (Back, a second press): nothing more is saved
            return redirect("cpd_evaluation_answer", event.pk, point)
        return render(request, "cpd/evaluation_answer.html", {**context, "done": True})
    window = evaluation_window(event=event, point=stage, user=request.user)
    if not window.is_open:
        if request.method == "POST":
            messages.error(request, window.refusal)
        return render(
            request,
            "cpd/evaluation_answer.html",
            {**context, "refusal": window.refusal},
            status=400 if request.method == "POST" else 200,
        )
    evaluation = evaluation_form_for(event=event, point=stage)
    form = EvaluationAnswerForm(request.POST or None, questions=live_questions(evaluation))
    if request.method == "POST" and form.is_valid():
        claim = once.claim(request, form, scope=f"evaluation:{event.pk}:{stage}")
        if claim.repeated:
            return redirect("cpd_evaluation_answer", event.pk, point)
        with service_errors(form) as refusal:
            evaluation_submit(event=event, point=stage, user=request.user, answers=form.answers())
        if not refusal:
            claim.done("saved")
            messages.success(request, "Thank you: your answers are saved.")
            return redirect("cpd_evaluation_answer", event.pk, point)
        claim.release()
        if isinstance(refusal.error, AlreadyEvaluatedError):
            return redirect("cpd_evaluation_answer", event.pk, point)
    return render(
        request,
        "cpd/evaluation_answer.html",
        {
            **context,
            "form": form,
            "intro": evaluation.intro,
            "closes": window.closes,
            "settings": evaluation_settings(),
        },
        status=400 if form.errors else 200,
    )


def _event_for_results(request, pk: int) -> Event:
    event = Event.objects.filter(pk=pk).first()
    if event is None or not can_view_evaluation_results(request.user, event):
        raise Http404
    return event


@login_required
def evaluation_link(request, pk: int):
    """The on-the-day evaluation's address and QR code, to show in the room."""
    event = _event_for_results(request, pk)
    url = request.build_absolute_uri(reverse("cpd_evaluation_answer", args=[event.pk, "on-the-day"]))
    return render(
        request,
        "cpd/evaluation_link.html",
        {"event": event, "url": url, "qr": qr_svg(url, label=f"QR code of the on-the-day evaluation of {event.title}")},
    )


@login_required
def event_evaluations(request, pk: int):
    event = _event_for_results(request, pk)
    return render(
        request,
        "cpd/event_evaluations.html",
        {"event": event, "points": selectors.event_evaluation_results(event), "threshold": THRESHOLD},
    )


@login_required
def event_evaluations_csv(request, pk: int):
    """Every answer, one a line, for the points with at least three responses. An anonymous response has no name;
    responses are numbered in the order of their random keys, so the numbers say nothing of who answered when."""
    event = _event_for_results(request, pk)
    questions = {str(q.pk): q for q in EvaluationQuestion.objects.filter(form__event_kind=event.kind)}
    responses = selectors.evaluation_responses_for_csv(event)
    counts = Counter(r.point for r in responses)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="evaluations-{event.pk}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(["event", "point", "response", "person", "question", "answer"])
    numbers: Counter = Counter()
    for point in EvaluationPoint.values:
        if counts[point] < THRESHOLD:
            continue
        ordered = sorted(
            (r for r in responses if r.point == point),
            key=lambda r: (str(r.user) if r.user_id else "", str(r.pk)),
        )
        for answer_set in ordered:
            numbers[point] += 1
            for key, value in answer_set.answers.items():
                question = questions.get(key)
                if question is None:
                    continue
                writer.writerow(
                    [
                        spreadsheet_safe(event.title),
                        EvaluationPoint(point).label,
                        numbers[point],
                        "" if answer_set.anonymous else spreadsheet_safe(str(answer_set.user)),
                        spreadsheet_safe(question.text),
                        spreadsheet_safe(str(value)),
                    ]
                )
    return response


@login_required
def programme_evaluations(request):
    if not can_view_programme_evaluations(request.user, request.partnership):
        raise Http404
    rows, totals = selectors.programme_evaluation_results()
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "cpd/programme_evaluations.html",
        {"page": page, "totals": [(EvaluationPoint(p).label, *totals[p]) for p in EvaluationPoint.values]},
    )


@login_required
def evaluation_forms(request):
    if not can_manage_evaluations(request.user, request.partnership):
        raise Http404
    forms_ = evaluation_forms_ensure(partnership_id=request.partnership.pk)
    counts = Counter(EvaluationQuestion.objects.filter(retired=False).values_list("form_id", flat=True).order_by())
    return render(
        request,
        "cpd/evaluation_forms.html",
        {"forms": [(f, counts[f.pk]) for f in forms_], "settings": evaluation_settings()},
    )


@login_required
def evaluation_form_edit(request, pk: int):
    if not can_manage_evaluations(request.user, request.partnership):
        raise Http404
    evaluation = EvaluationForm.objects.filter(pk=pk).first()
    if evaluation is None:
        raise Http404
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        claim = once.claim(request, form, scope=f"question:{evaluation.pk}")
        if claim.repeated:
            return redirect("cpd_evaluation_form", evaluation.pk)
        with service_errors(form) as refusal:
            question_add(form=evaluation, **{k: form.cleaned_data[k] for k in ("kind", "text", "choices", "required")})
        if not refusal:
            claim.done("added")
            messages.success(request, "Question added.")
            return redirect("cpd_evaluation_form", evaluation.pk)
        claim.release()
    return render(
        request,
        "cpd/evaluation_form.html",
        {"evaluation": evaluation, "questions": live_questions(evaluation), "form": form},
        status=400 if form.errors else 200,
    )


# -- Needs versus programme (issue 14) ------------------------------------------------------------------------


@login_required
def event_focus_areas_view(request, pk: int):
    """Tag an event with the focus areas it serves. Setting the tags is idempotent: a form sent twice sets the same
    tags, so there is nothing to guard against a double submit."""
    if not can_tag_events(request.user, request.partnership):
        raise Http404
    event = Event.objects.filter(pk=pk).first()
    if event is None:
        raise Http404
    current = needs.event_tags(event)
    form = EventFocusAreasForm(
        request.POST or None, names=list(dict.fromkeys([*focus_area_names(), *current])), initial={"names": current}
    )
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as refusal:
            tags = event_focus_areas_set(event=event, names=form.cleaned_data["names"], by=request.user)
        if not refusal:
            messages.success(request, f"Focus areas saved: {', '.join(tags) or 'none'}.")
            return redirect("cpd_event_detail", event.pk)
    return render(
        request, "cpd/event_focus_areas.html", {"form": form, "event": event}, status=400 if form.errors else 200
    )


@login_required
@require_POST
def evaluation_question_remove(request, pk: int):
    if not can_manage_evaluations(request.user, request.partnership):
        raise Http404
    question = EvaluationQuestion.objects.filter(pk=pk).first()
    if question is None:
        raise Http404
    with service_errors(request=request) as refusal:
        question_retire(question=question)
    if not refusal:
        messages.success(request, "Question removed. Answers already given to it are kept.")
    return redirect("cpd_evaluation_form", question.form_id)


@login_required
def evaluation_settings_edit(request):
    if not can_manage_evaluations(request.user, request.partnership):
        raise Http404
    current = evaluation_settings()
    form = EvaluationSettingsForm(
        request.POST or None,
        initial={
            "anonymous": current.anonymous,
            "impact_weeks": current.impact_weeks,
            "certificate_needs_evaluation": current.certificate_needs_evaluation,
        },
    )
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as refusal:
            evaluation_settings_save(partnership=request.partnership, **form.cleaned_data)
        if not refusal:
            messages.success(request, "Evaluation settings saved.")
            return redirect("cpd_evaluation_settings")
    return render(request, "cpd/evaluation_settings.html", {"form": form}, status=400 if form.errors else 200)
def needs_view(request):
    """Coordinators: every figure, by area and phase. Board members: the whole partnership, small groups hidden."""
    user, partnership = request.user, request.partnership
    if not can_see_needs(user, partnership):
        raise Http404
    cycles = needs.cycles_newest_first()
    areas = [(str(pk), name) for pk, name in Area.objects.order_by("name").values_list("pk", "name")]
    form = NeedsFilterForm(request.GET or None, cycles=cycles, areas=[*areas, (needs.NO_AREA, "Not in an area")])
    chosen = form.cleaned_data if form.is_bound and form.is_valid() else {}
    cycle = next((c for c in cycles if c.pk == chosen.get("cycle")), cycles[0] if cycles else None)
    context = {"form": form, "cycle": cycle, "coordinator": can_manage_programme(user, partnership)}
    if context["coordinator"]:
        area, phase = chosen.get("area") or ALL, chosen.get("phase") or ALL
        context["analysis"] = needs.needs_analysis(cycle, area=area, phase=phase)
        context["filtered"] = area != ALL or phase != ALL
    elif cycle is not None:
        context["board_rows"] = needs.board_rows(cycle)
    return render(request, "cpd/needs.html", context, status=400 if form.errors else 200)


@login_required
def suggestions_view(request):
    """Events suggested from a school's areas for development: to those who may see its review."""
    user, partnership = request.user, request.partnership
    schools = suggestion_school_ids(user, partnership)
    if not schools and not is_cpd_leader(user, partnership):
        raise Http404
    today = timezone.localdate()
    led = School.objects.filter(pk__in=schools).order_by("name")
    return render(
        request,
        "cpd/suggestions.html",
        {
            "schools": [needs.school_suggestions(school, today) for school in led],
            "cpd_leader_only": not schools,
        },
    )
