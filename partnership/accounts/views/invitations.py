from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from partnership.common.forms import add_service_errors, show_service_errors
from partnership.tenancy.permissions import can_revoke_invitation

from ..forms import AcceptInvitationForm
from ..models import Invitation, User
from ..services import (
    InvitationUnusableError,
    invitation_accept_as_existing_user,
    invitation_accept_as_new_user,
    invitation_for_token,
    invitation_resend,
    invitation_revoke,
)

UNUSABLE_STATUS = {"invalid": 404, "accepted": 410, "revoked": 410, "expired": 410}


def invitation_accept(request, token: str):
    """The link in an invitation email: set a password (or sign in) and join the partnership."""
    if request.partnership is None:
        raise Http404
    try:
        invitation = invitation_for_token(token)
    except InvitationUnusableError as unusable:
        return render(
            request,
            "accounts/invitation_unusable.html",
            {"reason": unusable.reason, "invitation": unusable.invitation},
            status=UNUSABLE_STATUS[unusable.reason],
        )
    existing_account = User.objects.filter(email=invitation.email).first()
    context = {"invitation": invitation, "token": token}
    if existing_account is not None:
        return _accept_with_existing_account(request, token, invitation, existing_account, context)

    if request.user.is_authenticated:
        context["signed_in_as_someone_else"] = True
        return render(request, "accounts/invitation_accept.html", context)
    form = AcceptInvitationForm(
        request.POST or None,
        initial={
            "first_name": invitation.first_name,
            "last_name": invitation.last_name,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            user, membership = invitation_accept_as_new_user(
                token=token,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                password=form.cleaned_data["password"],
            )
        except InvitationUnusableError as unusable:
            return render(
                request,
                "accounts/invitation_unusable.html",
                {"reason": unusable.reason},
                status=UNUSABLE_STATUS[unusable.reason],
            )
        except ValidationError as error:
            add_service_errors(form, error, field="password")
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                f"Welcome to {request.partnership.name}. You have joined as {membership.get_role_display().lower()}.",
            )
            return redirect("home")
    context["form"] = form
    return render(request, "accounts/invitation_accept.html", context)


def _accept_with_existing_account(request, token, invitation, account, context):
    context["existing_account"] = account
    if not request.user.is_authenticated:
        context["login_url"] = f"{reverse('account_login')}?next={request.path}"
        return render(request, "accounts/invitation_accept.html", context)
    if request.user.pk != account.pk:
        context["signed_in_as_someone_else"] = True
        return render(request, "accounts/invitation_accept.html", context)
    if request.method == "POST":
        try:
            membership = invitation_accept_as_existing_user(token=token, user=request.user)
        except InvitationUnusableError as unusable:
            return render(
                request,
                "accounts/invitation_unusable.html",
                {"reason": unusable.reason},
                status=UNUSABLE_STATUS[unusable.reason],
            )
        messages.success(
            request, f"You have joined {request.partnership.name} as {membership.get_role_display().lower()}."
        )
        return redirect("home")
    return render(request, "accounts/invitation_accept.html", context)


def _invitation_for_action(request, pk: int) -> Invitation:
    invitation = get_object_or_404(Invitation, pk=pk)
    if not can_revoke_invitation(request.user, invitation):
        raise Http404
    return invitation


@login_required
@require_POST
def invitation_resend_view(request, pk: int):
    invitation = _invitation_for_action(request, pk)
    try:
        invitation_resend(invitation=invitation)
    except ValidationError as error:
        show_service_errors(request, error)
    else:
        messages.success(request, f"A new invitation link is on its way to {invitation.email}.")
    return redirect("people")


@login_required
@require_POST
def invitation_revoke_view(request, pk: int):
    invitation = _invitation_for_action(request, pk)
    try:
        invitation_revoke(invitation=invitation)
    except ValidationError as error:
        show_service_errors(request, error)
    else:
        messages.success(request, f"The invitation to {invitation.email} has been withdrawn; its link no longer works.")
    return redirect("people")
