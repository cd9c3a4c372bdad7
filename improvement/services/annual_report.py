"""Writes for the annual report: the coordinator's foreword, publishing the report on the public pages, and its
PDF (the figures are read, never stored, except as the laid-out PDF of one moment)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from partnership.accounts.models import User
from partnership.tenancy.models import Partnership
from reviews.reports.storage import write_atomically

from ..models import AnnualReportForeword, AnnualReportPdf, PdfStatus
from ..selectors.annual_report import annual_report
from ..selectors.annual_report_pdf import annual_report_html, content_hash
from .self_evaluation import FIRST_YEAR, LAST_YEAR

MAX_FOREWORD = 10_000


def foreword_save(*, partnership: Partnership, year: int, text: str, actor: User | None) -> AnnualReportForeword:
    """Write or rewrite the year's foreword; saving the same text twice changes nothing."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError(f"Choose an academic year from {FIRST_YEAR} to {LAST_YEAR}.")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Write the foreword."})
    if len(text) > MAX_FOREWORD:
        raise ValidationError({"text": f"Keep the foreword to {MAX_FOREWORD:,} characters."})
    foreword, _ = AnnualReportForeword.objects.update_or_create(
        year=year, defaults={"partnership": partnership, "text": text, "written_by": actor}
    )
    return foreword


def annual_report_publish(*, partnership: Partnership, year: int, actor: User | None) -> AnnualReportForeword:
    """Publish the year's report on the partnership's public pages. The foreword comes first: a report is
    published with the coordinator's words."""
    foreword = AnnualReportForeword.objects.filter(year=year).first()
    if foreword is None:
        raise ValidationError("Write the foreword before publishing the report.")
    if foreword.published_at is None:
        foreword.published_at, foreword.published_by = timezone.now(), actor
        foreword.save(update_fields=["published_at", "published_by"])
    return foreword


def annual_report_unpublish(*, year: int) -> None:
    AnnualReportForeword.objects.filter(year=year).update(published_at=None, published_by=None)


def annual_report_pdf_request(
    *, partnership: Partnership, year: int, actor: User | None
) -> tuple[AnnualReportPdf, bool]:
    """Ask for the year's PDF as the report reads now: the stored one when its content is unchanged, otherwise a
    new one queued for a worker on the `pdf` queue (after the transaction commits). Returns it and whether it was
    queued now."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError(f"Choose an academic year from {FIRST_YEAR} to {LAST_YEAR}.")
    html = annual_report_html(annual_report(year), partnership)
    digest = content_hash(html)
    with transaction.atomic():
        pdf, created = AnnualReportPdf.objects.get_or_create(
            year=year,
            content_hash=digest,
            defaults={"partnership": partnership, "html": html, "requested_by": actor},
        )
        if not created and pdf.status != PdfStatus.FAILED:
            return pdf, False
        if not created:  # a failed one is tried again when asked for again
            AnnualReportPdf.objects.filter(pk=pdf.pk).update(status=PdfStatus.QUEUED, error="", requested_by=actor)
            pdf.status, pdf.error = PdfStatus.QUEUED, ""
        transaction.on_commit(lambda: _enqueue(partnership.pk, pdf.pk))
    return pdf, True


def _enqueue(partnership_id: int, pdf_id: int) -> None:
    from ..tasks import render_annual_report_task  # tasks import services: a late import keeps the cycle open

    try:
        render_annual_report_task.delay(partnership_id=partnership_id, pdf_id=pdf_id)
    except OperationalError as error:  # the broker is away: the page says so, and asking again sends it again
        AnnualReportPdf.objects.filter(pk=pdf_id).exclude(status=PdfStatus.READY).update(
            status=PdfStatus.FAILED, error=f"The PDF could not be queued ({error}). Ask for it again."
        )


def annual_report_pdf_render(*, pdf_id: int) -> AnnualReportPdf | None:
    """Lay out one PDF (in a worker). Idempotent: a ready one is left alone, a repeat writes the same file."""
    from reviews.reports.render import PDF_VARIANT, render_html  # WeasyPrint: only workers need it loaded

    with transaction.atomic():
        pdf = AnnualReportPdf.objects.select_for_update().filter(pk=pdf_id).first()
        if pdf is None or pdf.status == PdfStatus.READY:
            return pdf
        AnnualReportPdf.objects.filter(pk=pdf.pk).update(status=PdfStatus.RENDERING)
        data = render_html(pdf.html).write_pdf(pdf_variant=PDF_VARIANT)
        name = f"annual-reports/{pdf.partnership_id}/{pdf.year}-{pdf.content_hash[:16]}.pdf"
        pdf.file.name = write_atomically(pdf.file.storage, name, data)
        pdf.status, pdf.size, pdf.rendered_at, pdf.error = PdfStatus.READY, len(data), timezone.now(), ""
        pdf.save(update_fields=["file", "status", "size", "rendered_at", "error"])
    return pdf


def annual_report_pdf_failed(*, pdf_id: int, reason: str) -> None:
    AnnualReportPdf.objects.filter(pk=pdf_id).exclude(status=PdfStatus.READY).update(
        status=PdfStatus.FAILED, error=reason[:2000]
    )
