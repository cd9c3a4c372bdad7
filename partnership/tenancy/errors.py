"""Error pages in the portal's own style, branded when the partnership is known."""

import sys

import psycopg
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from redis.exceptions import RedisError

from .hosts import partnership_url
from .selectors import partnerships_of

TOO_MANY_CONNECTIONS = "53300"  # PostgreSQL: too_many_connections (max_connections, a role's or a database's limit)
BUSY_MESSAGES = ("too many clients", "too many connections", "remaining connection slots are reserved")


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


DATABASE_BUSY = (
    "The portal is very busy",
    "Too many people are using the portal at this moment for it to answer you. Please try again in a minute.",
)
DATABASE_AWAY = (
    "The portal cannot reach its database",
    "The portal cannot answer for a moment. Please try again in a few minutes.",
)
CACHE_AWAY = (
    "Signing in is not possible for a moment",
    "Part of the portal that signing in (and a few other actions) needs is not answering, so it could not be done. "
    "Please try again in a few minutes.",
)
RETRY_AFTER_SECONDS = 30


def server_error(request):
    # No context processors and no database: whatever broke the request may break them too.
    partnership = getattr(request, "partnership", None)
    context = {"service_name": partnership.name if partnership else "Partnership portal", "partnership": partnership}
    unavailable = _what_is_unavailable(sys.exc_info()[1])
    if unavailable is not None:
        context["heading"], context["explanation"] = unavailable
        response = HttpResponse(loader.get_template("errors/503.html").render(context), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponseServerError(loader.get_template("errors/500.html").render(context))


UNUSABLE_ADDRESS = "The address is not one the portal can answer. Check it, or go back and follow a link instead."


def bad_request(request, exception=None, explanation: str = UNUSABLE_ADDRESS):
    partnership = getattr(request, "partnership", None)
    context = {
        "service_name": partnership.name if partnership else "Partnership portal",
        "partnership": partnership,
        "explanation": explanation,
    }
    return HttpResponseBadRequest(loader.get_template("errors/400.html").render(context))


def _what_is_unavailable(error: BaseException | None) -> tuple[str, str] | None:
    """A clear 503 instead of a 500 when a service the portal depends on cannot take the request."""
    if isinstance(error, RedisError):
        return CACHE_AWAY
    if isinstance(error, (OperationalError, InterfaceError)):
        text = str(error)
        # Refused at connection time there is no SQLSTATE, only PostgreSQL's message.
        if getattr(error.__cause__, "sqlstate", None) == TOO_MANY_CONNECTIONS or any(m in text for m in BUSY_MESSAGES):
            return DATABASE_BUSY
        if isinstance(error.__cause__, psycopg.OperationalError) and text.startswith("connection failed"):
            return DATABASE_AWAY
    return None
