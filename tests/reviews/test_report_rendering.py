"""What a report says, how it is hashed, and the PDF WeasyPrint makes of it (in this process, without Celery)."""

import io
import re

import pytest
from pypdf import PdfReader

from partnership.tenancy.demo import _logo_png
from partnership.tenancy.scoping import partnership_scope
from reviews.models import Finding, ReportKind, Review
from reviews.reports import hashing
from reviews.reports.content import dates_summary, report_contents
from reviews.reports.fetcher import RefusedURLError, ReportURLFetcher, media_url
from reviews.reports.render import render_html, render_report
from reviews.reports.text import text_blocks
from tests.reviews.factories_reports import SECTION_HEADINGS, edit_report, reported_scenario

pytestmark = pytest.mark.django_db


def content_of(scenario, kind=None):
    with partnership_scope(scenario.review.partnership_id):
        [(_, content)] = report_contents(Review.objects.filter(pk=scenario.review.pk), kind=kind)
    return content


def pdf_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_text_becomes_paragraphs_and_bullet_lists():
    text = "First paragraph\nwith a line break.\n\n- one\n- two\n  continued\n* three\n\nLast."
    assert text_blocks(text) == [
        {"p": ["First paragraph", "with a line break."]},
        {"ul": ["one", "two continued", "three"]},
        {"p": ["Last."]},
    ]
    assert text_blocks("   \n ") == []


def test_visit_dates_read_naturally():
    import datetime

    d = datetime.date
    assert dates_summary([d(2026, 11, 3)]) == "3 November 2026"
    assert dates_summary([d(2026, 11, 3), d(2026, 11, 4)]) == "3 and 4 November 2026"
    assert dates_summary([d(2026, 11, 30), d(2026, 12, 1)]) == "30 November and 1 December 2026"
    assert dates_summary([d(2026, 12, 31), d(2027, 1, 4)]) == "31 December 2026 and 4 January 2027"


def test_the_content_snapshot_and_its_hash(partnership_a):
    s = reported_scenario(partnership_a, "final", grade="Effective")
    content = content_of(s)
    assert content["kind"] == ReportKind.FINAL
    assert content["school"]["name"] == "Kingsmead Primary School"
    assert content["team"][0]["lead"] is True
    assert content["visit"]["summary"] == "3 and 4 November 2026"
    # The cycle's default scale is "no grades": grades are left out of the report even if a finding has one.
    assert content["cycle"]["uses_grades"] is False
    assert {finding["grade"] for finding in content["findings"]} == {""}
    assert content["template"] == hashing.template_version()

    digest = hashing.content_hash(content)
    assert digest == hashing.content_hash(content_of(s)), "the same content hashes the same"
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    edit_report(s.review, recommendations="Something else entirely.")
    assert hashing.content_hash(content_of(s)) != digest
    assert hashing.content_hash(content_of(s, kind=ReportKind.DRAFT)) != hashing.content_hash(content_of(s))


def test_the_template_version_covers_every_print_file():
    names = {path.name for path in hashing.print_resource_files()}
    assert {"report.html", "report-print.css", "report-draft-watermark.svg", "LiberationSans-Regular.ttf"} <= names
    assert hashing.canonical_json({"b": 1, "a": "é"}) == '{"a":"é","b":1}'.encode()


def test_a_final_report_has_every_section_page_numbers_and_is_tagged_pdf_ua(partnership_a, scope_of, media_root):
    s = reported_scenario(partnership_a, "shared")
    with scope_of(partnership_a):
        s.review.cycle.grading_scale = "peer_review"
        s.review.cycle.save()
        Finding.objects.filter(review=s.review).update(grade="Effective")
    rendered = render_report(content_of(s))
    pages = pdf_text(rendered.pdf)
    text = "\n".join(pages)
    assert rendered.page_count == len(pages) >= 2
    # A section with nothing recorded is left out (issue 12): this school set no separate lines of enquiry and
    # added no response.
    empty = ("Lines of enquiry", "The school's response")
    for heading in SECTION_HEADINGS:
        assert (heading in text) == (heading not in empty), heading
    for expected in ("Kingsmead Primary School", "Alpha Partnership", "Early reading", "Grade:", "Effective"):
        assert expected in text
    assert str(s.review.school.urn) in pages[0]
    assert "lead reviewer" in text.lower()
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
        assert "DRAFT" not in page

    reader = PdfReader(io.BytesIO(rendered.pdf))
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert catalog["/Lang"] == "en-GB"
    assert bool(catalog["/ViewerPreferences"]["/DisplayDocTitle"])
    assert reader.metadata.title == "Peer review report: Kingsmead Primary School"
    xmp = catalog["/Metadata"].get_object().get_data().decode()
    assert 'pdfuaid:part="1"' in xmp
    fonts = [font.get_object() for page in reader.pages for font in page["/Resources"]["/Font"].values()]
    # Only the shipped faces (the @font-face family), each embedded: no system font slipped in.
    assert fonts and all(str(font["/BaseFont"]).split("+")[-1].startswith("Report-Sans") for font in fonts)
    for font in fonts:
        descriptor = (font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font)[
            "/FontDescriptor"
        ]
        assert "/FontFile2" in descriptor or "/FontFile3" in descriptor, font


def test_a_draft_is_marked_draft_on_every_page(partnership_a):
    s = reported_scenario(partnership_a, "factual_accuracy")
    rendered = render_report(content_of(s))
    pages = pdf_text(rendered.pdf)
    assert len(pages) >= 2
    for page in pages:
        assert "DRAFT" in page
    assert "factual-accuracy check" in pages[0]


def test_the_logo_is_read_from_storage_through_the_fetcher(partnership_a, media_root):
    from django.core.files.base import ContentFile

    partnership_a.logo.save("alpha-logo.png", ContentFile(_logo_png("AP", "#005a5b")))
    s = reported_scenario(partnership_a, "final")
    content = content_of(s)
    assert content["partnership"]["logo"] == partnership_a.logo.name
    fetcher = ReportURLFetcher(media_names=[partnership_a.logo.name])
    rendered = render_report(content, fetcher=fetcher)
    assert fetcher.refused == []
    images = [image for page in PdfReader(io.BytesIO(rendered.pdf)).pages for image in page.images]
    assert images, "the logo is on the cover"


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/tracker.png",
        "https://example.org/style.css",
        "ftp://example.org/file",
        "data:image/png;base64,iVBORw0KGgo=",
        "file:///etc/passwd",
        "file:///work/../etc/hostname",
        f"{media_url('reviews/attachments/2026/sef.pdf')}",
    ],
)
def test_the_fetcher_refuses_anything_but_our_static_files_and_the_given_logo(url):
    fetcher = ReportURLFetcher(media_names=["branding/logo.png"])
    with pytest.raises(RefusedURLError):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_the_fetcher_refuses_a_static_path_that_escapes_through_dot_dot(settings):
    from reviews.reports.fetcher import static_base_url

    fetcher = ReportURLFetcher()
    with pytest.raises(RefusedURLError):
        fetcher.fetch(static_base_url() + "../manage.py")
    response = fetcher.fetch(static_base_url() + "css/report-print.css")
    assert b"@font-face" in response.read()


def test_rendering_a_document_that_points_outside_never_fetches_it():
    fetcher = ReportURLFetcher()
    html = (
        '<html lang="en"><head><title>t</title><link rel="stylesheet" href="https://cdn.example.org/x.css"></head>'
        '<body><p>Hello</p><img src="http://example.org/pixel.png" alt="">'
        '<img src="file:///etc/hostname" alt=""></body></html>'
    )
    document = render_html(html, fetcher=fetcher)
    assert len(document.pages) == 1
    assert set(fetcher.refused) == {
        "https://cdn.example.org/x.css",
        "http://example.org/pixel.png",
        "file:///etc/hostname",
    }
