"""The CPU each page of the load benchmark's journeys costs: Django's and its PostgreSQL backend's, per request.

    DATABASE_URL=postgres://.../yours python benchmarks/page_cpu.py [--runs 30] [--slug county]

Uses the county and the people `benchmarks/load.py` makes (run that first, or this builds them the same way), and
requests each page as the person who uses it, through the full middleware stack (Django's test client, DEBUG off),
after a warm-up. CPU time, unlike wall-clock time, does not grow when the machine is busy with something else, so
the figures compare across runs and machines' loads: what a page costs is what limits how many people one machine
serves. Prints the median CPU and wall-clock milliseconds and the queries of each page, and the mix's average
weighted as load.py's people request the pages.
"""

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from django.test import Client

# Importing the dashboard benchmark sets Django up as it does (DEBUG off, the settings' cache) before any model.
from benchmarks.dashboard import ensure_county, queries_of, ready_for_requests
from benchmarks.load import ensure_people
from benchmarks.rls import CpuClock, measured
from partnership.accounts.models import User

# (label, role, path of a person's page, requests per minute of that page in load.py's mix of people)
PAGES = (
    ("home (headteacher)", "headteacher", lambda me: "/", 40 * 2 / 9),
    ("reviews", "headteacher", lambda me: "/reviews/", 40 * 2 / 9),
    ("review page", "headteacher", lambda me: f"/reviews/{me['review']}/", 40 * 4 / 9),
    ("report (page)", "headteacher", lambda me: f"/reviews/{me['review']}/report/", 40 * 1 / 9),
    ("home (governor)", "governor", lambda me: "/", 30 * 1 / 3),
    ("report (PDF)", "governor", lambda me: f"/reviews/{me['review']}/pdf/", 30 * 2 / 3),
    ("home (board)", "board_member", lambda me: "/", 15 * 1 / 4),
    ("dashboard", "board_member", lambda me: "/dashboard/", 15 * 3 / 4),
    ("home (coordinator)", "coordinator", lambda me: "/", 15 * 1 / 6),
    ("schools", "coordinator", lambda me: "/schools/", 15 * 2 / 6),
    ("schools (search)", "coordinator", lambda me: "/schools/?q=primary", 15 * 1 / 6),
    ("school page", "coordinator", lambda me: f"/schools/{me['schools'][0]}/", 15 * 2 / 6),
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--slug", default="county")
    parser.add_argument("--schools", type=int, default=600)
    parser.add_argument("--cycles", type=int, default=5)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    args = parser.parse_args()

    partnership = ensure_county(args.slug, args.schools, args.cycles)
    people = ensure_people(partnership)
    host = ready_for_requests(partnership)
    clock = CpuClock()
    rows = []
    for label, role, path_of, weight in PAGES:
        me = people[role][0]
        client = Client(HTTP_HOST=host)
        client.force_login(User.objects.get(email=me["email"]))
        path = path_of(me)
        for _ in range(args.warmup):
            client.get(path)
        queries = queries_of(client, path)
        local_database = clock.attach()
        walls, cpus = zip(*(measured(client, path, clock) for _ in range(args.runs)), strict=True)
        rows.append((label, statistics.median(cpus), statistics.median(walls), queries, weight))

    where = "Django + PostgreSQL" if local_database else "Django only: the database is not on this machine"
    print(f"Median of {args.runs} requests per page after {args.warmup} warm-up, CPU of {where}")
    print(f"  {'page':<20} {'CPU ms':>7} {'wall ms':>8} {'queries':>8}")
    for label, cpu, wall, queries, _ in rows:
        print(f"  {label:<20} {cpu:>7.1f} {wall:>8.1f} {queries:>8}")
    mix = sum(cpu * weight for _, cpu, _, _, weight in rows) / sum(weight for *_, weight in rows)
    print(f"page cpu: {mix:.1f} ms per request in load.py's mix")


if __name__ == "__main__":
    main()
