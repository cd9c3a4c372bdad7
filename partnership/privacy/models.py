from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from partnership.tenancy.scoping import TenantOwnedModel


class RetentionPeriod(TenantOwnedModel):
    """How many years a partnership keeps one kind of record (a registered retention rule) before removing it.
    Without a row, the rule's default applies."""

    rule = models.CharField(max_length=40)
    years = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(50)])

    class Meta:
        ordering = ["rule"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "rule"], name="retention_period_once_per_rule"),
            models.CheckConstraint(condition=models.Q(years__gte=1, years__lte=50), name="retention_years_1_to_50"),
        ]

    def __str__(self) -> str:
        return f"{self.rule}: {self.years} years"


class StoredFileDeletion(TenantOwnedModel):
    """A stored file whose record has been deleted: written in the same transaction as the deletion, so a run
    killed at any point leaves either the record with its file, or this note that the file must go (the next run
    finishes it). Never a record without its file, nor a file no record or note knows of."""

    name = models.CharField(max_length=300)
    queued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["queued_at", "pk"]

    def __str__(self) -> str:
        return self.name
