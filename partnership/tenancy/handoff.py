"""Carrying a signed-in person from the portal address to a partnership's address.

Sessions are per host, so the portal hands over a signed, short-lived, single-use token that the
partnership's address exchanges for a session of its own.
"""

import secrets

from django.core import signing
from django.core.cache import cache

from .hosts import portal_url

SALT = "partnership.tenancy.handoff"
MAX_AGE_SECONDS = 60


def handoff_token(*, user_id: int, partnership_id: int) -> str:
    return signing.dumps({"u": user_id, "p": partnership_id, "n": secrets.token_urlsafe(16)}, salt=SALT)


def user_id_from_handoff(token: str, *, partnership_id: int, origin: str | None) -> int | None:
    """The user the token was made for, once; None if it is forged, stale, reused, for another partnership, or
    not posted from the portal's own page (`origin`: the request's Origin header; another site's page cannot
    deliver a token it obtained, and the token is not spent by trying)."""
    if origin != portal_url("").rstrip("/"):
        return None
    try:
        payload = signing.loads(token, salt=SALT, max_age=MAX_AGE_SECONDS)
    except signing.BadSignature:
        return None
    if payload.get("p") != partnership_id:
        return None
    if not cache.add(f"handoff:{payload['n']}", 1, timeout=MAX_AGE_SECONDS * 2):
        return None
    return payload.get("u")
