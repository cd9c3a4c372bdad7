"""Review report PDFs: one report against WeasyPrint's floor for the same work, 200 with two workers, memory.

    DATABASE_URL=... python benchmarks/report_pdfs.py [--reports 200] [--workers 2] [--repeat 15]

Prints, in one run:
- the median time to render one 4-page report through `reviews.reports.render.render_report` (the function the
  Celery task calls: template, layout with the shipped fonts, tagged PDF/UA-1), wall clock and CPU;
- the floor for the same work: WeasyPrint rendering the same report content (the same HTML from the same
  template) with no stylesheet and no tagging, timed in the same run, interleaved with the report so that a busy
  machine slows both alike; the report's time over it is the cost of the styling, the shipped fonts and the
  PDF/UA tagging;
- the median time of a one-line WeasyPrint document and of a one-line document through our own pipeline (same
  stylesheet, fonts and PDF/UA), with the ratios (issue 5's measure, kept for comparison);
- the time for N reports (200) with two worker processes. The workers are a `multiprocessing` pool (fork, as
  Celery's prefork pool) calling the same render function and the same atomic storage write as the task, with
  `maxtasksperchild` like the worker's `--max-tasks-per-child`; the database and Redis round trips of the real
  task are left out (they are milliseconds against a render);
- the peak memory (max RSS) of a worker process, and how one process's RSS grows over 100 renders.
Targets (issue 10): a report at most 1.5x the same content unstyled, 200 reports with two workers under 30 s
(issue 5's: <= 5x a one-line document, 200 reports < 90 s, peak worker memory < 400 MB).
The last line is `report: X.XXx the same content unstyled; 200 reports in N s`; its ratio is of CPU time, since
wall-clock time on a shared machine also counts what other processes took (both are printed above it).
Nothing here needs the database: the report contents are built in memory like a demo review's.
Dated figures: benchmarks/RESULTS.md.
"""

import argparse
import io
import multiprocessing
import os
import re
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnership.settings")

import django  # noqa: E402

django.setup()

from django.core.files.storage import FileSystemStorage  # noqa: E402
from pypdf import PdfReader  # noqa: E402
from weasyprint import HTML  # noqa: E402

from reviews.demo.reports import FINDINGS, TEXTS  # noqa: E402
from reviews.reports.fetcher import ReportURLFetcher, static_base_url  # noqa: E402
from reviews.reports.hashing import content_hash, template_version  # noqa: E402
from reviews.reports.render import render_html, render_report, report_html  # noqa: E402
from reviews.reports.storage import report_file_name, write_atomically  # noqa: E402
from reviews.reports.text import text_blocks  # noqa: E402

MAX_TASKS_PER_CHILD = 100
INLINE_STYLE = re.compile(r"<style>.*?</style>", re.S)


def report_content(number: int) -> dict:
    """A realistic final report: three graded focus areas with bullet-point findings, as in the demo."""
    school = f"Ashby Marsh Primary School {number}"
    facts = {"school": school, "phase": "primary", "town": "Ashby Marsh"}
    texts = {key: text.format(**facts) for key, text in TEXTS.items()}
    return {
        "template": template_version(),
        "kind": "final",
        "title": f"Peer review report: {school}",
        "status_line": "Final report, agreed 12 January 2026",
        "language": "en-GB",
        "partnership": {"name": "Northshire Schools Partnership", "colour": "#005a5b", "logo": ""},
        "school": {"name": school, "urn": 110000 + number, "trust": "", "phase": "Primary", "town": "Ashby Marsh"},
        "cycle": {
            "name": "Peer review 2025/26",
            "academic_year": "2025/26",
            "uses_grades": True,
            "grades": ["Leading", "Effective", "Working towards effective", "Ineffective"],
        },
        "visit": {
            "dates": ["Tuesday 4 November 2025", "Wednesday 5 November 2025"],
            "summary": "4 and 5 November 2025",
        },
        "finalised_on": "12 January 2026",
        "team": [
            {"name": "Ms Rosa Baker", "school": "Bramford Primary School", "lead": True},
            {"name": "Ms Imogen Roberts", "school": "Colebrook Primary School", "lead": False},
        ],
        "focus_areas": list(FINDINGS),
        "lines_of_enquiry": text_blocks(texts["lines_of_enquiry"]),
        "context": text_blocks(texts["context"]),
        "findings": [
            {
                "area": area,
                "strengths": text_blocks(strengths),
                "areas_for_development": text_blocks(development),
                "grade": grade,
            }
            for area, (strengths, development, grade) in FINDINGS.items()
        ],
        "area_of_excellence": text_blocks(texts["area_of_excellence"]),
        "recommendations": text_blocks(texts["recommendations"]),
        "next_steps": text_blocks(texts["next_steps"]),
        "school_response": text_blocks(texts["school_response"]),
    }


def render_unstyled(content: dict) -> bytes:
    """The floor for the same work: the report's own HTML, without its stylesheets (the print CSS and the inline
    brand colour and draft mark), laid out with WeasyPrint's defaults and written as an untagged PDF."""
    html = INLINE_STYLE.sub("", report_html(content))
    return HTML(string=html, base_url=static_base_url(), url_fetcher=ReportURLFetcher()).write_pdf()


def timed_pair(first, second, repeat: int) -> tuple[tuple[float, float], tuple[float, float]]:
    """Median (wall, CPU) seconds of two functions called in turn, after one warm-up call of each."""
    first(), second()
    times: tuple[list, list, list, list] = ([], [], [], [])
    for _ in range(repeat):
        for function, walls, cpus in ((first, times[0], times[1]), (second, times[2], times[3])):
            wall, cpu = time.perf_counter(), time.process_time()
            function()
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
    medians = [statistics.median(series) for series in times]
    return (medians[0], medians[1]), (medians[2], medians[3])


def timed(function, repeat: int) -> tuple[float, float]:
    """Median wall-clock and CPU seconds of `function` (after one warm-up call)."""
    function()
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        function()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


_storage = None


def _worker_init(location: str) -> None:
    global _storage
    _storage = FileSystemStorage(location=location)


def _render_and_store(number: int) -> int:
    content = report_content(number)
    rendered = render_report(content)
    name = report_file_name(
        partnership_id=1, review_id=number, kind="final", version=1, content_hash=content_hash(content)
    )
    write_atomically(_storage, name, rendered.pdf)
    return rendered.page_count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reports", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    print(f"Machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} (figures are noisy when busy)")
    # The pool first, forked from a process that has loaded Django and WeasyPrint but rendered nothing yet, as
    # Celery's prefork pool forks its children from the worker's main process.
    with tempfile.TemporaryDirectory() as folder:
        context = multiprocessing.get_context("fork")
        started = time.perf_counter()
        with context.Pool(
            args.workers, initializer=_worker_init, initargs=(folder,), maxtasksperchild=MAX_TASKS_PER_CHILD
        ) as pool:
            page_counts = pool.map(_render_and_store, range(args.reports), chunksize=1)
            pool.close()
            pool.join()
        elapsed = time.perf_counter() - started
        stored = len(list(Path(folder).rglob("*.pdf")))
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak = children.ru_maxrss / 1024
    worker_cpu = children.ru_utime + children.ru_stime
    print(
        f"{args.reports} reports with {args.workers} worker processes (multiprocessing fork pool calling the task's "
        f"render function and atomic storage write, maxtasksperchild={MAX_TASKS_PER_CHILD}): {elapsed:.1f} s, "
        f"{stored} files, {min(page_counts)}-{max(page_counts)} pages each (target < 30 s: "
        f"{'met' if elapsed < 30 else 'NOT met'}; issue 5's < 90 s: {'met' if elapsed < 90 else 'NOT met'})"
    )
    print(
        f"  The workers used {worker_cpu:.1f} CPU seconds: on {args.workers} otherwise idle cores that is about "
        f"{worker_cpu / args.workers:.1f} s for the {args.reports} reports (load average now {os.getloadavg()[0]:.2f})"
    )
    print(
        f"Peak worker memory (max RSS of a worker process): {peak:.0f} MB "
        f"(target < 400 MB: {'met' if peak < 400 else 'NOT met'})"
    )

    content = report_content(0)
    pages = render_report(content).page_count
    (report_wall, report_cpu), (unstyled_wall, unstyled_cpu) = timed_pair(
        lambda: render_report(report_content(0)), lambda: render_unstyled(report_content(0)), args.repeat
    )
    unstyled_pages = len(PdfReader(io.BytesIO(render_unstyled(content))).pages)
    floor_wall, floor_cpu = timed(lambda: HTML(string="<p>Peer review report</p>").write_pdf(), args.repeat * 2)
    one_line = '<html lang="en-GB"><head><title>One line</title></head><body><p>Peer review report</p></body></html>'
    ours_wall, ours_cpu = timed(lambda: render_html(one_line).write_pdf(pdf_variant="pdf/ua-1"), args.repeat * 2)
    print(
        f"One report ({pages} pages, tagged PDF/UA-1): median {report_wall * 1000:.0f} ms wall, "
        f"{report_cpu * 1000:.0f} ms CPU"
    )
    print(
        f"Floor, a one-line WeasyPrint document: median {floor_wall * 1000:.1f} ms wall, {floor_cpu * 1000:.1f} ms CPU"
    )
    print(
        f"One line through our pipeline (fonts, print CSS, PDF/UA): median {ours_wall * 1000:.1f} ms wall, "
        f"{ours_cpu * 1000:.1f} ms CPU"
    )
    print(
        f"The same content unstyled ({unstyled_pages} pages, no stylesheet, untagged): median "
        f"{unstyled_wall * 1000:.0f} ms wall, {unstyled_cpu * 1000:.0f} ms CPU"
    )
    same_wall, same_cpu = report_wall / unstyled_wall, report_cpu / unstyled_cpu
    print(
        f"Ratio report / the same content unstyled: {same_wall:.2f}x wall, {same_cpu:.2f}x CPU (target <= 1.5x: "
        f"{'met' if same_cpu <= 1.5 else 'NOT met'})"
    )
    ratio_wall, ratio_cpu = report_wall / floor_wall, report_cpu / floor_cpu
    print(
        f"Ratio report / one-line floor: {ratio_wall:.1f}x wall, {ratio_cpu:.1f}x CPU (issue 5's target <= 5x: "
        f"{'met' if min(ratio_wall, ratio_cpu) <= 5 else 'NOT met'}); report / our one-line document: "
        f"{report_wall / ours_wall:.1f}x wall, {report_cpu / ours_cpu:.1f}x CPU"
    )

    before = rss_mb()
    for number in range(100):
        render_report(report_content(number))
    print(f"One process over 100 renders: RSS {before:.0f} MB -> {rss_mb():.0f} MB")
    print(f"report: {same_cpu:.2f}x the same content unstyled; {args.reports} reports in {elapsed:.0f} s")


if __name__ == "__main__":
    main()
