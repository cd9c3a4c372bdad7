"""The published annual report's PDF on the public pages: anyone may download it, only for a published year of
this partnership, never an unpublished one nor another partnership's; the web request never lays it out."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from improvement.models import AnnualReportPdf, PdfStatus
from improvement.services.annual_report import annual_report_publish, foreword_save
from partnership.governance.models import PublicPages
from partnership.tenancy.scoping import partnership_scope

pytestmark = pytest.mark.django_db
YEAR = 2025


def public_pages(partnership, *, published: dict[int, str]):
    """Public pages on; a foreword for each year, published for those whose text says so."""
    with partnership_scope(partnership):
        PublicPages.objects.create(partnership=partnership, enabled=True)
        for year, text in published.items():
            foreword_save(partnership=partnership, year=year, text=text, actor=None)
            if "published" in text:
                annual_report_publish(partnership=partnership, year=year, actor=None)


def test_anyone_downloads_the_published_reports_pdf_laid_out_by_a_worker(
    partnership_a, client_at, scope_of, django_capture_on_commit_callbacks
):
    public_pages(partnership_a, published={YEAR: "Our published year."})
    anyone = client_at(partnership_a)
    page = anyone.get(reverse("public_annual_report", args=[YEAR])).content.decode()
    path = reverse("public_annual_report_pdf", args=[YEAR])
    assert f'href="{path}"' in page
    with django_capture_on_commit_callbacks(execute=False) as queued:
        first = anyone.get(path)
    assert first.status_code == 302 and first.url.endswith(f"/public/annual-reports/{YEAR}/?pdf=preparing#pdf")
    assert len(queued) == 1  # asked for, not laid out here
    assert "being prepared" in anyone.get(first.url).content.decode()
    with django_capture_on_commit_callbacks(execute=False) as again:
        assert anyone.get(path).status_code == 302
    assert not again  # still queued: asking again queues nothing more
    with django_capture_on_commit_callbacks(execute=True):
        queued[0]()  # the worker (Celery runs eagerly in tests)
    response = anyone.get(path)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "2025-26.pdf" in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    assert "Our published year." in reader.pages[0].extract_text()
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged, for screen readers
    with scope_of(partnership_a):
        assert AnnualReportPdf.objects.filter(status=PdfStatus.READY).count() == 1


def test_an_unpublished_or_another_partnerships_report_is_not_reachable(
    partnership_a, partnership_b, client_at, scope_of, django_capture_on_commit_callbacks
):
    public_pages(partnership_a, published={YEAR: "A's published year.", YEAR - 1: "A's draft"})
    public_pages(partnership_b, published={YEAR - 2: "B's published year.", YEAR: "B's draft"})
    at_a, at_b = client_at(partnership_a), client_at(partnership_b)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert at_a.get(reverse("public_annual_report_pdf", args=[YEAR - 1])).status_code == 404  # unpublished
        assert at_a.get(reverse("public_annual_report_pdf", args=[YEAR - 2])).status_code == 404  # B's year only
        assert at_b.get(reverse("public_annual_report_pdf", args=[YEAR])).status_code == 404  # A's year only
        assert at_a.get(reverse("public_annual_report_pdf", args=[1990])).status_code == 404
    assert not queued
    with scope_of(partnership_a):
        assert not AnnualReportPdf.objects.exists()
    with scope_of(partnership_b):
        assert not AnnualReportPdf.objects.exists()
    # A's ready PDF is never served at B's address, even for a year B has published.
    with django_capture_on_commit_callbacks(execute=True):
        assert at_a.get(reverse("public_annual_report_pdf", args=[YEAR])).status_code == 302
    assert at_a.get(reverse("public_annual_report_pdf", args=[YEAR])).status_code == 200
    assert at_b.get(reverse("public_annual_report_pdf", args=[YEAR])).status_code == 404  # B's year is a draft
    b_answer = at_b.get(reverse("public_annual_report_pdf", args=[YEAR - 2]))
    assert b_answer.status_code == 302  # B's own report, asked for at B: queued, laid out for B
    with scope_of(partnership_a):
        PublicPages.objects.update(enabled=False)
    assert at_a.get(reverse("public_annual_report_pdf", args=[YEAR])).status_code == 404  # no public pages
