from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from partnership.accounts.models import User
from partnership.common import once
from partnership.common.forms import service_errors

from ..forms import BodyForm, BodyMemberForm, InterestForm, PublicPagesForm
from ..models import Body, PublicPages
from ..permissions import can_clerk, can_manage_bodies, can_see_boards_nav, can_use_boards, current_seats
from ..selectors import (
    actions_of,
    bodies_for,
    declaration_of,
    meetings_of,
    members_of,
    past_members_of,
    register_of,
    terms_ending,
)
from ..services.bodies import body_create, body_membership_add, body_update, interest_declare
from ..services.public import public_pages_update
from .lookups import body_or_404, sent_before


def _require(allowed: bool) -> None:
    if not allowed:
        raise Http404


@login_required
def body_list(request):
    # Board members see the Boards link from their role alone, so the page answers them even without a seat.
    _require(can_see_boards_nav(request.user, request.partnership) or can_use_boards(request.user, request.partnership))
    coordinator = can_manage_bodies(request.user, request.partnership)
    return render(
        request,
        "governance/body_list.html",
        {
            "bodies": bodies_for(request.user, request.partnership),
            "can_manage": coordinator,
            "terms_ending": terms_ending(request.partnership) if coordinator else [],
            "has_seat": bool(current_seats(request.user, request.partnership)),
        },
    )


def _quorum_arguments(form: BodyForm) -> dict:
    number, fraction = form.cleaned_data["quorum"]
    return {"quorum_number": number, "quorum_fraction": fraction}


@login_required
@require_http_methods(["GET", "POST"])
def body_new(request):
    _require(can_manage_bodies(request.user, request.partnership))
    form = BodyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        claim = once.claim(request, form, "body")
        if claim.repeated:
            return sent_before(request, "governance_body_list")
        with service_errors(form) as refusal:
            body = body_create(
                partnership=request.partnership,
                name=data["name"],
                purpose=data["purpose"],
                is_public=data["is_public"],
                terms_of_reference=data["terms_of_reference"],
                **_quorum_arguments(form),
            )
        claim.release() if refusal else claim.done(body.pk)
        if not refusal:
            messages.success(request, f"{body.name} is set up. Add its members next.")
            return redirect("governance_body", body.pk)
    return render(request, "governance/body_form.html", {"form": form, "body": None})


@login_required
@require_http_methods(["GET", "POST"])
def body_edit(request, pk: int):
    _require(can_manage_bodies(request.user, request.partnership))
    body = body_or_404(pk, request.user)
    quorum = str(body.quorum_number) if body.quorum_number else f"{body.quorum_numerator}/{body.quorum_denominator}"
    initial = {"name": body.name, "purpose": body.purpose, "quorum": quorum, "is_public": body.is_public}
    form = BodyForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors(form) as refusal:
            body_update(
                body=body,
                name=data["name"],
                purpose=data["purpose"],
                is_public=data["is_public"],
                terms_of_reference=data["terms_of_reference"],
                **_quorum_arguments(form),
            )
        if not refusal:
            messages.success(request, f"{body.name} is saved.")
            return redirect("governance_body", body.pk)
    return render(request, "governance/body_form.html", {"form": form, "body": body})


@login_required
def body_detail(request, pk: int):
    body = body_or_404(pk, request.user)
    clerk = can_clerk(request.user, body)
    return render(
        request,
        "governance/body_detail.html",
        {
            "body": body,
            "members": members_of(body),
            "past_members": past_members_of(body),
            "meetings": meetings_of(body, include_drafts=clerk),
            "actions": actions_of(body),
            "can_clerk": clerk,
            "can_manage": can_manage_bodies(request.user, request.partnership),
            "now": timezone.now(),
        },
    )


@login_required
def body_terms_download(request, pk: int):
    body = body_or_404(pk, request.user)
    if not body.terms_of_reference:
        raise Http404
    try:
        handle = body.terms_of_reference.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=body.terms_of_reference_name or "terms-of-reference")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def body_member_new(request, pk: int):
    _require(can_manage_bodies(request.user, request.partnership))
    body = body_or_404(pk, request.user)
    people = User.objects.filter(memberships__ended_on__isnull=True).distinct().order_by("last_name", "first_name")
    form = BodyMemberForm(request.POST or None, people=people, initial={"term_start": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        claim = once.claim(request, form, "body-member")
        if claim.repeated:
            return sent_before(request, "governance_body", body.pk)
        fields = ("user", "represents", "position", "is_clerk", "term_start", "term_end")
        with service_errors(form) as refusal:
            member = body_membership_add(body=body, **{name: form.cleaned_data[name] for name in fields})
        claim.release() if refusal else claim.done(member.pk)
        if not refusal:
            messages.success(request, f"{member.user} is added to {body.name}.")
            return redirect("governance_body", body.pk)
    return render(request, "governance/body_member_form.html", {"form": form, "body": body})


@login_required
def body_register(request, pk: int):
    body = body_or_404(pk, request.user)
    return render(request, "governance/register.html", {"body": body, "lines": register_of(body)})


@login_required
@require_http_methods(["GET", "POST"])
def interests_declare(request):
    _require(bool(current_seats(request.user, request.partnership)))
    current = declaration_of(request.user)
    initial = {}
    if current is not None:
        initial = {
            name: getattr(current, name)
            for name in ("nothing_to_declare", "business_interests", "governance_interests", "family_interests")
        }
    form = InterestForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with service_errors(form, field="nothing_to_declare") as refusal:
            interest_declare(partnership=request.partnership, user=request.user, **form.cleaned_data)
        if not refusal:
            messages.success(request, "Your declaration of interests is recorded.")
            return redirect("governance_body_list")
    return render(request, "governance/interests_form.html", {"form": form, "current": current})


@login_required
@require_http_methods(["GET", "POST"])
def public_settings(request):
    _require(can_manage_bodies(request.user, request.partnership))
    pages = PublicPages.objects.filter(partnership=request.partnership).first()
    fields = ("enabled", "about", "show_bodies", "show_areas", "show_clusters", "show_schools", "contact")
    initial = {name: getattr(pages, name) for name in fields} if pages else {"show_bodies": True, "show_areas": True}
    form = PublicPagesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        public_pages_update(partnership=request.partnership, **form.cleaned_data)
        messages.success(request, "The public pages are saved.")
        return redirect("governance_public_settings")
    public_bodies = Body.objects.filter(is_public=True).order_by("name")
    return render(
        request, "governance/public_settings.html", {"form": form, "pages": pages, "public_bodies": public_bodies}
    )
