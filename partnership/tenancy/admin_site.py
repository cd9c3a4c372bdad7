from functools import wraps

from django.contrib.admin import AdminSite

from .permissions import can_use_admin
from .scoping import cross_tenant


class PlatformAdminSite(AdminSite):
    """The Django admin, for platform operators only, on the bare portal address, across partnerships."""

    site_header = "Partnership portal: platform administration"
    site_title = "Platform administration"

    def has_permission(self, request) -> bool:
        return getattr(request, "partnership", None) is None and can_use_admin(request.user)

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
