"""Matching school-to-school support at county scale: 100 requests against 200 system leaders.

Builds a partnership of 600 schools (spread over a county's grid references, in 40 trusts), 200 system leaders
with their expertise, capacity and agreements, and 100 requests, inside one transaction; proposes the best
five leaders for every request through the same selector the request page uses, then rolls everything back
(nothing is left in the database). Prints the time and the queries, ending with
`support matching: 100 requests x 200 leaders in N s, Q queries`.

    DATABASE_URL=postgres://... python benchmarks/support_matching.py
"""

import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnership.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from improvement.matching import propose  # noqa: E402
from improvement.models import LeaderConflict, SupportRequest, SystemLeader  # noqa: E402
from improvement.selectors.support import leader_facts, proposals_for, request_facts  # noqa: E402
from partnership.accounts.models import User  # noqa: E402
from partnership.tenancy.models import Partnership  # noqa: E402
from partnership.tenancy.scoping import partnership_scope  # noqa: E402
from schools.models import School, Trust  # noqa: E402

SCHOOLS, LEADERS, REQUESTS = 600, 200, 100
FOCUS = ["Early reading", "Mathematics", "SEND", "Leadership and governance", "Attendance", "Early years", "Science"]
PHASES = ["primary", "secondary", "special"]


class Rollback(Exception):  # noqa: N818
    pass


def build(rng: random.Random) -> tuple[Partnership, list[SupportRequest]]:
    tag = f"bench-{os.getpid()}"
    partnership = Partnership.objects.create(slug=tag, name="Benchmark County Partnership")
    with partnership_scope(partnership):
        trusts = Trust.objects.bulk_create(
            Trust(partnership=partnership, name=f"Trust {n}", gias_code=f"T{n}") for n in range(40)
        )
        schools = School.objects.bulk_create(
            School(
                partnership=partnership,
                urn=900000 + n,
                name=f"Bench School {n}",
                phase=rng.choice(PHASES),
                easting=rng.randint(380_000, 470_000),
                northing=rng.randint(280_000, 370_000),
                trust=rng.choice([None, *trusts]),
            )
            for n in range(SCHOOLS)
        )
        users = User.objects.bulk_create(User(email=f"{tag}-leader{n}@example.org") for n in range(LEADERS))
        leaders = SystemLeader.objects.bulk_create(
            SystemLeader(
                partnership=partnership,
                user=user,
                school=schools[n],
                designation="lle",
                focus_areas=rng.sample(FOCUS, 2),
                phases=rng.sample(PHASES, rng.randint(1, 2)),
                days_a_term=rng.randint(2, 12),
            )
            for n, user in enumerate(users)
        )
        LeaderConflict.objects.bulk_create(
            LeaderConflict(partnership=partnership, leader=rng.choice(leaders), school=rng.choice(schools), reason="x")
            for _ in range(150)
        )
        requests = SupportRequest.objects.bulk_create(
            SupportRequest(
                partnership=partnership,
                school=rng.choice(schools[LEADERS:]),
                aims="Aims",
                focus=rng.choice(FOCUS),
                phase=rng.choice(PHASES),
                days=rng.randint(1, 5),
                allow_same_trust=rng.random() < 0.2,
            )
            for _ in range(REQUESTS)
        )
    return partnership, requests


def main() -> None:
    rng = random.Random(2026)
    try:
        with transaction.atomic():
            partnership, requests = build(rng)
            with partnership_scope(partnership):
                requests = list(SupportRequest.objects.select_related("school").filter(pk__in=[r.pk for r in requests]))
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    proposed = sum(len(proposals_for(request)) for request in requests)
                    seconds = time.perf_counter() - started
                facts = leader_facts(SystemLeader.objects.all())
                started = time.perf_counter()
                for request in requests:
                    propose(request_facts(request), facts, set())
                rules_only = time.perf_counter() - started
            print(f"{'proposals made':<40} {proposed:8d}")
            print(f"{'the rules alone, 100 requests':<40} {rules_only * 1000:8.1f} ms")
            print(f"{'through the page selector (with reads)':<40} {seconds * 1000:8.1f} ms {len(queries):5d} queries")
            print(
                f"support matching: {REQUESTS} requests x {LEADERS} leaders in {seconds:.2f} s, {len(queries)} queries"
            )
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
