from django.shortcuts import redirect

from partnership.tenancy.permissions import roles_of
from partnership.tenancy.roles import ROLES_THAT_SEE_REVIEWS

from .services import user_has_two_factor

# Pages a person must still reach to set up two-factor authentication or leave.
OPEN_WITHOUT_TWO_FACTOR = frozenset(
    {"account_logout", "account_reauthenticate", "two_factor_required", "partnership_logo", "tenant_handoff"}
)


def needs_two_factor_setup(user, partnership) -> bool:
    """The partnership requires two-factor authentication of the user's roles and the user has none yet."""
    if partnership is None or not partnership.require_two_factor_for_review_roles or not user.is_authenticated:
        return False
    if roles_of(user, partnership).isdisjoint(ROLES_THAT_SEE_REVIEWS):
        return False
    return not user_has_two_factor(user)


class TwoFactorRequiredMiddleware:
    """Where a partnership requires it, a person in a role that sees reviews sets up two-factor authentication
    before anything else: from the request after signing in, every page leads to the page that explains how."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        name = match.url_name if match else None
        if name is None or name in OPEN_WITHOUT_TWO_FACTOR or name.startswith("mfa_"):
            return None
        if needs_two_factor_setup(request.user, getattr(request, "partnership", None)):
            return redirect("two_factor_required")
        return None
