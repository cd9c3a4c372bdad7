"""500 CPD certificates laid out as PDFs by two worker processes, through `cpd.certificates_pdf.certificate_pdf`,
the function the `pdf` queue's task (`cpd.tasks.render_certificates`) calls for each certificate it stores.

    python benchmarks/cpd_certificates.py [--count 500] [--workers 2]

Prints the time, the peak memory (max RSS) of the worker processes, and how long one certificate takes against
the same content laid out unstyled (no print stylesheet, default fonts); the last line is
`certificates: 500 in N s, peak M MB, R.RRx the same content unstyled`. Targets (issue 14): under 60 s, under
400 MB, at most 1.5x. Nothing here needs the database: the certificates are built in memory."""

import argparse
import datetime
import os
import resource
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnership.settings")

import django  # noqa: E402

django.setup()

from django.utils import timezone  # noqa: E402
from weasyprint import HTML  # noqa: E402

from cpd.certificates_pdf import certificate_html, certificate_pdf  # noqa: E402
from cpd.models import Certificate  # noqa: E402
from cpd.services.certificates import new_code  # noqa: E402
from partnership.tenancy.models import Partnership  # noqa: E402

PARTNERSHIP = Partnership(pk=1, slug="bench", name="Benchmark Partnership", colour="#005a5b")


def certificate(n: int) -> Certificate:
    return Certificate(
        pk=n,
        partnership_id=1,
        code=new_code(),
        person_name=f"Participant {n:04d} Example-Surname",
        event_title="Annual teaching and learning conference",
        completed_on=datetime.date(2026, 11, 20),
        issued_at=timezone.now(),
    )


def render_batch(numbers: list[int]) -> tuple[int, int]:
    for n in numbers:
        pdf = certificate_pdf(certificate(n), partnership=PARTNERSHIP)
        assert pdf.startswith(b"%PDF")
    return len(numbers), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def one_ratio(repeat: int = 5) -> float:
    """Median time of one styled certificate over the same content with no stylesheet (both warm)."""
    sample = certificate(0)
    certificate_pdf(sample, partnership=PARTNERSHIP)
    unstyled_html = certificate_html(sample, partnership=PARTNERSHIP, styled=False)
    HTML(string=unstyled_html).write_pdf()
    styled, plain = [], []
    for _ in range(repeat):
        started = time.perf_counter()
        certificate_pdf(sample, partnership=PARTNERSHIP)
        styled.append(time.perf_counter() - started)
        started = time.perf_counter()
        HTML(string=unstyled_html).write_pdf()
        plain.append(time.perf_counter() - started)
    return statistics.median(styled) / statistics.median(plain)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    numbers = list(range(1, args.count + 1))
    chunks = [numbers[i :: args.workers] for i in range(args.workers)]
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        results = list(pool.map(render_batch, chunks))
    seconds = time.perf_counter() - started
    done = sum(count for count, _ in results)
    peak = max(peak for _, peak in results)
    ratio = one_ratio()
    print(f"workers: {args.workers}, per certificate {seconds / done * args.workers:.3f} s of a worker")
    print(f"certificates: {done} in {seconds:.1f} s, peak {peak} MB, {ratio:.2f}x the same content unstyled")


if __name__ == "__main__":
    main()
