from django.db import models
from django.db.models import F, Q

from partnership.tenancy.scoping import TenantOwnedModel


class Term(TenantOwnedModel):
    """A school term as the partnership sets it (there is no national format)."""

    name = models.CharField(max_length=60, help_text="e.g. Autumn 2026")
    starts_on = models.DateField()
    ends_on = models.DateField()

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="term_ends_after_start"),
            models.UniqueConstraint(fields=["partnership", "starts_on"], name="term_start_unique_in_partnership"),
        ]

    def __str__(self) -> str:
        return self.name


class ClosureDay(TenantOwnedModel):
    """A day in term when schools are closed to pupils (INSET and similar): no visits, not a working day."""

    date = models.DateField()
    reason = models.CharField(max_length=120, default="INSET day")

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "date"], name="closure_day_unique_in_partnership"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d %b %Y}: {self.reason}"
