"""Framework events the accounts app listens to (connected in AccountsConfig.ready)."""

from allauth.usersessions.models import UserSession
from django.core.exceptions import ImproperlyConfigured, PermissionDenied


def record_session_at_sign_in(sender, request, user, **kwargs) -> None:
    """Every way in (the sign-in page, an accepted invitation, the hand-off between addresses) lists the session
    among the person's sessions, so they can see it and sign it out. allauth records its own sign-ins too; this
    one is idempotent."""
    if request is None or not hasattr(request, "session") or getattr(request, "user", None) is None:
        return  # a sign-in made outside a request (the test client's force_login)
    try:
        UserSession.objects.create_from_request(request)
    except (PermissionDenied, ImproperlyConfigured):
        # A forwarded-for header shorter than the configured proxies: allauth refuses to guess the address.
        return
