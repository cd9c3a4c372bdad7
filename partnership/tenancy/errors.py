"""Error pages in the portal's own style, branded when the partnership is known."""

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader

from .hosts import partnership_url
from .selectors import partnerships_of


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


def page_not_found(request, exception=None):
    context = {}
    partnership = getattr(request, "partnership", None)
    user = getattr(request, "user", None)
    if partnership is not None and user is not None and user.is_authenticated:
        context["own_partnerships"] = [
            {"name": p.name, "url": partnership_url(p)} for p in partnerships_of(user) if p.pk != partnership.pk
        ]
    return render(request, "errors/404.html", context, status=404)


def server_error(request):
    # No context processors and no database: whatever broke the request may break them too.
    partnership = getattr(request, "partnership", None)
    html = loader.get_template("errors/500.html").render(
        {"service_name": partnership.name if partnership else "Partnership portal", "partnership": partnership}
    )
    return HttpResponseServerError(html)
