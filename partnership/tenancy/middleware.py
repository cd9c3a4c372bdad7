from django.http import Http404

from .hosts import partnership_for_host
from .permissions import is_member
from .scoping import partnership_scope

VIEWS_OPEN_TO_NON_MEMBERS = frozenset({"account_logout", "invitation_accept", "tenant_handoff", "partnership_logo"})


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
        if partnership is None or not request.user.is_authenticated:
            return None
        if request.resolver_match and request.resolver_match.url_name in VIEWS_OPEN_TO_NON_MEMBERS:
            return None
        if not is_member(request.user, partnership):
            raise Http404("Not a member of this partnership")
        return None
