"""County-scale benchmark of needs versus programme and the dashboard's CPD panel (issue 14): median server time
of /cpd/needs/ and of /dashboard/ with its CPD panel, for a coordinator and a board member.

    DATABASE_URL=postgres://.../yours python benchmarks/cpd_needs.py [--runs 20] [--slug county]

Builds the county with `scale_data`'s generator (600 schools, five cycles) unless it exists, adds three academic
years of CPD programme (120 events a year, three staff per school, bookings, closed registers) unless it has
events, refreshes PostgreSQL's statistics, then requests the pages through the full middleware stack (Django's test
client) with the settings' cache, DEBUG off. The needs page and the CPD panel are computed on every view (the CPD
tables are not under the data version), so there is no warm or cold case to tell apart: the other panels' figures
are remembered as in benchmarks/dashboard.py.
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

from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from benchmarks.dashboard import ensure_county, queries_of, ready_for_requests, timed  # noqa: E402
from cpd.models import Attendance, Booking, Event  # noqa: E402
from partnership.accounts.models import User  # noqa: E402
from partnership.dashboards.scale import academic_year_of, create_cpd_programme  # noqa: E402
from partnership.tenancy.scoping import partnership_scope  # noqa: E402
from schools.models import School  # noqa: E402

YEARS = 3


def ensure_programme(partnership) -> None:
    with partnership_scope(partnership):
        if Event.objects.exists():
            print(
                f"Reusing the programme: {Event.objects.count()} events, {Booking.objects.count()} bookings, "
                f"{Attendance.objects.count()} marks"
            )
            return
        started = time.monotonic()
        today = timezone.localdate()
        year = academic_year_of(today)
        built = create_cpd_programme(
            partnership, list(School.objects.order_by("pk")), years=range(year - YEARS + 1, year + 1), today=today
        )
    print(
        f"Built {YEARS} years of programme: {built.events} events, {built.sessions} sessions, {built.bookings} "
        f"bookings, {built.marks} marks in {time.monotonic() - started:.1f} s"
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
    ensure_programme(partnership)
    host = ready_for_requests(partnership)
    lines = []
    for who in ("coordinator", "board"):
        client = Client(HTTP_HOST=host)
        client.force_login(User.objects.get(email=f"{who}@{args.slug}.example"))
        for path in ("/cpd/needs/", "/dashboard/", "/dashboard/cpd.csv", "/"):
            for _ in range(args.warmup):
                timed(client, path)
            median = statistics.median(timed(client, path) for _ in range(args.runs))
            lines.append(f"  {who:<12} {path:<20} median {median:6.1f} ms ({queries_of(client, path)} queries)")
    load = os.getloadavg()
    print(f"\n{os.cpu_count()} CPUs, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"{args.runs} runs after {args.warmup} warm-up, median server time through the full middleware stack")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
