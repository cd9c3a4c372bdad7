"""Benchmark: the GIAS import at national scale, and the schools directory at county scale. Prints figures.

    python benchmarks/gias_import.py [--rows 50000] [--la-schools 300] [--directory-schools 600] [--requests 25]

1. Writes a GIAS-format extract (about 140 columns, Windows-1252) of --rows establishments, --la-schools of them
   in local authority 960, and imports it filtered to that authority into a fresh partnership: rows per
   second, seconds, and peak memory (the process's peak resident set size, and the peak of Python allocations
   under tracemalloc in a separate run, since tracing slows Python down). Targets: under 10 s, under 300 MB.
2. Times the directory page (/schools/) of a partnership of --directory-schools schools through Django's test
   client: the median of --requests requests and the number of queries.

It runs in a throwaway database (<DATABASE_URL's name>_benchmark), created, migrated and dropped here, so it
never touches your data. Nothing here is a test: it prints figures for a person to read.
"""

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnership.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from partnership.accounts.models import User  # noqa: E402
from partnership.tenancy.models import Membership, Partnership  # noqa: E402
from partnership.tenancy.roles import Role  # noqa: E402
from partnership.tenancy.scoping import partnership_scope  # noqa: E402
from schools.gias import Selection, read_extract  # noqa: E402
from schools.gias.synthetic import national_rows, write_gias_csv  # noqa: E402
from schools.importer import build_plan  # noqa: E402
from schools.models import Area, Cluster, School, Trust  # noqa: E402
from schools.services import gias_import_file  # noqa: E402

LA = "960"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def fresh_partnership(slug: str) -> Partnership:
    return Partnership.objects.create(slug=slug, name=slug.replace("-", " ").title())


def import_into(partnership: Partnership, path: Path):
    with partnership_scope(partnership), path.open("rb") as source:
        return gias_import_file(partnership=partnership, source=source, file_name=path.name, la_codes=[LA])


def benchmark_import(rows: int, la_schools: int) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "edubasealldata20261122.csv"
        started = time.perf_counter()
        write_gias_csv(path, national_rows(rows, la_code=LA, la_name="Northshire", la_share=la_schools))
        size_mb = path.stat().st_size / 1e6
        print(f"Wrote {rows:,} rows ({size_mb:.1f} MB, Windows-1252) in {time.perf_counter() - started:.1f} s")

        rss_before = peak_rss_mb()
        started = time.perf_counter()
        result = import_into(fresh_partnership("bench-import"), path)
        seconds = time.perf_counter() - started
        counts = result.plan.counts
        print(
            f"Import filtered to LA {LA}: {seconds:.2f} s for {rows:,} rows = {rows / seconds:,.0f} rows/s; "
            f"{len(result.plan.extract.records)} chosen, {counts['create']} created, "
            f"{len(result.plan.skipped_closed)} closed ones left out, {len(result.plan.new_trusts)} trusts"
        )
        print(f"  peak resident memory of the process: {peak_rss_mb():.0f} MB (before the import: {rss_before:.0f} MB)")

        partnership = Partnership.objects.get(slug="bench-import")
        started = time.perf_counter()
        again = import_into(partnership, path)
        seconds = time.perf_counter() - started
        print(
            f"Importing the same file again: {seconds:.2f} s ({rows / seconds:,.0f} rows/s), "
            f"{again.plan.counts['unchanged']} unchanged, nothing written"
        )

        with path.open("rb") as source:
            started = time.perf_counter()
            extract = read_extract(source, Selection(la_codes=frozenset({LA})))
            read_seconds = time.perf_counter() - started
        with partnership_scope(partnership):
            started = time.perf_counter()
            build_plan(extract)
            plan_seconds = time.perf_counter() - started
        print(f"  of which reading the file: {read_seconds:.2f} s; comparing with the database: {plan_seconds:.2f} s")

        tracemalloc.start()
        import_into(fresh_partnership("bench-import-traced"), path)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"  peak Python allocations during an import (tracemalloc): {peak / 1e6:.1f} MB")


def populate_directory(count: int) -> tuple[Partnership, User]:
    partnership = fresh_partnership("bench-directory")
    with partnership_scope(partnership):
        areas = [Area.objects.create(partnership=partnership, name=f"Area {n}") for n in range(3)]
        clusters = [
            Cluster.objects.create(partnership=partnership, name=f"Cluster {n}", area=areas[n % 3]) for n in range(60)
        ]
        trusts = [
            Trust.objects.create(partnership=partnership, gias_code=str(2000 + n), name=f"Trust {n}") for n in range(20)
        ]
        School.objects.bulk_create(
            School(
                partnership=partnership,
                urn=110000 + n,
                name=f"{['Ashby', 'Bramford', 'Colebrook', 'Dunmere'][n % 4]} School {n}",
                town=["Ashby Marsh", "Bramford", "Colebrook", "Dunmere"][n % 4],
                postcode=f"NS{n % 20} {n % 9}AB",
                phase=School.Phase.PRIMARY if n % 5 else School.Phase.SECONDARY,
                la_code=LA,
                la_name="Northshire",
                pupils=100 + n,
                area=areas[n % 3],
                cluster=clusters[n % 60],
                trust=trusts[n % 20] if n % 3 == 0 else None,
            )
            for n in range(count)
        )
        user = User.objects.create_user("bench.coordinator@example.org", None)
        Membership.objects.create(partnership=partnership, user=user, role=Role.COORDINATOR, started_on="2026-09-01")
    return partnership, user


def benchmark_directory(count: int, requests: int) -> None:
    partnership, user = populate_directory(count)
    client = Client(HTTP_HOST=f"{partnership.slug}.{settings.PORTAL_DOMAIN}")
    client.force_login(user)
    for path in ("/schools/", "/schools/?q=school&area=&sort=area&page=3", "/schools/export.csv"):
        for _ in range(3):  # warm up: templates, connections
            response = client.get(path)
            if response.streaming:
                b"".join(response.streaming_content)
        timings = []
        for _ in range(requests):
            started = time.perf_counter()
            response = client.get(path)
            if response.streaming:
                b"".join(response.streaming_content)
            timings.append(time.perf_counter() - started)
            assert response.status_code == 200, response.status_code
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
            if response.streaming:
                b"".join(response.streaming_content)
        print(
            f"Directory {path} at {count} schools: median {statistics.median(timings) * 1000:.0f} ms "
            f"over {requests} requests (fastest {min(timings) * 1000:.0f} ms), {len(queries)} queries"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--la-schools", type=int, default=300)
    parser.add_argument("--directory-schools", type=int, default=600)
    parser.add_argument("--requests", type=int, default=25)
    options = parser.parse_args()

    settings.DEBUG = False  # no query log growing in memory, as in production
    old_name = connection.settings_dict["NAME"]
    connection.settings_dict["TEST"]["NAME"] = f"{old_name}_benchmark"
    print(f"Python {sys.version.split()[0]}, Django {django.get_version()}, database {connection.vendor}")
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        benchmark_import(options.rows, options.la_schools)
        benchmark_directory(options.directory_schools, options.requests)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
