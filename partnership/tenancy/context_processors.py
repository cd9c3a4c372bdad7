from django.urls import reverse


def tenant(request) -> dict:
    partnership = getattr(request, "partnership", None)
    context = {"partnership": partnership, "service_name": "Partnership portal"}
    if partnership is None:
        return context
    context["service_name"] = partnership.name
    context["logo_url"] = reverse("partnership_logo") if partnership.logo else ""
    return context
