import mimetypes

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from partnership.common.forms import add_service_errors, show_service_errors
from partnership.common.http import safe_next

from .forms import BrandingForm
from .handoff import handoff_token, user_id_from_handoff
from .hosts import partnership_url
from .models import Membership, Partnership
from .permissions import can_end_membership, can_manage_partnership, is_member
from .services import membership_end, partnership_update_branding


@login_required
@require_POST
def tenant_enter(request, slug: str):
    """From the portal address into one partnership, signed in: a POST from the portal's own page (CSRF-checked),
    answered with a page that posts a single-use token to the partnership's address."""
    if request.partnership is not None:
        raise Http404
    partnership = get_object_or_404(Partnership, slug=slug)
    if not is_member(request.user, partnership):
        raise Http404
    token = handoff_token(user_id=request.user.pk, partnership_id=partnership.pk)
    response = render(
        request,
        "tenancy/handoff.html",
        {"partnership": partnership, "action": partnership_url(partnership, "/accounts/handoff/"), "token": token},
    )
    # The partnership's address checks that the hand-off comes from the portal's page: send the Origin.
    response["Referrer-Policy"] = "strict-origin"
    response["Cache-Control"] = "no-store"
    return response


@require_POST  # not CSRF-checked (see urls.py): the signed, single-use token and the portal's Origin are the proof
def tenant_handoff(request):
    partnership = request.partnership
    if partnership is None:
        raise Http404
    user_id = user_id_from_handoff(
        request.POST.get("token", ""), partnership_id=partnership.pk, origin=request.headers.get("Origin")
    )
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first() if user_id else None
    if user is None or not is_member(user, partnership):
        messages.info(request, "Please sign in to continue.")
        return redirect("account_login")
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return redirect("home")


def partnership_logo(request):
    partnership = request.partnership
    if partnership is None or not partnership.logo:
        raise Http404
    content_type = mimetypes.guess_type(partnership.logo.name)[0] or "application/octet-stream"
    response = FileResponse(partnership.logo.open("rb"), content_type=content_type)
    response["Cache-Control"] = "public, max-age=3600"
    return response


@login_required
def membership_end_view(request, pk: int):
    """GET: the confirmation page (ending a role cannot be undone); POST: end it."""
    membership = get_object_or_404(
        Membership.objects.select_related("user", "school", "area", "cluster"), pk=pk, ended_on__isnull=True
    )
    if not can_end_membership(request.user, membership):
        raise Http404
    back = safe_next(request, reverse("people"))  # on the page: where the person came from (?next=), if safe
    if request.method != "POST":
        return render(request, "tenancy/membership_end.html", {"membership": membership, "back": back})
    try:
        membership_end(membership=membership)
    except ValidationError as error:
        show_service_errors(request, error)
    else:
        messages.success(
            request,
            f"{membership.user} no longer holds the role of "
            f"{membership.get_role_display().lower()}. The record is kept in the history.",
        )
    return redirect(safe_next(request, reverse("people")))


@login_required
def partnership_settings(request):
    partnership = request.partnership
    if not can_manage_partnership(request.user, partnership):
        raise Http404
    initial = {field: getattr(partnership, field) for field in ("name", "short_description", "colour", "contact_email")}
    form = BrandingForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data.get("logo")
        try:
            partnership_update_branding(
                partnership=partnership,
                name=data["name"],
                short_description=data["short_description"],
                colour=data["colour"],
                contact_email=data["contact_email"],
                logo=upload.read() if upload else None,
                remove_logo=data["remove_logo"],
            )
        except ValidationError as error:
            add_service_errors(form, error, field="logo" if upload else None)
        else:
            messages.success(request, "The partnership's details have been saved.")
            return redirect("partnership_settings")
    return render(request, "tenancy/settings.html", {"form": form})
