"""The `next` address after a POST is followed only within the portal (partnership/common/http.py)."""

import pytest
from django.test import RequestFactory

from partnership.common.http import safe_next

FALLBACK = "/notifications/"


def posted(next_url: str, *, secure: bool = False):
    return RequestFactory().post("/", {"next": next_url}, HTTP_HOST="alpha.localhost", secure=secure)


@pytest.mark.parametrize(
    "next_url",
    ["/reviews/7/", "/reviews/7/?tab=visit#dates", "http://alpha.localhost/reviews/7/"],
)
def test_an_address_on_this_portal_is_followed(next_url):
    assert safe_next(posted(next_url), FALLBACK) == next_url


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/",
        "//evil.example/reviews/7/",
        "http://beta.localhost/reviews/7/",
        "javascript:alert(1)",
        "https:///evil.example",
        "",
    ],
)
def test_an_address_on_another_host_or_none_falls_back(next_url):
    assert safe_next(posted(next_url), FALLBACK) == FALLBACK


def test_a_secure_request_is_not_sent_back_to_plain_http():
    assert safe_next(posted("http://alpha.localhost/reviews/7/", secure=True), FALLBACK) == FALLBACK
    assert safe_next(posted("https://alpha.localhost/reviews/7/", secure=True), FALLBACK) == (
        "https://alpha.localhost/reviews/7/"
    )


def test_on_a_get_the_address_in_the_query_is_checked_the_same_way():
    """A confirmation page (ending a role) goes back where the person came from, never off the site."""
    asked = RequestFactory().get("/", {"next": "/schools/100001/"}, HTTP_HOST="alpha.localhost")
    assert safe_next(asked, FALLBACK) == "/schools/100001/"
    crafted = RequestFactory().get("/", {"next": "https://evil.example/"}, HTTP_HOST="alpha.localhost")
    assert safe_next(crafted, FALLBACK) == FALLBACK
    # A POST reads only what was posted, not the query.
    posted_to = RequestFactory().post("/?next=/reviews/7/", {}, HTTP_HOST="alpha.localhost")
    assert safe_next(posted_to, FALLBACK) == FALLBACK
