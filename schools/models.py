from django.db import models
from django.db.models import Q

from partnership.tenancy.scoping import TenantOwnedModel


class Area(TenantOwnedModel):
    """A part of the partnership (a quadrant or locality) with a chair."""

    name = models.CharField(max_length=120)
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="area_name_unique_in_partnership"),
            models.CheckConstraint(condition=~Q(name=""), name="area_name_not_blank"),
        ]

    def __str__(self) -> str:
        return self.name


class Cluster(TenantOwnedModel):
    """A local group of schools, usually 5-10, with a lead."""

    name = models.CharField(max_length=120)
    area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.SET_NULL, related_name="clusters")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="cluster_name_unique_in_partnership"),
            models.CheckConstraint(condition=~Q(name=""), name="cluster_name_not_blank"),
        ]

    def __str__(self) -> str:
        return self.name


class Trust(TenantOwnedModel):
    """A multi-academy trust or a federation, as GIAS names it."""

    class Kind(models.TextChoices):
        TRUST = "trust", "Multi-academy trust"
        FEDERATION = "federation", "Federation"

    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.TRUST)
    gias_code = models.CharField(max_length=20, blank=True, help_text="GIAS `Trusts (code)`.")
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "gias_code"], condition=~Q(gias_code=""), name="trust_gias_code_unique"
            ),
            models.UniqueConstraint(
                fields=["partnership", "kind", "name"], condition=Q(gias_code=""), name="trust_name_unique_without_code"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="trust_name_not_blank"),
        ]

    def __str__(self) -> str:
        return self.name


class School(TenantOwnedModel):
    """An establishment in the partnership, keyed by its GIAS URN."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        PROPOSED_TO_CLOSE = "proposed_to_close", "Open, but proposed to close"
        PROPOSED_TO_OPEN = "proposed_to_open", "Proposed to open"
        CLOSED = "closed", "Closed"

    class Phase(models.TextChoices):
        NURSERY = "nursery", "Nursery"
        PRIMARY = "primary", "Primary"
        MIDDLE = "middle", "Middle"
        SECONDARY = "secondary", "Secondary"
        ALL_THROUGH = "all_through", "All-through"
        SIXTEEN_PLUS = "16_plus", "16 plus"
        SPECIAL = "special", "Special"
        ALTERNATIVE = "alternative", "Alternative provision"
        NOT_APPLICABLE = "not_applicable", "Not applicable"

    urn = models.PositiveIntegerField("URN")
    name = models.CharField(max_length=200)
    phase = models.CharField(max_length=20, choices=Phase.choices, default=Phase.NOT_APPLICABLE)
    establishment_type = models.CharField(max_length=120, blank=True)
    type_group = models.CharField(max_length=120, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    la_code = models.CharField("LA code", max_length=10, blank=True)
    la_name = models.CharField("local authority", max_length=120, blank=True)
    establishment_number = models.CharField(max_length=10, blank=True)
    district = models.CharField(max_length=120, blank=True)
    street = models.CharField(max_length=200, blank=True)
    locality = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=120, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    easting = models.PositiveIntegerField(null=True, blank=True)
    northing = models.PositiveIntegerField(null=True, blank=True)
    statutory_low_age = models.PositiveSmallIntegerField(null=True, blank=True)
    statutory_high_age = models.PositiveSmallIntegerField(null=True, blank=True)
    pupils = models.PositiveIntegerField(null=True, blank=True)
    fsm_percentage = models.DecimalField("free school meals (%)", max_digits=5, decimal_places=2, null=True, blank=True)
    ofsted_rating = models.CharField(max_length=60, blank=True)
    ofsted_inspected_on = models.DateField(null=True, blank=True)
    religious_character = models.CharField(max_length=120, blank=True)
    diocese = models.CharField(max_length=120, blank=True)
    website = models.CharField(max_length=300, blank=True)
    telephone = models.CharField(max_length=30, blank=True)
    opened_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    trust = models.ForeignKey(Trust, null=True, blank=True, on_delete=models.SET_NULL, related_name="schools")
    federation = models.ForeignKey(
        Trust, null=True, blank=True, on_delete=models.SET_NULL, related_name="federated_schools"
    )
    area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.SET_NULL, related_name="schools")
    cluster = models.ForeignKey(Cluster, null=True, blank=True, on_delete=models.SET_NULL, related_name="schools")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["partnership", "name"]),
            models.Index(fields=["partnership", "status"]),
            models.Index(fields=["partnership", "area"]),
            models.Index(fields=["partnership", "cluster"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "urn"], name="school_urn_unique_in_partnership"),
            models.CheckConstraint(condition=Q(urn__gte=100000, urn__lte=999999), name="school_urn_six_digits"),
            models.CheckConstraint(condition=~Q(name=""), name="school_name_not_blank"),
            models.CheckConstraint(
                condition=Q(fsm_percentage__isnull=True) | Q(fsm_percentage__gte=0, fsm_percentage__lte=100),
                name="school_fsm_percentage_range",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True)
                | Q(opened_on__isnull=True)
                | Q(closed_on__gte=models.F("opened_on")),
                name="school_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=Q(statutory_low_age__isnull=True)
                | Q(statutory_high_age__isnull=True)
                | Q(statutory_high_age__gte=models.F("statutory_low_age")),
                name="school_age_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED
