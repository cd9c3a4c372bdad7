"""CPD's pages: thin. Parse, check permission, call a selector or a service, render."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.views.decorators.http import require_POST

from partnership.accounts.models import User
from partnership.common.disclosure import ALL
from partnership.common.forms import service_errors
from partnership.tenancy.middleware import open_to_non_members
from partnership.tenancy.permissions import schools_led_by
from schools.models import Area, School

from . import needs, selectors
from .certificates_pdf import certificate_pdf
from .forms import (
    BookForm,
    ColleagueBookForm,
    CpdLeaderForm,
    CpdSettingsForm,
    EventFocusAreasForm,
    EventForm,
    InvoicePrepareForm,
    NeedsFilterForm,
    ProgrammeFilterForm,
    ReasonForm,
    RegisterForm,
    SessionForm,
    SubstituteForm,
    WorkshopForm,
)
from .models import LIVE_STATES, Booking, BookingState, Certificate, Event, EventKind, Session
from .permissions import (
    can_appoint_cpd_leader,
    can_approve,
    can_cancel,
    can_manage_programme,
    can_see_needs,
    can_tag_events,
    can_view_booking,
    can_view_certificate,
    is_cpd_leader,
    suggestion_school_ids,
)
from .services.attendance import register_close, register_mark, register_open
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
from .services.certificates import certificates_release
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
    return render(request, "cpd/my_bookings.html", {"live": live, "past": past})


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


def _session_for_register(request, pk: int) -> Session:
    _manager_only(request)
    session = Session.objects.select_related("event").filter(pk=pk).first()
    if session is None:
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
    if register is not None and not register.is_closed:
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
    return render(request, "cpd/invoice_detail.html", {"invoice": invoice, "lines": selectors.invoice_lines(invoice)})


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
    """One row per line, for a finance system."""
    invoice = _invoice_or_404(request, pk)
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
                _safe_cell(invoice.school.name),
                _safe_cell(invoice.label),
                line.booking.session.date.isoformat(),
                _safe_cell(line.description),
                line.get_kind_display(),
                f"{line.amount:.2f}",
            ]
        )
    return response


def _safe_cell(text: str) -> str:
    # A cell a spreadsheet would run as a formula is written as text.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


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
        initial={"offer_hours": current.offer_hours, "late_cancellation_charge": current.late_cancellation_charge},
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
            messages.success(request, f"{len(made)} certificate{pluralize(len(made))} released.")
        return redirect("cpd_event_certificates", pk)
    page = Paginator(selectors.event_certificates(event), 100).get_page(request.GET.get("page"))
    return render(request, "cpd/event_certificates.html", {"event": event, "page": page})


@login_required
def certificate_pdf_view(request, pk: int):
    certificate = Certificate.objects.filter(pk=pk).first()
    if certificate is None or not can_view_certificate(request.user, certificate):
        raise Http404
    response = HttpResponse(
        certificate_pdf(certificate, partnership=request.partnership), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.code}.pdf"'
    return response


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
