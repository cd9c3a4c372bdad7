from django.conf import settings
from django.db import models
from django.db.models import F, Q

from partnership.tenancy.scoping import TenantOwnedModel


class GrantKind(models.TextChoices):
    GRANT = "grant", "Grant given"
    COMMISSION = "commission", "Commissioned work"


class Grant(TenantOwnedModel):
    """A grant the partnership gives (pump-priming a local partnership, say) or work it commissions (a working
    group, a jointly bought service, a jointly employed specialist): who receives or provides it, what for, on
    what conditions, and the report due back with the spend and the impact."""

    kind = models.CharField(max_length=12, choices=GrantKind.choices)
    party = models.CharField(max_length=200, help_text="Who receives the grant or provides the work.")
    cluster = models.ForeignKey(
        "schools.Cluster",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The local partnership (cluster) it is for, if any.",
    )
    purpose = models.TextField()
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    conditions = models.TextField(blank=True)
    starts_on = models.DateField()
    ends_on = models.DateField()
    year = models.PositiveSmallIntegerField(help_text="The academic year it starts in (2026 is 2026/27).")
    report_due_on = models.DateField(null=True, blank=True)
    reported_on = models.DateField(null=True, blank=True)
    spend = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    impact = models.TextField(blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "starts_on", "pk"]
        indexes = [models.Index(fields=["partnership", "report_due_on"])]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=GrantKind.values), name="grant_kind_known"),
            models.CheckConstraint(condition=~Q(party="") & ~Q(purpose=""), name="grant_party_and_purpose"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="grant_amount_not_negative"),
            models.CheckConstraint(condition=Q(spend__isnull=True) | Q(spend__gte=0), name="grant_spend_not_negative"),
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="grant_dates_in_order"),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100), name="grant_year"),
            models.CheckConstraint(
                condition=Q(report_due_on__isnull=True) | Q(report_due_on__gte=F("starts_on")),
                name="grant_report_due_after_start",
            ),
            # A report received says what the money did.
            models.CheckConstraint(
                condition=Q(reported_on__isnull=True) | (~Q(impact="") & Q(spend__isnull=False)),
                name="grant_report_has_impact_and_spend",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.party}"
