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

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "year"], name="annual_report_foreword_once_a_year"),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100), name="annual_report_foreword_year"),
            models.CheckConstraint(condition=~Q(text=""), name="annual_report_foreword_not_blank"),
        ]

    def __str__(self) -> str:
        return f"Foreword {self.year}"
