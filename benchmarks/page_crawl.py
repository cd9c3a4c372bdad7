"""Every page a coordinator and a board member reach at county scale, timed: the slowest first.

    DATABASE_URL=postgres://.../yours python benchmarks/page_crawl.py [--slug county] [--per-page 3]
    python benchmarks/page_crawl.py --slug northshire --people head,governor,board,coordinator

Builds the partnership with `scale_data`'s generator (600 schools, five cycles) unless it exists, then signs in as
its coordinator and its board member (Django's test client, the full middleware stack, DEBUG off) and follows
every link from the home page within the partnership's address, breadth first: at most `--per-page` addresses of
each URL pattern (a review page, a school profile...), each fetched once more after a first visit so that the
figure is a warm one. Downloads that write an audit record (report PDFs, documents) and signing out are left out.
Prints each pattern's slowest address, its time and number of queries, slowest first, and any page that did not
answer 200. A page that takes seconds at county scale shows here long before a coordinator meets it.
"""

import argparse
import re
import sys
import time
from collections import defaultdict, deque
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve

# Importing the dashboard benchmark sets Django up as it does (DEBUG off, the settings' cache) before any model.
from benchmarks.dashboard import ensure_county, ready_for_requests
from partnership.accounts.models import User

LINK = re.compile(r"""<a\s[^>]*href="([^"]+)\"""")
LEFT_OUT = ("report_download", "review_attachment_download", "account_logout", "calendar_new_address")


def pattern_of(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def fetch(client: Client, path: str) -> tuple[int, float, int, str]:
    """Status, warm milliseconds and queries of a page (one visit first, then the one that is measured)."""
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(path)
        elapsed = (time.perf_counter() - started) * 1000
    body = response.content.decode(errors="replace") if "html" in response.get("Content-Type", "") else ""
    return response.status_code, elapsed, len(queries), body


def crawl(client: Client, per_pattern: int) -> list[tuple[str, str, int, float, int]]:
    seen: set[str] = set()
    taken: dict[str, int] = defaultdict(int)
    queue = deque(["/"])
    results = []
    while queue:
        path = queue.popleft()
        name = pattern_of(urlsplit(path).path)
        if path in seen or name is None or name in LEFT_OUT or taken[name] >= per_pattern:
            continue
        seen.add(path)
        taken[name] += 1
        status, elapsed, queries, body = fetch(client, path)
        results.append((name, path, status, elapsed, queries))
        for href in LINK.findall(body):
            href = urldefrag(href.replace("&amp;", "&"))[0]
            if href.startswith("/") and not href.startswith(("/static/", "/media/")):
                queue.append(href)
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--slug", default="county")
    parser.add_argument("--schools", type=int, default=600)
    parser.add_argument("--cycles", type=int, default=5)
    parser.add_argument("--per-page", type=int, default=3)
    parser.add_argument("--show", type=int, default=15)
    parser.add_argument(
        "--people",
        default="coordinator,board",
        help="who signs in, as the part of their email before @<slug>.example (the demo partnerships have "
        "coordinator, board, area-chair, cluster-lead, head, deputy, governor and sendco)",
    )
    args = parser.parse_args()

    partnership = ensure_county(args.slug, args.schools, args.cycles)
    host = ready_for_requests(partnership)
    for role in args.people.split(","):
        client = Client(HTTP_HOST=host)
        client.force_login(User.objects.get(email=f"{role}@{args.slug}.example"))
        results = crawl(client, args.per_page)
        slowest: dict[str, tuple] = {}
        for row in results:
            if row[0] not in slowest or row[3] > slowest[row[0]][3]:
                slowest[row[0]] = row
        ranked = sorted(slowest.values(), key=lambda row: -row[3])
        print(f"\n{role}: {len(results)} pages of {len(slowest)} kinds; the slowest of each kind, slowest first")
        for name, path, status, elapsed, queries in ranked[: args.show]:
            print(f"  {elapsed:8.1f} ms {queries:4d} queries  HTTP {status}  {name:<28} {path}")
        failures = [row for row in results if row[2] not in (200, 302)]
        print(f"  pages not answering 200 or a redirect: {len(failures)}")
        for name, path, status, _elapsed, _queries in failures:
            print(f"    HTTP {status}  {name}  {path}")


if __name__ == "__main__":
    main()
