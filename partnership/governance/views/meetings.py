from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from partnership.common import once
from partnership.common.forms import service_errors
from schools.models import School, Trust

from ..forms import (
    AgendaItemForm,
    ApologiesForm,
    AttendanceForm,
    ItemInterestForm,
    MeetingCancelForm,
    MeetingForm,
    OwnInterestForm,
    PaperEditForm,
    PaperForm,
)
from ..models import AgendaItem, BodyMembership, Meeting, MeetingPack, Paper
from ..permissions import can_clerk, can_open_paper, can_see_meeting, can_send_apologies, seat_on
from ..selectors import meeting_page, members_of, minutes_of
from ..services.meetings import (
    CLEAR_DAYS,
    agenda_item_add,
    agenda_item_remove,
    agenda_item_update,
    apologies_send,
    attendance_record,
    clear_days_before,
    item_interest_declare,
    meeting_cancel,
    meeting_publish,
    meeting_schedule,
    pack_download_record,
    paper_download_record,
    paper_remove,
    paper_update,
    paper_upload,
)
from ..services.pack import pack_request
from .lookups import body_or_404, meeting_or_404, sent_before


def _clerk_meeting(pk: int, user) -> Meeting:
    return meeting_or_404(pk, user, lambda u, m: can_clerk(u, m.body))


def _item(meeting: Meeting, item_id: int) -> AgendaItem:
    item = meeting.items.filter(pk=item_id).first()
    if item is None:
        raise Http404
    return item


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request, pk: int):
    body = body_or_404(pk, request.user, can_clerk)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        claim = once.claim(request, form, "meeting")
        if claim.repeated:
            return sent_before(request, "governance_body", body.pk)
        data = {name: form.cleaned_data[name] for name in ("starts_at", "place")}
        with service_errors(form) as refusal:
            meeting = meeting_schedule(body=body, **data)
        claim.release() if refusal else claim.done(meeting.pk)
        if not refusal:
            messages.success(request, "The meeting is scheduled. Build its agenda and upload its papers.")
            return redirect("governance_meeting", meeting.pk)
    return render(request, "governance/meeting_form.html", {"form": form, "body": body})


@login_required
def meeting_detail(request, pk: int):
    meeting = meeting_or_404(pk, request.user)
    page = meeting_page(meeting)
    seat = seat_on(request.user, meeting.body)
    for item in page.items:
        for paper in item.papers.all():
            paper.opens = can_open_paper(request.user, paper, request.partnership)
    return render(
        request,
        "governance/meeting_detail.html",
        {
            "meeting": meeting,
            "page": page,
            "can_clerk": can_clerk(request.user, meeting.body),
            "can_send_apologies": can_send_apologies(request.user, meeting),
            "my_attendance": page.attendance.get(seat.pk) if seat else None,
            "has_seat": seat is not None,
            "held": meeting.starts_at <= timezone.now(),
            "on_the_day": timezone.localdate(meeting.starts_at) <= timezone.localdate(),
            "minutes": minutes_of(meeting),
            "pack_ready": page.pack is not None and page.pack.status == MeetingPack.Status.READY,
            "changeable": meeting.status != Meeting.Status.CANCELLED and meeting.starts_at > timezone.now(),
            "changes": list(meeting.changes.all()),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_new(request, pk: int):
    meeting = _clerk_meeting(pk, request.user)
    form = AgendaItemForm(request.POST or None, **_choices())
    if request.method == "POST" and form.is_valid():
        claim = once.claim(request, form, "agenda-item")
        if claim.repeated:
            return sent_before(request, "governance_meeting", meeting.pk)
        with service_errors(form) as refusal:
            item = agenda_item_add(meeting=meeting, actor=request.user, **_item_data(form))
        claim.release() if refusal else claim.done(item.pk)
        if not refusal:
            messages.success(request, f"Item {item.number} is added.")
            return redirect("governance_meeting", meeting.pk)
    return render(request, "governance/item_form.html", {"form": form, "meeting": meeting})


def _choices() -> dict:
    return {"schools": School.objects.current().order_by("name"), "trusts": Trust.objects.order_by("name")}


def _item_data(form: AgendaItemForm) -> dict:
    return {name: form.cleaned_data[name] for name in ("title", "presenter", "purpose", "school", "trust")}


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request, pk: int, item_id: int):
    meeting = _clerk_meeting(pk, request.user)
    item = _item(meeting, item_id)
    initial = {
        "title": item.title,
        "presenter": item.presenter,
        "purpose": item.purpose,
        "school": item.school_id,
        "trust": item.trust_id,
    }
    form = AgendaItemForm(request.POST or None, initial=initial, **_choices())
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as refusal:
            agenda_item_update(item=item, actor=request.user, **_item_data(form))
        if not refusal:
            messages.success(request, f"Item {item.number} is saved.{_told(meeting)}")
            return redirect("governance_meeting", meeting.pk)
    return render(request, "governance/item_edit_form.html", {"form": form, "meeting": meeting, "item": item})


def _told(meeting: Meeting) -> str:
    return " The change is recorded and the members are told." if meeting.status == Meeting.Status.PUBLISHED else ""


@login_required
@require_http_methods(["GET", "POST"])
def item_remove(request, pk: int, item_id: int):
    """A confirmation page, then the item and its papers come off the agenda."""
    meeting = _clerk_meeting(pk, request.user)
    item = _item(meeting, item_id)
    if request.method == "POST":
        with service_errors(request=request) as refusal:
            agenda_item_remove(item=item, actor=request.user)
        if not refusal:
            messages.success(request, f"Item {item.number}, {item.title}, is removed.{_told(meeting)}")
        return redirect("governance_meeting", meeting.pk)
    return render(
        request,
        "governance/item_remove.html",
        {"meeting": meeting, "item": item, "papers": list(item.papers.all())},
    )


def _paper(meeting: Meeting, paper_id: int) -> Paper:
    paper = Paper.objects.select_related("item").filter(pk=paper_id, item__meeting=meeting).first()
    if paper is None:
        raise Http404
    return paper


@login_required
@require_http_methods(["GET", "POST"])
def paper_edit(request, pk: int, paper_id: int):
    meeting = _clerk_meeting(pk, request.user)
    paper = _paper(meeting, paper_id)
    form = PaperEditForm(request.POST or None, initial={"title": paper.title, "review_content": paper.review_content})
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as refusal:
            paper_update(paper=paper, actor=request.user, **form.cleaned_data)
        if not refusal:
            messages.success(request, f"‘{paper.title}’ is saved.{_told(meeting)}")
            return redirect("governance_meeting", meeting.pk)
    return render(request, "governance/paper_edit_form.html", {"form": form, "meeting": meeting, "paper": paper})


@login_required
@require_http_methods(["GET", "POST"])
def paper_remove_view(request, pk: int, paper_id: int):
    meeting = _clerk_meeting(pk, request.user)
    paper = _paper(meeting, paper_id)
    if request.method == "POST":
        with service_errors(request=request) as refusal:
            paper_remove(paper=paper, actor=request.user)
        if not refusal:
            messages.success(request, f"‘{paper.title}’ is withdrawn.{_told(meeting)}")
        return redirect("governance_meeting", meeting.pk)
    return render(request, "governance/paper_remove.html", {"meeting": meeting, "paper": paper})


@login_required
@require_http_methods(["GET", "POST"])
def meeting_cancel_view(request, pk: int):
    """A confirmation page (cancelling cannot be undone), then members who had the pack are told."""
    meeting = _clerk_meeting(pk, request.user)
    form = MeetingCancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with service_errors(form, field="reason") as refusal:
            meeting_cancel(meeting=meeting, reason=form.cleaned_data["reason"], actor=request.user)
        if not refusal:
            told = " The members are told." if meeting.published_at else ""
            messages.success(request, f"The meeting is cancelled.{told}")
            return redirect("governance_body", meeting.body_id)
    return render(request, "governance/meeting_cancel.html", {"form": form, "meeting": meeting})


@login_required
@require_http_methods(["GET", "POST"])
def paper_new(request, pk: int, item_id: int):
    meeting = _clerk_meeting(pk, request.user)
    item = _item(meeting, item_id)
    form = PaperForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        claim = once.claim(request, form, "paper")
        if claim.repeated:
            return sent_before(request, "governance_meeting", meeting.pk)
        with service_errors(form) as refusal:
            paper = paper_upload(
                item=item,
                title=form.cleaned_data["title"],
                uploaded=form.cleaned_data["file"],
                review_content=form.cleaned_data["review_content"],
                actor=request.user,
            )
        claim.release() if refusal else claim.done(paper.pk)
        if not refusal:
            messages.success(request, f"‘{paper.title}’ is uploaded.")
            return redirect("governance_meeting", meeting.pk)
    return render(request, "governance/paper_form.html", {"form": form, "meeting": meeting, "item": item})


@login_required
@require_http_methods(["GET", "POST"])
def meeting_publish_view(request, pk: int):
    meeting = _clerk_meeting(pk, request.user)
    clear_days = clear_days_before(meeting, timezone.localdate())
    if request.method == "POST":
        with service_errors(request=request) as refusal:
            result = meeting_publish(meeting=meeting)
        if not refusal:
            note = f" It went out {result.clear_days} clear days ahead." if result.short_notice else ""
            messages.success(request, f"The pack is published to the members.{note}")
        return redirect("governance_meeting", meeting.pk)
    return render(
        request,
        "governance/meeting_publish.html",
        {"meeting": meeting, "clear_days": clear_days, "short_notice": clear_days < CLEAR_DAYS, "needed": CLEAR_DAYS},
    )


@login_required
@require_http_methods(["GET", "POST"])
def apologies(request, pk: int):
    meeting = meeting_or_404(pk, request.user, can_send_apologies)
    form = ApologiesForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as refusal:
            apologies_send(meeting=meeting, user=request.user, note=form.cleaned_data["note"])
        if not refusal:
            messages.success(request, "Your apologies are sent to the clerk.")
            return redirect("governance_meeting", meeting.pk)
    return render(request, "governance/apologies_form.html", {"form": form, "meeting": meeting})


@login_required
@require_http_methods(["GET", "POST"])
def attendance(request, pk: int):
    meeting = _clerk_meeting(pk, request.user)
    page = meeting_page(meeting)
    form = AttendanceForm(request.POST or None, members=page.members, attendance=page.attendance)
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as refusal:
            attendance_record(meeting=meeting, statuses=form.statuses())
        if not refusal:
            messages.success(request, f"Attendance is recorded. {meeting_page(meeting).quorum}.")
            return redirect("governance_meeting", meeting.pk)
    return render(request, "governance/attendance_form.html", {"form": form, "meeting": meeting, "page": page})


@login_required
@require_http_methods(["GET", "POST"])
def item_interest_new(request, pk: int, item_id: int):
    meeting = _clerk_meeting(pk, request.user)
    item = _item(meeting, item_id)
    members = BodyMembership.objects.filter(
        pk__in=[m.pk for m in members_of(meeting.body, on=timezone.localdate(meeting.starts_at))]
    ).select_related("user")
    form = ItemInterestForm(request.POST or None, members=members)
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as refusal:
            item_interest_declare(item=item, membership=form.cleaned_data["membership"], note=form.cleaned_data["note"])
        if not refusal:
            messages.success(request, "The interest is recorded: that member does not count towards the item's quorum.")
            return redirect("governance_meeting", meeting.pk)
    return render(request, "governance/interest_item_form.html", {"form": form, "meeting": meeting, "item": item})


@login_required
@require_http_methods(["GET", "POST"])
def own_interest_new(request, pk: int, item_id: int):
    """A member declares their own interest in an item: they will not count towards its quorum."""
    meeting = meeting_or_404(pk, request.user, lambda u, m: can_see_meeting(u, m) and seat_on(u, m.body) is not None)
    item = _item(meeting, item_id)
    seat = seat_on(request.user, meeting.body)
    form = OwnInterestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with service_errors(form, field="note") as refusal:
            item_interest_declare(item=item, membership=seat, note=form.cleaned_data["note"])
        if not refusal:
            messages.success(request, f"Your interest in item {item.number} is recorded.")
            return redirect("governance_meeting", meeting.pk)
    return render(request, "governance/own_interest_form.html", {"form": form, "meeting": meeting, "item": item})


def _file_response(handle, filename: str, content_type: str) -> FileResponse:
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_http_methods(["GET"])
def paper_download(request, pk: int, paper_id: int):
    """The only way to a paper: permission checked, each download recorded."""
    meeting = meeting_or_404(pk, request.user)
    paper = Paper.objects.select_related("item__meeting__body").filter(pk=paper_id, item__meeting=meeting).first()
    if paper is None or not can_open_paper(request.user, paper, request.partnership):
        raise Http404
    try:
        handle = paper.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    paper_download_record(paper=paper, user=request.user)
    return _file_response(handle, paper.original_name, paper.content_type)


@login_required
@require_POST
def pack_new(request, pk: int):
    meeting = meeting_or_404(pk, request.user)
    with service_errors(request=request) as refusal:
        pack = pack_request(meeting=meeting)
    if not refusal and pack.status != MeetingPack.Status.READY:
        messages.success(request, "The pack is being put together. Refresh this page in a moment to download it.")
    return redirect("governance_meeting", meeting.pk)


@login_required
@require_http_methods(["GET"])
def pack_download(request, pk: int):
    meeting = meeting_or_404(pk, request.user)
    pack = meeting.packs.filter(status=MeetingPack.Status.READY).order_by("-requested_at").first()
    if pack is None:
        raise Http404
    try:
        handle = pack.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    filename = f"{meeting.body.name} pack {timezone.localtime(meeting.starts_at):%Y-%m-%d}.pdf"
    pack_download_record(meeting=meeting, user=request.user, file_name=filename)
    return _file_response(handle, filename, "application/pdf")
