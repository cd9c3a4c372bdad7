from allauth.account.adapter import DefaultAccountAdapter, get_adapter
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured, PermissionDenied


class InviteOnlyAccountAdapter(DefaultAccountAdapter):
    """No open sign-up: people join through an invitation from their partnership."""

    def is_open_for_signup(self, request) -> bool:
        return False

    def get_login_redirect_url(self, request) -> str:
        return "/"

    def confirm_email(self, request, email_address) -> bool:
        """A confirmed change of address never takes an address another account signs in with (the page that
        asked for it does not say so, to keep accounts from being probed)."""
        taken = get_user_model().objects.filter(email=email_address.email).exclude(pk=email_address.user_id)
        if taken.exists():
            messages.error(request, f"{email_address.email} cannot be used for this account. Nothing was changed.")
            return False
        return super().confirm_email(request, email_address)


def client_ip(request) -> str | None:
    """The address a request came from, as sign-in rate limiting sees it, for the audit of downloads.

    Behind a reverse proxy every connection comes from the proxy, so with TRUSTED_PROXY_COUNT set the address is
    read from X-Forwarded-For as that many proxies wrote it (never from the client-written part on the left).
    """
    try:
        return get_adapter(request).get_client_ip(request)
    except (PermissionDenied, ImproperlyConfigured):
        # The header is shorter than the proxies said: record the connection's own address rather than none.
        return request.META.get("REMOTE_ADDR") or None
