"""County-scale benchmark of the dashboard: median server time of the dashboard and of the plain home page.

    DATABASE_URL=postgres://.../yours python benchmarks/dashboard.py [--runs 30] [--slug county]

Builds the partnership with `scale_data`'s generator (600 schools, five cycles) unless it exists, refreshes
PostgreSQL's statistics (as autovacuum would after a bulk load), then requests both pages as the same board
member through the full middleware stack (Django's test client), alternating them so that both see the same
load, after a warm-up. "Warm" is the steady state: the small-group suppression of unchanged figures is
remembered by a digest of the counts. "Cold" forgets it before every request: the first view after any review
moves on. DEBUG is off, as in production.
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
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from partnership.accounts.models import User  # noqa: E402
from partnership.dashboards import disclosure  # noqa: E402
from partnership.dashboards.scale import academic_year_of, create_county, create_cycles  # noqa: E402
from partnership.tenancy.models import Partnership  # noqa: E402
from partnership.tenancy.scoping import partnership_scope  # noqa: E402
from schools.models import School  # noqa: E402


def ensure_county(slug: str, schools: int, cycles: int) -> Partnership:
    partnership = Partnership.objects.filter(slug=slug).first()
    if partnership is not None:
        with partnership_scope(partnership):
            print(f"Reusing '{slug}': {School.objects.count()} schools")
        return partnership
    started = time.monotonic()
    partnership, rows = create_county(slug=slug, name=f"{slug.title()} Schools Partnership", schools=schools)
    year = academic_year_of(timezone.localdate())
    create_cycles(partnership, rows, years=range(year - cycles + 1, year + 1), today=timezone.localdate())
    print(f"Built '{slug}': {schools} schools x {cycles} cycles in {time.monotonic() - started:.1f} s")
    return partnership


def timed(client: Client, path: str) -> float:
    started = time.perf_counter()
    response = client.get(path)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, (path, response.status_code)
    return elapsed * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--slug", default="county")
    parser.add_argument("--schools", type=int, default=600)
    parser.add_argument("--cycles", type=int, default=5)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    args = parser.parse_args()

    partnership = ensure_county(args.slug, args.schools, args.cycles)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    settings.ALLOWED_HOSTS = ["*"]
    # Production serves static files from `collectstatic`'s manifest; the pages only need their URLs here.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    host = f"{partnership.slug}.{settings.PORTAL_DOMAIN}"
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
        cold = []
        for _ in range(max(5, args.runs // 3)):
            disclosure.SUPPRESSED.clear()
            cold.append(timed(client, "/dashboard/"))
        with CaptureQueriesContext(connection) as queries:
            timed(client, "/dashboard/")
        results[email] = (statistics.median(dashboard), statistics.median(home), statistics.median(cold), len(queries))

    load = os.getloadavg()
    print(f"\n{os.cpu_count()} CPUs, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (shared machine: noisy)")
    print(f"{args.runs} runs after {args.warmup} warm-up, median server time through the full middleware stack:")
    for email, (dashboard, home, cold, queries) in results.items():
        who = email.split("@")[0]
        print(
            f"  {who:<12} dashboard {dashboard:7.1f} ms ({queries} queries)   home {home:6.1f} ms   "
            f"ratio {dashboard / home:4.1f}x   dashboard cold {cold:7.1f} ms"
        )
    print("Targets: dashboard median under 150 ms and under 4x the home page.")


if __name__ == "__main__":
    main()
