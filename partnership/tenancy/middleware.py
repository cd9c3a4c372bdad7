from django.http import Http404

from . import errors
from .hosts import partnership_for_host
from .permissions import is_member
from .scoping import ScopeError, partnership_scope

VIEWS_OPEN_TO_NON_MEMBERS = frozenset({"account_logout", "invitation_accept", "tenant_handoff", "partnership_logo"})


def open_to_non_members(view):
    """Marks a feature's page as open to people who are not members of the partnership (signed in elsewhere, or not
    at all), such as its public pages: the page says so itself, so the core names no feature."""
    view.open_to_non_members = True
    return view


# What the bare portal address serves: the chooser, signing in and a person's own account (allauth and ours),
# the platform admin and the audit log across partnerships. Every other page belongs to a partnership's address:
# on the portal address it is a 404, never a 500. (A view may also say so itself: `view.serves_portal_address`.)
PORTAL_ADDRESS_VIEWS = frozenset({"home", "tenant_enter"})
PORTAL_ADDRESS_MODULES = (
    "allauth.",
    "partnership.accounts.views.account",
    "partnership.audit.",
    "django.contrib.admin.",
    "django.views.",
)


def serves_the_portal_address(match) -> bool:
    if match is None:
        return False
    module = getattr(match.func, "__module__", "") or ""
    return (
        match.url_name in PORTAL_ADDRESS_VIEWS
        or "admin" in match.namespaces
        or module.startswith(PORTAL_ADDRESS_MODULES)
        or getattr(match.func, "serves_portal_address", False)
    )


class TenantMiddleware:
    """Sets request.partnership from the host and runs the request inside that partnership's scope.

    On the bare portal address there is no scope, so any tenant-owned query fails closed. A signed-in
    person who is not a member of the host's partnership gets a 404, as for a missing object.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.partnership = None
        request.partnership = partnership_for_host(request.get_host())
        if request.partnership is None:
            return self.get_response(request)
        with partnership_scope(request.partnership):
            return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        partnership = request.partnership
        if partnership is None and not serves_the_portal_address(request.resolver_match):
            raise Http404("A partnership's page, asked for on the portal address")
        if partnership is None or not request.user.is_authenticated:
            return None
        if request.resolver_match and request.resolver_match.url_name in VIEWS_OPEN_TO_NON_MEMBERS:
            return None
        if getattr(view_func, "open_to_non_members", False):  # marked with open_to_non_members() above
            return None
        if not is_member(request.user, partnership):
            raise Http404("Not a member of this partnership")
        return None

    def process_exception(self, request, exception):
        # A partnership's page asked for on the bare portal address (no partnership, so no scope): the page is not
        # here, as for any missing page. Never a 500, never a hint of what the partnership holds.
        if isinstance(exception, ScopeError) and request.partnership is None:
            raise Http404("Not a page of the portal address") from exception
        return None


NUL_IN_ADDRESS = (
    "The address has a character in it that no page of the portal uses (a NUL byte). Check it, or go back and "
    "follow a link instead."
)


class RefuseNulBytesMiddleware:
    """A NUL byte in the path is refused with a 400 before any view: PostgreSQL text cannot hold one, so it ended in
    a 500 wherever the path reached a query (GET /calendar/%00.ics). In a query string it reaches the page's form,
    which refuses it with a message (tests/tenancy/test_faults.py tries it on every address)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path_info:
            return errors.bad_request(request, explanation=NUL_IN_ADDRESS)
        return self.get_response(request)
