from functools import wraps

from allauth.account.authentication import get_authentication_records
from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from .permissions import can_use_admin
from .scoping import cross_tenant


def signed_in_with_second_factor(request) -> bool:
    """This session's sign-in included a code from the person's authenticator (or a recovery code)."""
    return any(record.get("method") == "mfa" for record in get_authentication_records(request, request.user))


class PlatformAdminSite(AdminSite):
    """The Django admin, for platform operators only, on the bare portal address, across partnerships.

    Nobody signs in through the admin: its login page sends people to the portal's own sign-in (allauth: the
    failed sign-in limits and two-factor authentication), and an operator must have signed in with a second factor.
    """

    site_header = "Partnership portal: platform administration"
    site_title = "Platform administration"

    def has_permission(self, request) -> bool:
        return (
            getattr(request, "partnership", None) is None
            and can_use_admin(request.user)
            and (signed_in_with_second_factor(request) or not settings.PLATFORM_ADMIN_REQUIRES_TWO_FACTOR)
        )

    def login(self, request, extra_context=None):
        if getattr(request, "partnership", None) is not None:
            raise Http404
        next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
        if not next_url.startswith("/admin/"):  # only an admin page of this address
            next_url = reverse("admin:index", current_app=self.name)
        if not request.user.is_authenticated:
            return HttpResponseRedirect(f"{reverse('account_login')}?{urlencode({REDIRECT_FIELD_NAME: next_url})}")
        if self.has_permission(request):
            return HttpResponseRedirect(next_url)
        context = {"operator": can_use_admin(request.user)}
        return render(request, "admin/second_factor_required.html", context, status=403)

    def admin_view(self, view, cacheable=False):
        guarded = super().admin_view(view, cacheable)

        @wraps(guarded)
        def across_partnerships(request, *args, **kwargs):
            with cross_tenant("platform operators administer every partnership"):
                response = guarded(request, *args, **kwargs)
                if hasattr(response, "render") and not response.is_rendered:
                    response.render()
                return response

        return across_partnerships
