"""County-scale benchmark of the annual report: its figures and its PDF for the 600-school county.

    DATABASE_URL=postgres://.../yours python benchmarks/annual_report.py [--slug county] [--years 5]

Builds the county with the dashboard benchmark's generator (600 schools, one review cycle a year for `--years`
years) unless it exists, then produces the annual report of every year (the figures, under the small-group rule)
and the PDF of the latest, as the page and the download do. Prints each year's time, then the whole run's time,
Python's peak memory (tracemalloc) and the number of queries, ending with
`annual report: N s, peak M MB, Q queries`.
"""

import argparse
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from django.db import connection
from django.test.utils import CaptureQueriesContext

from benchmarks.dashboard import ensure_county
from improvement.selectors.annual_report import annual_report
from improvement.selectors.annual_report_pdf import annual_report_pdf
from improvement.wording import academic_year_label, current_academic_year
from partnership.tenancy.scoping import partnership_scope


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--slug", default="county")
    parser.add_argument("--schools", type=int, default=600)
    parser.add_argument("--years", type=int, default=5)
    args = parser.parse_args()
    partnership = ensure_county(args.slug, args.schools, args.years)
    latest = current_academic_year()
    years = range(latest - args.years + 1, latest + 1)
    tracemalloc.start()
    started = time.perf_counter()
    with partnership_scope(partnership), CaptureQueriesContext(connection) as queries:
        for year in years:
            year_started = time.perf_counter()
            report = annual_report(year)
            reviewed = next(f.display for f in report.review_stages if f.label == "Schools reviewed")
            print(f"{academic_year_label(year)}: {time.perf_counter() - year_started:.2f} s, {reviewed} reviews")
        pdf_started = time.perf_counter()
        pdf = annual_report_pdf(report, partnership)
        pdf_seconds = time.perf_counter() - pdf_started
        print(f"PDF of {academic_year_label(latest)}: {len(pdf) / 1024:.0f} KB in {pdf_seconds:.2f} s")
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"annual report: {elapsed:.2f} s, peak {peak / 2**20:.1f} MB, {len(queries)} queries")


if __name__ == "__main__":
    main()
