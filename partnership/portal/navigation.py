"""The service navigation: every app's items (partnership/portal/registry.py), filtered by what the signed-in
person may use."""

from django.urls import reverse

from partnership.tenancy.permissions import is_member

from .registry import nav_items


def navigation_for(request) -> list[dict]:
    user, partnership = request.user, request.partnership
    if partnership is None or not user.is_authenticated or not is_member(user, partnership):
        return []
    items = []
    for item in nav_items():
        if item.visible(user, partnership):
            url = reverse(item.url_name)
            current = request.path == url if url == "/" else request.path.startswith(url)
            items.append({"label": item.label, "url": url, "current": current})
    return items
