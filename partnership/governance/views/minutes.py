from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from partnership.accounts.models import User
from partnership.common import once
from partnership.common.forms import service_errors

from ..forms import ActionCloseForm, ActionForm, AmendmentForm, DecisionForm, MinutesSectionForm
from ..models import Action, Meeting, Minutes
from ..permissions import can_clerk, can_manage_bodies
from ..selectors import meeting_page, minutes_of
from ..services.minutes import (
    action_add,
    action_close,
    decision_record,
    item_quorum,
    minutes_amend,
    minutes_approve,
    minutes_circulate,
    minutes_section_save,
    minutes_set_public,
)
from .lookups import body_or_404, meeting_or_404, sent_before


def _clerk_meeting(pk: int, user) -> Meeting:
    return meeting_or_404(pk, user, lambda u, m: can_clerk(u, m.body))


def _item(meeting: Meeting, item_id: int):
    item = meeting.items.filter(pk=item_id).first()
    if item is None:
        raise Http404
    return item


def _owners(meeting: Meeting):
    return User.objects.filter(body_memberships__body_id=meeting.body_id).distinct().order_by("last_name", "first_name")


@login_required
def minutes_page(request, pk: int):
    meeting = meeting_or_404(pk, request.user)
    minutes = minutes_of(meeting)
    sections = {s.item_id: s for s in minutes.sections.all()} if minutes else {}
    page = meeting_page(meeting)
    return render(
        request,
        "governance/minutes.html",
        {
            "meeting": meeting,
            "minutes": minutes,
            "page": page,
            "items": [(item, sections.get(item.pk)) for item in page.items],
            "actions": list(meeting.actions.select_related("owner").order_by("due_on", "pk")),
            "can_clerk": can_clerk(request.user, meeting.body),
            "can_manage": can_manage_bodies(request.user, request.partnership),
            "held": meeting.starts_at <= timezone.now() and meeting.status == Meeting.Status.PUBLISHED,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def minutes_section_edit(request, pk: int, item_id: int):
    meeting = _clerk_meeting(pk, request.user)
    item = _item(meeting, item_id)
    minutes = minutes_of(meeting)
    current = next((s for s in minutes.sections.all() if s.item_id == item.pk), None) if minutes else None
    form = MinutesSectionForm(request.POST or None, initial={"text": current.text if current else ""})
    if request.method == "POST" and form.is_valid():
        with service_errors(form, field="text") as refusal:
            minutes_section_save(item=item, text=form.cleaned_data["text"])
        if not refusal:
            messages.success(request, f"The minute for item {item.number} is saved.")
            return redirect("governance_minutes", meeting.pk)
    return render(request, "governance/minutes_section_form.html", {"form": form, "meeting": meeting, "item": item})


@login_required
@require_http_methods(["GET", "POST"])
def decision_new(request, pk: int, item_id: int):
    meeting = _clerk_meeting(pk, request.user)
    item = _item(meeting, item_id)
    form = DecisionForm(request.POST or None, initial={"votes_for": 0, "votes_against": 0, "abstentions": 0})
    if request.method == "POST" and form.is_valid():
        claim = once.claim(request, form, "decision")
        if claim.repeated:
            return sent_before(request, "governance_minutes", meeting.pk)
        fields = ("motion", "votes_for", "votes_against", "abstentions", "casting_vote")
        with service_errors(form) as refusal:
            decision = decision_record(item=item, **{name: form.cleaned_data[name] for name in fields})
        claim.release() if refusal else claim.done(decision.pk)
        if not refusal:
            outcome = "carried" if decision.carried else "not carried"
            messages.success(request, f"The decision is recorded ({outcome}).")
            return redirect("governance_minutes", meeting.pk)
    return render(
        request,
        "governance/decision_form.html",
        {"form": form, "meeting": meeting, "item": item, "quorum": item_quorum(item)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_new(request, pk: int):
    meeting = _clerk_meeting(pk, request.user)
    form = ActionForm(request.POST or None, owners=_owners(meeting))
    if request.method == "POST" and form.is_valid():
        claim = once.claim(request, form, "action")
        if claim.repeated:
            return sent_before(request, "governance_minutes", meeting.pk)
        with service_errors(form) as refusal:
            action = action_add(
                meeting=meeting,
                description=form.cleaned_data["description"],
                owner=form.cleaned_data["owner"],
                due_on=form.cleaned_data["due_on"],
            )
        claim.release() if refusal else claim.done(action.pk)
        if not refusal:
            messages.success(request, "The action is recorded.")
            return redirect("governance_minutes", meeting.pk)
    return render(request, "governance/action_form.html", {"form": form, "meeting": meeting})


@login_required
@require_http_methods(["GET", "POST"])
def action_close_view(request, pk: int, action_id: int):
    body = body_or_404(pk, request.user, can_clerk)
    action = Action.objects.filter(pk=action_id, body=body, status=Action.Status.OPEN).first()
    if action is None:
        raise Http404
    form = ActionCloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as refusal:
            action_close(action=action, status=form.cleaned_data["status"])
        if not refusal:
            messages.success(request, "The action is closed.")
            return redirect("governance_body", body.pk)
    return render(request, "governance/action_close_form.html", {"form": form, "body": body, "action": action})


@login_required
@require_http_methods(["GET", "POST"])
def minutes_approve_view(request, pk: int, minutes_id: int):
    """At meeting `pk`, approve the minutes of an earlier meeting of the same body: a confirmation page first,
    since approved minutes are locked."""
    meeting = _clerk_meeting(pk, request.user)
    minutes = Minutes.objects.filter(pk=minutes_id, meeting__body_id=meeting.body_id).select_related("meeting").first()
    if minutes is None:
        raise Http404
    if request.method == "GET":
        return render(request, "governance/minutes_approve.html", {"meeting": meeting, "minutes": minutes})
    with service_errors(request=request) as refusal:
        minutes_approve(minutes=minutes, at_meeting=meeting, by=request.user)
    if not refusal:
        messages.success(request, f"The minutes of {minutes.meeting} are approved and locked.")
    return redirect("governance_meeting", meeting.pk)


@login_required
@require_http_methods(["GET", "POST"])
def minutes_amend_view(request, pk: int):
    meeting = _clerk_meeting(pk, request.user)
    minutes = minutes_of(meeting)
    if minutes is None or not minutes.is_approved:
        raise Http404
    form = AmendmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        claim = once.claim(request, form, "amendment")
        if claim.repeated:
            return sent_before(request, "governance_minutes", meeting.pk)
        with service_errors(form) as refusal:
            amendment = minutes_amend(minutes=minutes, text=form.cleaned_data["text"], by=request.user)
        claim.release() if refusal else claim.done(amendment.pk)
        if not refusal:
            messages.success(request, "The amendment is recorded beside the approved minutes.")
            return redirect("governance_minutes", meeting.pk)
    return render(request, "governance/amendment_form.html", {"form": form, "meeting": meeting})


@login_required
@require_POST
def minutes_public_view(request, pk: int):
    meeting = meeting_or_404(pk, request.user)
    if not can_manage_bodies(request.user, request.partnership):
        raise Http404
    minutes = minutes_of(meeting)
    if minutes is None:
        raise Http404
    public = request.POST.get("public") == "1"
    with service_errors(request=request) as refusal:
        minutes_set_public(minutes=minutes, public=public)
    if not refusal:
        messages.success(request, "The minutes are on the public pages." if public else "The minutes are not public.")
    return redirect("governance_minutes", meeting.pk)


@login_required
@require_POST
def minutes_circulate_view(request, pk: int):
    meeting = _clerk_meeting(pk, request.user)
    minutes = minutes_of(meeting)
    if minutes is None:
        raise Http404
    with service_errors(request=request) as refusal:
        minutes_circulate(minutes=minutes)
    if not refusal:
        messages.success(request, "The draft minutes are sent to the members.")
    return redirect("governance_minutes", meeting.pk)
