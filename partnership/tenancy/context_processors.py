from django.urls import reverse

from .navigation import navigation_for


def tenant(request) -> dict:
    partnership = getattr(request, "partnership", None)
    context = {"partnership": partnership, "nav_items": [], "service_name": "Partnership portal"}
    if partnership is None:
        return context
    context["service_name"] = partnership.name
    context["logo_url"] = reverse("partnership_logo") if partnership.logo else ""
    context["nav_items"] = navigation_for(request)
    return context
