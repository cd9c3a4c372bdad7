"""A meeting pack: the agenda (WeasyPrint, as the Celery task renders it) and 15 PDF papers joined into one PDF of
about 120 pages with pypdf, through `partnership.governance.services.pack.assemble`, the function the task calls.

    python benchmarks/meeting_pack.py [--papers 15] [--pages 120] [--repeat 3]

Prints each run's time, and the peak memory (max RSS) of the process; the last line is
`meeting pack: P pages in N s, peak M MB` (the median run). Target (issue 15): under 10 s and under 400 MB.
The papers are written to a temporary folder through Django's storage, as uploaded papers are; nothing here needs
the database (the meeting, its items and papers are built in memory)."""

import argparse
import datetime
import os
import resource
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnership.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.files.base import ContentFile  # noqa: E402
from django.utils import timezone  # noqa: E402

from partnership.governance.models import AgendaItem, Body, Meeting, Paper, Purpose  # noqa: E402
from partnership.governance.sample_pdf import sample_pdf  # noqa: E402
from partnership.governance.services.pack import assemble  # noqa: E402
from partnership.tenancy.models import Partnership  # noqa: E402


def build(papers: int, pages: int) -> tuple[Meeting, list[AgendaItem], list[Paper]]:
    partnership = Partnership(pk=1, slug="bench", name="Benchmark Partnership", colour="#005a5b")
    body = Body(pk=1, partnership=partnership, name="Partnership Board", quorum_numerator=1, quorum_denominator=2)
    meeting = Meeting(
        pk=1,
        partnership=partnership,
        body=body,
        place="Partnership office",
        starts_at=timezone.now() + datetime.timedelta(days=10),
    )
    items, documents = [], []
    per_paper = [pages // papers + (1 if n < pages % papers else 0) for n in range(papers)]
    for n in range(papers):
        item = AgendaItem(
            pk=n + 1,
            partnership=partnership,
            meeting=meeting,
            number=n + 1,
            title=f"Item {n + 1}: report",
            presenter="Coordinator",
            purpose=Purpose.DECISION,
        )
        content = sample_pdf(f"Paper {n + 1}", per_paper[n])
        paper = Paper(
            pk=n + 1,
            partnership=partnership,
            item=item,
            title=f"Paper {n + 1}",
            original_name=f"paper-{n + 1}.pdf",
            content_type="application/pdf",
            size=len(content),
            sha256="",
        )
        paper.file.save(f"bench-paper-{n + 1}.pdf", ContentFile(content), save=False)
        items.append(item)
        documents.append(paper)
    return meeting, items, documents


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--papers", type=int, default=15)
    parser.add_argument(
        "--pages", type=int, default=120, help="pages of the whole pack (a one-page agenda and the papers)"
    )
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as media:
        settings.MEDIA_ROOT = media
        meeting, items, papers = build(options.papers, options.pages - 1)
        times, pages = [], 0
        for run in range(options.repeat):
            pack = assemble(meeting, items, papers)
            times.append(pack.seconds)
            pages = pack.page_count
            print(f"run {run + 1}: {pack.page_count} pages, {len(pack.pdf) // 1024} KB in {pack.seconds:.2f} s")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"meeting pack: {pages} pages in {statistics.median(times):.2f} s, peak {peak:.0f} MB")


if __name__ == "__main__":
    main()
