"""No form answers bad input with a server error: every form a demo person is shown (two addresses of each kind
of page, reached by following links from their home page) is sent empty values, overlong text, impossible
numbers and dates, markup and a NUL character. Whatever each form says, it must say it as a page, not as a 500.
"""

import html
import re
from collections import defaultdict, deque

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from partnership.accounts.models import User
from tests.test_links import LINK, view_name

FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S)
FIELD = re.compile(r"<(input|select|textarea)\b([^>]*)>", re.S)
GARBAGE = ("", "x" * 3000, "-1", "99999999999999999999", "2026-02-30", "<script>alert(1)</script>", "\x00")
# Who fills in forms, in this order (earlier people's garbage may end later people's roles, so the heads go last).
PEOPLE = (("riverside", "deputy"), ("riverside", "governor"), ("riverside", "head"), ("northshire", "coordinator"))


def attribute(name: str, tag: str) -> str | None:
    found = re.search(rf'\b{name}="([^"]*)"', tag)
    return html.unescape(found[1]) if found else None


def post_forms_on(page: str, path: str) -> list[tuple[str, dict[str, tuple[str, str]]]]:
    """The page's POST forms: their address and fields ({name: (type, value)}), the CSRF token left out."""
    forms = []
    for form_tag, body in FORM.findall(page):
        if (attribute("method", form_tag) or "get").lower() != "post":
            continue
        fields = {}
        for tag, attrs in FIELD.findall(body):
            name = attribute("name", attrs)
            if name and name != "csrfmiddlewaretoken":
                fields[name] = (attribute("type", attrs) or tag, attribute("value", attrs) or "")
        forms.append((attribute("action", form_tag) or path, fields))
    return forms


def server_errors_from_garbage(client: Client) -> tuple[list[str], int]:
    taken: dict[str, int] = defaultdict(int)
    seen: set[str] = set()
    tried: set[tuple] = set()
    queue = deque(["/"])
    errors, posts = [], 0
    while queue:
        path = queue.popleft()
        name = view_name(path)
        if path in seen or name in (None, "account_logout") or taken[name] >= 2:
            continue
        seen.add(path)
        taken[name] += 1
        response = client.get(path)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        page = response.content.decode()
        queue.extend(
            href.replace("&amp;", "&").split("#")[0]
            for href in LINK.findall(page)
            if href.startswith("/") and not href.startswith(settings.STATIC_URL)
        )
        for action, fields in post_forms_on(page, path):
            kind = (view_name(action.split("?")[0]), tuple(sorted(fields)))
            if kind[0] == "account_logout" or kind in tried:
                continue
            tried.add(kind)
            for garbage in GARBAGE:
                data = {
                    name: value if kind_of_field in ("hidden", "submit") else garbage
                    for name, (kind_of_field, value) in fields.items()
                }
                status = client.post(action, data).status_code
                if status >= 500:
                    errors.append(f"{action} with {garbage[:12]!r}: HTTP {status}")
                posts += 1
    return errors, posts


@pytest.mark.django_db
def test_no_form_answers_bad_input_with_a_server_error(settings, media_root, tmp_path, capsys):
    settings.DEBUG = True  # the demo command refuses to run otherwise
    call_command("demo_data", gias_dir=tmp_path)
    capsys.readouterr()
    errors, posts = [], {}
    for slug, person in PEOPLE:
        # A view's exception becomes the 500 page, as for a person, instead of stopping the test.
        client = Client(HTTP_HOST=f"{slug}.{settings.PORTAL_DOMAIN}", raise_request_exception=False)
        client.force_login(User.objects.get(email=f"{person}@{slug}.example"))
        found, posts[f"{person}@{slug}"] = server_errors_from_garbage(client)
        errors += [f"{person}@{slug}: {error}" for error in found]
    assert posts["coordinator@northshire"] >= 200 and posts["head@riverside"] >= 50, posts
    assert errors == []
