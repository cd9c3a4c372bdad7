"""The cost of row-level security: the dashboard and the review page with and without it, in one run.

    DATABASE_URL=postgres://.../yours python benchmarks/rls.py [--runs 20] [--slug county]

Builds the partnership with `scale_data`'s generator (600 schools, five cycles) unless it exists, then requests,
as its coordinator, through the full middleware stack (Django's test client, DEBUG off):

- the dashboard, each time after a committed change (so its cubes are computed from the database, not remembered);
- the page of a review with findings, a self-review and its report.

With RLS: as the portal's role (DATABASE_APP_USER), held by the policies, the partnership set per transaction.
Without: as the owner (a superuser, which row-level security never holds), with the backend's guard switched off,
so neither the policies nor the settings cost anything. The two alternate run by run (AB, BA), so drift in the
machine's load falls on both.

Each request is measured twice: its wall-clock time, and the CPU time it took, in this process (Django, the
middleware, the templates) and in its PostgreSQL backend (read from /proc, so only with the database on this
machine). Wall-clock time on a busy machine is mostly waiting for a core, which says nothing of RLS; CPU time is
what RLS adds. The last line is the ratio of the medians of CPU time, with RLS over without (of wall-clock time
when the database is elsewhere).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from django.db import connection
from django.db.models import Count
from django.test import Client

# Importing the dashboard benchmark sets Django up as it does (DEBUG off, the settings' cache) before any model.
from benchmarks.dashboard import ReviewsMovingOn, ensure_county, ready_for_requests, timed
from partnership.accounts.models import User
from partnership.tenancy.scoping import partnership_scope
from reviews.models import Review, ReviewStatus


class Guard:
    """Switches the connection between the portal's role (RLS) and the owner without the guard (no RLS)."""

    def __init__(self):
        self.owner = connection.settings_dict.get("OWNER")
        if not self.owner:
            sys.exit("DATABASE_APP_USER is empty: the portal connects as the owner, so there is nothing to compare.")
        self.portal_role = {key: connection.settings_dict[key] for key in self.owner}
        self.wrapper = connection._with_tenant_guard

    def use(self, with_rls: bool) -> None:
        connection.close()
        connection.settings_dict.update(self.portal_role if with_rls else self.owner)
        wrappers = connection.execute_wrappers
        while any(w == self.wrapper for w in wrappers):
            wrappers.remove(self.wrapper)
        if with_rls:
            wrappers.append(self.wrapper)

    def check(self, with_rls: bool) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user")
            bypasses = cursor.fetchone()[0]
        assert bypasses != with_rls, "the connection is not what this phase measures"


class CpuClock:
    """CPU time of this thread plus that of the connection's PostgreSQL backend, in milliseconds."""

    def __init__(self):
        self.backend = None

    def attach(self) -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            path = Path(f"/proc/{cursor.fetchone()[0]}/schedstat")
        self.backend = path if path.exists() else None
        return self.backend is not None

    def now(self) -> float:
        backend_ns = int(self.backend.read_text().split()[0]) if self.backend else 0
        return (time.thread_time_ns() + backend_ns) / 1e6


def measured(client: Client, path: str, clock: CpuClock) -> tuple[float, float]:
    """(wall-clock ms, CPU ms) of one request."""
    started = clock.now()
    wall = timed(client, path)
    return wall, clock.now() - started


def a_full_review(partnership) -> int:
    with partnership_scope(partnership):
        return (
            Review.objects.filter(status__in=(ReviewStatus.FINAL, ReviewStatus.SHARED))
            .annotate(findings_count=Count("findings"))
            .order_by("-findings_count", "pk")
            .values_list("pk", flat=True)
            .first()
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--slug", default="county")
    parser.add_argument("--schools", type=int, default=600)
    parser.add_argument("--cycles", type=int, default=5)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    args = parser.parse_args()

    partnership = ensure_county(args.slug, args.schools, args.cycles)
    host = ready_for_requests(partnership)
    changes = ReviewsMovingOn(partnership)
    review_path = f"/reviews/{a_full_review(partnership)}/"
    client = Client(HTTP_HOST=host)
    client.force_login(User.objects.get(email=f"coordinator@{args.slug}.example"))
    guard = Guard()
    clock = CpuClock()
    wall = {(page, rls): [] for page in ("dashboard", "review") for rls in (True, False)}
    cpu = {key: [] for key in wall}
    for run in range(args.warmup + args.runs):
        for with_rls in (True, False) if run % 2 == 0 else (False, True):
            guard.use(with_rls)
            guard.check(with_rls)
            local_database = clock.attach()
            timed(client, "/")  # the new connection's first request is not measured
            changes.touch()
            for page, path in (("dashboard", "/dashboard/"), ("review", review_path)):
                elapsed, spent = measured(client, path, clock)
                if run >= args.warmup:
                    wall[page, with_rls].append(elapsed)
                    cpu[page, with_rls].append(spent)
    guard.use(True)

    load = os.getloadavg()
    print(f"{os.cpu_count()} CPUs, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"{args.runs} runs each after {args.warmup} warm-up; medians per request, through the full middleware stack")
    measures = [("wall-clock", wall)] + ([("CPU (Django + PostgreSQL)", cpu)] if local_database else [])
    ratios = {}
    for page, label in (("dashboard", "dashboard (computed)"), ("review", f"review page {review_path}")):
        print(f"  {label}")
        for name, times in measures:
            with_rls, without = statistics.median(times[page, True]), statistics.median(times[page, False])
            ratios[page] = with_rls / without
            print(f"    {name:<26} with RLS {with_rls:7.1f} ms   without {without:7.1f} ms   {ratios[page]:.2f}x")
    basis = "CPU time" if local_database else "wall-clock time (the database is not on this machine)"
    print(f"Target: under 10% slower (below 1.10x), on {basis}.")
    print(f"rls: dashboard {ratios['dashboard']:.2f}x, review page {ratios['review']:.2f}x")


if __name__ == "__main__":
    main()
