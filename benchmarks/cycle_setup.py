"""Cycle set-up at county scale: 600 schools enrolled, groups proposed by the solver, published; then each page a
coordinator uses, timed, with its number of queries. Prints figures; changes nothing (all in a rolled-back
transaction on the database in DATABASE_URL).

    DATABASE_URL=postgres://... python benchmarks/cycle_setup.py [--schools 600]
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnership.settings")

import django

django.setup()

import datetime  # noqa: E402

from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from partnership.accounts.models import User  # noqa: E402
from partnership.celery import app  # noqa: E402
from partnership.tenancy.models import Membership, Partnership  # noqa: E402
from partnership.tenancy.roles import Role  # noqa: E402
from partnership.tenancy.scoping import partnership_scope  # noqa: E402
from reviews.models import GroupingRun, ReviewerTraining  # noqa: E402
from reviews.services import cycles, groups  # noqa: E402
from schools.models import Area, Cluster, School, Trust  # noqa: E402


class Rollback(Exception):  # noqa: N818
    pass


def build(partnership: Partnership, count: int) -> tuple[User, object]:
    rng = random.Random(600)
    areas = [Area.objects.create(partnership=partnership, name=f"Area {i}") for i in range(4)]
    clusters = [
        Cluster.objects.create(partnership=partnership, name=f"Cluster {i}", area=areas[i % 4]) for i in range(40)
    ]
    trusts = [
        Trust.objects.create(partnership=partnership, name=f"Trust {i}", gias_code=f"TRB{i:04d}") for i in range(30)
    ]
    phases = ["primary"] * 7 + ["secondary"] * 2 + ["special"]
    schools = School.objects.bulk_create(
        School(
            partnership=partnership,
            urn=700000 + i,
            name=f"Bench School {i:04d}",
            phase=rng.choice(phases),
            area=areas[(i // 10) % 4],
            cluster=clusters[(i // 15) % 40],
            trust=rng.choice(trusts) if rng.random() < 0.3 else None,
            easting=400000 + rng.randint(0, 60000),
            northing=300000 + rng.randint(0, 60000),
            ofsted_rating=rng.choice(["Outstanding", "Good", "Good", "Requires improvement", ""]),
        )
        for i in range(count)
    )
    unusable = make_password(None)  # these heads never sign in
    users = User.objects.bulk_create(
        User(email=f"bench.head.{i}@example.org", first_name="Head", last_name=f"{i:04d}", password=unusable)
        for i in range(count)
    )
    Membership.objects.bulk_create(
        Membership(
            partnership=partnership, user=u, role=Role.HEADTEACHER, school=s, started_on=datetime.date(2026, 1, 1)
        )
        for u, s in zip(users, schools, strict=True)
    )
    ReviewerTraining.objects.bulk_create(
        ReviewerTraining(partnership=partnership, user=u, trained_on=datetime.date(2026, 7, 1), provider="Bench")
        for u in users
    )
    coordinator = User.objects.create_user("bench.coordinator@example.org", "bench-password-2026")
    Membership.objects.create(
        partnership=partnership, user=coordinator, role=Role.COORDINATOR, started_on=datetime.date(2026, 1, 1)
    )
    cycle = cycles.cycle_create(
        partnership=partnership,
        actor=coordinator,
        values=cycles.CycleSettings("Bench 2026/27", 2026, datetime.date(2026, 10, 1), datetime.date(2027, 6, 30)),
    )
    return coordinator, cycle


REPEAT = 5


def timed_get(client: Client, url: str) -> tuple[float, float, int, int]:
    """The first request's time (templates compiled, caches empty), the median of the next REPEAT, the queries."""
    times = []
    for _ in range(REPEAT + 1):
        with CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - began)
    return times[0], statistics.median(times[1:]), len(queries.captured_queries), response.status_code


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--schools", type=int, default=600)
    count = parser.parse_args().schools
    app.conf.task_always_eager = True
    settings.ALLOWED_HOSTS = ["*"]
    print(f"Cycle set-up benchmark, {count} schools (figures from a shared machine are noisy)")
    try:
        with transaction.atomic():
            partnership = Partnership.objects.create(slug="bench-cycles", name="Bench Cycles Partnership")
            with partnership_scope(partnership):
                began = time.perf_counter()
                coordinator, cycle = build(partnership, count)
                print(f"  built the partnership:        {time.perf_counter() - began:6.2f} s")
                began = time.perf_counter()
                cycles.enrolment_add_by(cycle=cycle, actor=coordinator, phase="primary")
                for phase in ("secondary", "special"):
                    cycles.enrolment_add_by(cycle=cycle, actor=coordinator, phase=phase)
                print(f"  enrolled by phase:            {time.perf_counter() - began:6.2f} s")
                began = time.perf_counter()
                groups.grouping_run_start(cycle=cycle, actor=coordinator)
                run = GroupingRun.objects.get(cycle=cycle)
                print(
                    f"  proposed groups (task):       {time.perf_counter() - began:6.2f} s  status {run.status}, "
                    f"{run.groups_created} groups, cost {run.total_cost:.1f}, bound {run.lower_bound:.1f}, "
                    f"solver {run.seconds:.2f} s, hard rules met {all(run.hard_rules_met.values())}"
                )
                client = Client(HTTP_HOST="bench-cycles.localhost")
                client.force_login(coordinator)
                pages = {
                    "enrolment": f"/cycles/{cycle.pk}/enrolment/",
                    "groups": f"/cycles/{cycle.pk}/groups/",
                    "publish (preview)": f"/cycles/{cycle.pk}/publish/",
                }
                for name, url in pages.items():
                    first, median, queries, status = timed_get(client, url)
                    print(
                        f"  page {name:<24} first {first:5.2f} s, then median {median:5.2f} s  {queries:3d} queries  "
                        f"HTTP {status}"
                    )
                began = time.perf_counter()
                groups.groups_publish(cycle=cycle, actor=coordinator)
                print(f"  published the reviews:        {time.perf_counter() - began:6.2f} s")
                for name, url in {
                    "overview": f"/cycles/{cycle.pk}/",
                    "reviews and teams": f"/cycles/{cycle.pk}/reviews/",
                    "cycles": "/cycles/",
                    "reviews (list)": "/reviews/",
                    "home": "/",
                }.items():
                    first, median, queries, status = timed_get(client, url)
                    print(
                        f"  page {name:<24} first {first:5.2f} s, then median {median:5.2f} s  {queries:3d} queries  "
                        f"HTTP {status}"
                    )
            raise Rollback
    except Rollback:
        print("  (rolled back: nothing was kept)")


if __name__ == "__main__":
    main()
