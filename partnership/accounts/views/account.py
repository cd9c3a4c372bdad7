"""A person's own account: their name, email address, sessions and two-factor authentication; and the
partnership's rule that people who see reviews use two-factor authentication."""

from allauth.account.models import EmailAddress
from allauth.account.views import EmailView
from allauth.usersessions.models import UserSession
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render

from partnership.common.forms import service_errors
from partnership.tenancy.permissions import can_manage_partnership

from ..forms import NameForm, TwoFactorPolicyForm
from ..middleware import needs_two_factor_setup
from ..services import (
    partnership_require_two_factor,
    user_email_address_record,
    user_has_two_factor,
    user_update_name,
)


@login_required
def account_overview(request):
    user = request.user
    context = {
        "pending_email": EmailAddress.objects.filter(user=user, verified=False).exclude(email=user.email).first(),
        "has_totp": user_has_two_factor(user),
        "session_count": UserSession.objects.filter(user=user).count(),
    }
    return render(request, "accounts/account.html", context)


@login_required
def account_name(request):
    user = request.user
    form = NameForm(
        request.POST or None, initial={"title": user.title, "first_name": user.first_name, "last_name": user.last_name}
    )
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as refusal:
            user_update_name(user=user, **form.cleaned_data)
        if not refusal:
            messages.success(request, "Your name has been changed.")
            return redirect("account_overview")
    return render(request, "accounts/account_name.html", {"form": form})


class ChangeEmailView(EmailView):
    """allauth's change of address (the new one is confirmed by a link sent to it before it replaces the old)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            user_email_address_record(user=request.user)
        return super().dispatch(request, *args, **kwargs)


account_email = login_required(ChangeEmailView.as_view())


@login_required
def two_factor_required(request):
    """Where every page leads, until the person has set up two-factor authentication that their partnership
    requires."""
    if not needs_two_factor_setup(request.user, request.partnership):
        return redirect("home")
    return render(request, "accounts/two_factor_required.html")


@login_required
def two_factor_policy(request):
    partnership = request.partnership
    if partnership is None or not can_manage_partnership(request.user, partnership):
        raise Http404
    form = TwoFactorPolicyForm(
        request.POST if request.method == "POST" else None,
        initial={"require_two_factor_for_review_roles": partnership.require_two_factor_for_review_roles},
    )
    if request.method == "POST" and form.is_valid():
        required = form.cleaned_data["require_two_factor_for_review_roles"]
        with service_errors(form, field="require_two_factor_for_review_roles") as refusal:
            partnership_require_two_factor(partnership=partnership, required=required, by=request.user)
        if not refusal:
            messages.success(
                request,
                "Everyone who can see reviews must now use two-factor authentication."
                if required
                else "Two-factor authentication is no longer required; each person may still choose it.",
            )
            return redirect("two_factor_policy")
    return render(
        request, "accounts/two_factor_policy.html", {"form": form, "has_totp": user_has_two_factor(request.user)}
    )
