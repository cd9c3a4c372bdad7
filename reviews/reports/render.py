"""Rendering a report's content snapshot to a tagged PDF (PDF/UA-1) with WeasyPrint. Called by the Celery task.

The print stylesheet and its fonts are parsed once per worker process and reused for every report (the fonts
are the costly part of a small document); they are reloaded when the stylesheet file changes. Every file
WeasyPrint reads goes through `ReportURLFetcher`: nothing is fetched from the network.
"""

import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import path2url

from ..models.reports import ReportKind
from .fetcher import ReportURLFetcher, media_url, static_base_url, static_roots

PDF_VARIANT = "pdf/ua-1"
TEMPLATE = "pdf/report.html"
STYLESHEET = Path("css") / "report-print.css"
HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
DEFAULT_COLOUR = "#1d70b8"


@dataclass(frozen=True)
class RenderedReport:
    pdf: bytes
    page_count: int
    seconds: float


@dataclass(frozen=True)
class PrintResources:
    key: tuple
    font_config: FontConfiguration
    stylesheet: CSS


_resources: PrintResources | None = None
_lock = threading.Lock()


def stylesheet_path() -> Path:
    for root in static_roots():
        if (root / STYLESHEET).is_file():
            return root / STYLESHEET
    raise FileNotFoundError(f"The print stylesheet {STYLESHEET} is missing from the static files.")


def print_resources() -> PrintResources:
    """The parsed print stylesheet and its fonts, shared by every render in this process."""
    global _resources
    path = stylesheet_path()
    key = (str(path), path.stat().st_mtime_ns)
    with _lock:
        if _resources is None or _resources.key != key:
            font_config = FontConfiguration()
            stylesheet = CSS(url=path2url(str(path)), url_fetcher=ReportURLFetcher(), font_config=font_config)
            _resources = PrintResources(key, font_config, stylesheet)
        return _resources


def report_html(content: dict[str, Any]) -> str:
    colour = content["partnership"].get("colour", "")
    logo = content["partnership"].get("logo", "")
    return render_to_string(
        TEMPLATE,
        {
            "report": content,
            "draft": content["kind"] == ReportKind.DRAFT,
            "brand_colour": colour if HEX_COLOUR.match(colour or "") else DEFAULT_COLOUR,
            "logo_url": media_url(logo) if logo else "",
        },
    )


def render_html(html: str, *, media_names: tuple[str, ...] = (), fetcher: ReportURLFetcher | None = None):
    """Lay out an HTML document with the print stylesheet: a WeasyPrint Document, not yet written."""
    resources = print_resources()
    fetcher = fetcher or ReportURLFetcher(media_names=media_names)
    return HTML(string=html, base_url=static_base_url(), url_fetcher=fetcher).render(
        stylesheets=[resources.stylesheet], font_config=resources.font_config, pdf_variant=PDF_VARIANT
    )


def render_report(content: dict[str, Any], *, fetcher: ReportURLFetcher | None = None) -> RenderedReport:
    """The PDF of one report's content snapshot."""
    started = time.perf_counter()
    logo = content["partnership"].get("logo", "")
    document = render_html(report_html(content), media_names=(logo,) if logo else (), fetcher=fetcher)
    pdf = document.write_pdf(pdf_variant=PDF_VARIANT)
    return RenderedReport(pdf=pdf, page_count=len(document.pages), seconds=time.perf_counter() - started)
