"""County-scale benchmark of the dashboard: median server time of the dashboard and of the plain home page.

    DATABASE_URL=postgres://.../yours python benchmarks/dashboard.py [--runs 30] [--slug county]

Builds the partnership with `scale_data`'s generator (600 schools, five cycles) unless it exists, refreshes
PostgreSQL's statistics (as autovacuum would after a bulk load), then requests both pages as the same person
through the full middleware stack (Django's test client) with the settings' cache (Redis), DEBUG off, for a
board member and for a coordinator:

- warm: the dashboard and the home page alternating, after a warm-up: the steady state, where the dashboard's
  cubes are remembered under the partnership's data version (partnership/dashboards/store.py);
- after a change: the first view after a review of this cycle moves on (a different review each time, committed
  before the request, so the data version changes and the cubes are computed again; the small-group suppression
  of cubes whose counts did not change is remembered by their digest);
- nothing remembered: the first view after a change with the suppression memo emptied as well (a new worker
  process after a deploy, or a change touching every cycle's figures).
"""

import argparse
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnership.settings")
os.environ["DEBUG"] = "0"
os.environ.setdefault("SECRET_KEY", "benchmark-only-" + "x" * 60)
os.environ["SECURE_SSL_REDIRECT"] = "0"

import django  # noqa: E402

warnings.filterwarnings("ignore", message="No directory at")

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import F  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from cpd.models import EvaluationResponse  # noqa: E402
from partnership.accounts.models import User  # noqa: E402
from partnership.common import disclosure  # noqa: E402
from partnership.dashboards.scale import (  # noqa: E402
    academic_year_of,
    create_county,
    create_cpd_evaluations,
    create_cycles,
)
from partnership.tenancy.models import Partnership  # noqa: E402
from partnership.tenancy.scoping import partnership_scope  # noqa: E402
from reviews.models import Cycle, Review, ReviewStatus  # noqa: E402
from schools.models import School  # noqa: E402


def ensure_county(slug: str, schools: int, cycles: int) -> Partnership:
    partnership = Partnership.objects.filter(slug=slug).first()
    if partnership is not None:
        with partnership_scope(partnership):
            print(f"Reusing '{slug}': {School.objects.count()} schools")
            missing = not EvaluationResponse.objects.exists()
            rows = list(School.objects.all()) if missing else []
        if missing:  # built before the CPD evaluation panel: its three years of programme are added
            year = academic_year_of(timezone.localdate())
            made = create_cpd_evaluations(partnership, rows, years=range(year - 2, year + 1))
            print(f"Added {made} CPD evaluation responses")
        return partnership
    started = time.monotonic()
    partnership, rows = create_county(slug=slug, name=f"{slug.title()} Schools Partnership", schools=schools)
    year = academic_year_of(timezone.localdate())
    create_cycles(partnership, rows, years=range(year - cycles + 1, year + 1), today=timezone.localdate())
    create_cpd_evaluations(partnership, rows, years=range(year - 2, year + 1))  # three years of CPD programme
    print(f"Built '{slug}': {schools} schools x {cycles} cycles in {time.monotonic() - started:.1f} s")
    return partnership


def ready_for_requests(partnership: Partnership) -> str:
    """Fresh planner statistics and settings for the test client; the partnership's host name."""
    # Only a table's owner may ANALYZE it: the portal's own role would skip every table (with a warning).
    with connection.as_owner(), connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    settings.ALLOWED_HOSTS = ["*"]
    # Production serves static files from `collectstatic`'s manifest; the pages only need their URLs here.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    return f"{partnership.slug}.{settings.PORTAL_DOMAIN}"


def timed(client: Client, path: str) -> float:
    started = time.perf_counter()
    response = client.get(path)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, (path, response.status_code)
    return elapsed * 1000


def queries_of(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        timed(client, path)
    return len(queries)


class ReviewsMovingOn:
    """Moves this cycle's visited reviews to "report in draft" one at a time (each a committed change to the
    figures the dashboard shows, never seen before), and puts them back at the end."""

    def __init__(self, partnership: Partnership):
        self.partnership = partnership
        with partnership_scope(partnership):
            cycle = Cycle.objects.order_by("-academic_year_start").first()
            self.ids = list(
                Review.objects.filter(cycle=cycle, status=ReviewStatus.VISITED)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
        self.moved: list[int] = []

    def next(self) -> None:
        pk = self.ids[len(self.moved) % len(self.ids)]
        with partnership_scope(self.partnership), transaction.atomic():
            Review.objects.filter(pk=pk).update(status=ReviewStatus.DRAFT)
        self.moved.append(pk)

    def touch(self) -> None:
        """A change that alters no figure (the data version changes all the same)."""
        with partnership_scope(self.partnership), transaction.atomic():
            School.objects.filter(pk=School.objects.order_by("pk").values("pk")[:1]).update(name=F("name"))

    def undo(self) -> None:
        with partnership_scope(self.partnership), transaction.atomic():
            Review.objects.filter(pk__in=self.moved).update(status=ReviewStatus.VISITED)
        self.moved.clear()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--slug", default="county")
    parser.add_argument("--schools", type=int, default=600)
    parser.add_argument("--cycles", type=int, default=5)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    args = parser.parse_args()

    partnership = ensure_county(args.slug, args.schools, args.cycles)
    host = ready_for_requests(partnership)
    changes = ReviewsMovingOn(partnership)
    cold_runs = max(5, args.runs // 3)
    results = {}
    for email in (f"board@{args.slug}.example", f"coordinator@{args.slug}.example"):
        client = Client(HTTP_HOST=host)
        client.force_login(User.objects.get(email=email))
        for _ in range(args.warmup):
            timed(client, "/dashboard/")
            timed(client, "/")
        dashboard, home = [], []
        for _ in range(args.runs):
            dashboard.append(timed(client, "/dashboard/"))
            home.append(timed(client, "/"))
        warm_queries = queries_of(client, "/dashboard/")
        after_change = []
        for _ in range(cold_runs):
            changes.next()
            after_change.append(timed(client, "/dashboard/"))
        changes.next()
        cold_queries = queries_of(client, "/dashboard/")
        changes.undo()
        nothing_remembered = []
        for _ in range(cold_runs):
            changes.touch()
            disclosure.SUPPRESSED.clear()
            nothing_remembered.append(timed(client, "/dashboard/"))
        # The CPD evaluation panel alone (its CSV computes only that panel; read fresh every time).
        cpd_panel = [timed(client, "/dashboard/cpd-evaluations.csv") for _ in range(args.runs)]
        results[email] = {
            "cpd_panel": statistics.median(cpd_panel),
            "dashboard": statistics.median(dashboard),
            "home": statistics.median(home),
            "after_change": statistics.median(after_change),
            "nothing_remembered": statistics.median(nothing_remembered),
            "queries": (warm_queries, cold_queries),
        }

    load = os.getloadavg()
    print(f"\n{os.cpu_count()} CPUs, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(
        f"{args.runs} runs after {args.warmup} warm-up ({cold_runs} for each first view), median server time through "
        "the full middleware stack, cache: " + settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    )
    for email, r in results.items():
        who = email.split("@")[0]
        warm_q, cold_q = r["queries"]
        print(
            f"  {who:<12} dashboard {r['dashboard']:6.1f} ms ({warm_q} queries)   home {r['home']:6.1f} ms   "
            f"ratio {r['dashboard'] / r['home']:4.1f}x"
        )
        print(
            f"  {'':<12} first view after a change {r['after_change']:6.1f} ms ({cold_q} queries, "
            f"{r['after_change'] / r['home']:4.1f}x home)   nothing remembered {r['nothing_remembered']:6.1f} ms"
        )
        print(f"  {'':<12} CPD evaluation panel (its CSV) {r['cpd_panel']:6.1f} ms")
    print("Targets: dashboard median under 150 ms and under 4x the home page.")


if __name__ == "__main__":
    main()
