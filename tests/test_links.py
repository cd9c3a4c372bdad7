"""No dead ends: every link a demo person is shown opens for them, in both demo partnerships, role by role.

Each person follows the links on their pages breadth first from their home page (up to three addresses of each
kind of page), as a person clicking around would; a link that answers 403, 404 or 500 is a page offering what it
cannot give.
"""

import re
from collections import defaultdict, deque
from urllib.parse import urldefrag, urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve

from partnership.accounts.models import User

LINK = re.compile(r'<a\s[^>]*href="([^"]+)"')
PEOPLE = ("coordinator", "board", "area-chair", "cluster-lead", "head", "deputy", "governor", "sendco")
PER_KIND = 3


def view_name(path: str) -> str | None:
    try:
        return resolve(urlsplit(path).path).view_name
    except Resolver404:
        return None


def dead_links(client: Client) -> tuple[dict[str, str], int]:
    """Links this person is shown that do not open ({address: "HTTP status, on the page showing it"}), and how
    many pages were opened."""
    taken: dict[str, int] = defaultdict(int)
    seen: set[str] = set()
    queue = deque([("/", "the start")])
    dead = {}
    while queue:
        path, shown_on = queue.popleft()
        name = view_name(path)
        if path in seen or name == "account_logout" or (name and taken[name] >= PER_KIND):
            continue
        seen.add(path)
        if name is None:
            dead[path] = f"no such address, on {shown_on}"
            continue
        taken[name] += 1
        response = client.get(path, follow=True)
        if response.status_code != 200:
            dead[path] = f"HTTP {response.status_code}, on {shown_on}"
            continue
        if "html" not in response.get("Content-Type", ""):
            continue
        for href in LINK.findall(response.content.decode()):
            href = urldefrag(href.replace("&amp;", "&"))[0]
            if href.startswith("/") and not href.startswith(settings.STATIC_URL):
                queue.append((href, path))
    return dead, len(seen)


@pytest.mark.django_db
def test_every_link_a_demo_person_is_shown_opens_for_them(settings, media_root, tmp_path, capsys):
    settings.DEBUG = True  # the demo command refuses to run otherwise
    call_command("demo_data", gias_dir=tmp_path)
    capsys.readouterr()
    dead, opened = {}, {}
    for slug in ("northshire", "riverside"):
        host = f"{slug}.{settings.PORTAL_DOMAIN}"
        for person in PEOPLE:
            client = Client(HTTP_HOST=host)
            client.force_login(User.objects.get(email=f"{person}@{slug}.example"))
            found, opened[f"{person}@{slug}"] = dead_links(client)
            dead.update({f"{person}@{slug}: {path}": why for path, why in found.items()})
    # Everyone gets about: their home, the directory, school profiles, their account pages, and more by role.
    assert min(opened.values()) >= 10, opened
    assert opened["coordinator@northshire"] >= 80, opened
    assert dead == {}
