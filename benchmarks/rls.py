"""The cost of row-level security: the dashboard and the review page with and without it, in one run.

    DATABASE_URL=postgres://.../yours python benchmarks/rls.py [--runs 20] [--slug county]

Builds the partnership with `scale_data`'s generator (600 schools, five cycles) unless it exists, then requests,
as its coordinator, through the full middleware stack (Django's test client, DEBUG off):

- the dashboard, each time after a committed change (so its cubes are computed from the database, not remembered);
- the page of a review with findings, a self-review and its report.

With RLS: as the portal's role (DATABASE_APP_USER), held by the policies, the partnership set per transaction.
Without: as the owner (a superuser, which row-level security never holds), with the backend's guard switched off,
so neither the policies nor the settings cost anything. The two alternate run by run (AB, BA), so drift in the
machine's load falls on both. The last line is the ratio of the medians, with RLS over without.
"""

import argparse
import os
import statistics
import sys
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
    times = {(page, rls): [] for page in ("dashboard", "review") for rls in (True, False)}
    for run in range(args.warmup + args.runs):
        for with_rls in (True, False) if run % 2 == 0 else (False, True):
            guard.use(with_rls)
            guard.check(with_rls)
            timed(client, "/")  # the new connection's first request is not measured
            changes.touch()
            dashboard = timed(client, "/dashboard/")
            review = timed(client, review_path)
            if run >= args.warmup:
                times["dashboard", with_rls].append(dashboard)
                times["review", with_rls].append(review)
    guard.use(True)

    load = os.getloadavg()
    print(f"{os.cpu_count()} CPUs, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"{args.runs} runs each after {args.warmup} warm-up, median server time through the full middleware stack")
    ratios = {}
    for page, label in (("dashboard", "dashboard (computed)"), ("review", f"review page {review_path}")):
        with_rls, without = statistics.median(times[page, True]), statistics.median(times[page, False])
        ratios[page] = with_rls / without
        print(f"  {label:<30} with RLS {with_rls:7.1f} ms   without {without:7.1f} ms   {ratios[page]:.2f}x")
    print("Target: under 10% slower (below 1.10x).")
    print(f"rls: dashboard {ratios['dashboard']:.2f}x, review page {ratios['review']:.2f}x")


if __name__ == "__main__":
    main()
