"""Following a `next` address after a POST, only within the portal."""

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, fallback: str) -> str:
    """The POSTed `next` address (on a GET, the one in the query: a confirmation page that goes back where the
    person came from) when it stays on this host (and on HTTPS when the request came over HTTPS); `fallback`
    otherwise, so that a crafted link cannot send a person to another site after they act."""
    target = (request.POST if request.method == "POST" else request.GET).get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback
