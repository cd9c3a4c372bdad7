from django.conf import settings
from django.db import models
from django.db.models import Q

from partnership.tenancy.scoping import TenantOwnedModel


class AnnualReportForeword(TenantOwnedModel):
    """The coordinator's foreword to the partnership's annual report for one academic year (`year`: the year it
    starts). The figures are never stored: they are read from the portal each time, so the report cannot go stale."""

    year = models.PositiveSmallIntegerField()
    text = models.TextField()
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(
        null=True, blank=True, help_text="When the coordinator published the year's report on the public pages."
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "year"], name="annual_report_foreword_once_a_year"),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100), name="annual_report_foreword_year"),
            models.CheckConstraint(condition=~Q(text=""), name="annual_report_foreword_not_blank"),
        ]

    def __str__(self) -> str:
        return f"Foreword {self.year}"


class PdfStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to be prepared"
    RENDERING = "rendering", "Being prepared"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class AnnualReportPdf(TenantOwnedModel):
    """The annual report for a year as a tagged PDF, laid out by a worker on the `pdf` queue from the page's HTML
    as it was when asked for (kept in `html`, so the worker lays out exactly what was hashed). One row per content:
    an unchanged report is never laid out twice."""

    year = models.PositiveSmallIntegerField()
    content_hash = models.CharField(max_length=64)
    html = models.TextField()
    status = models.CharField(max_length=10, choices=PdfStatus.choices, default=PdfStatus.QUEUED)
    file = models.FileField(max_length=300, blank=True)
    size = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    rendered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "year", "content_hash"], name="annual_report_pdf_once"),
            models.CheckConstraint(condition=Q(status__in=PdfStatus.values), name="annual_report_pdf_status"),
            models.CheckConstraint(condition=~Q(status="ready") | ~Q(file=""), name="annual_report_pdf_ready_has_file"),
        ]

    def __str__(self) -> str:
        return f"Annual report {self.year} PDF"

    @property
    def is_ready(self) -> bool:
        return self.status == PdfStatus.READY
