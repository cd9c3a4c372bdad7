from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q

from partnership.tenancy.scoping import TenantManager, TenantOwnedModel


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
    """A multi-academy trust or a federation, as GIAS names it (`Trusts (...)`, `Federations (...)`)."""

    class Kind(models.TextChoices):
        TRUST = "trust", "Multi-academy trust"
        FEDERATION = "federation", "Federation"

    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.TRUST)
    gias_code = models.CharField(max_length=20, blank=True, help_text="GIAS `Trusts (code)` or `Federations (code)`.")
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "kind", "gias_code"],
                condition=~Q(gias_code=""),
                name="trust_gias_code_unique_per_kind",
            ),
            models.UniqueConstraint(
                fields=["partnership", "kind", "name"], condition=Q(gias_code=""), name="trust_name_unique_without_code"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="trust_name_not_blank"),
        ]

    def __str__(self) -> str:
        return self.name


class SchoolQuerySet(models.QuerySet):
    def current(self) -> "SchoolQuerySet":
        """Schools that are not closed: the ones offered for new cycles, events and roles."""
        return self.exclude(status=School.Status.CLOSED)


class School(TenantOwnedModel):
    """An establishment in the partnership, keyed by its GIAS URN. Closed schools stay, as history."""

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
    head_title = models.CharField("headteacher's title", max_length=20, blank=True)
    head_first_name = models.CharField("headteacher's first name", max_length=100, blank=True)
    head_last_name = models.CharField("headteacher's last name", max_length=100, blank=True)
    opened_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    trust = models.ForeignKey(Trust, null=True, blank=True, on_delete=models.SET_NULL, related_name="schools")
    federation = models.ForeignKey(
        Trust, null=True, blank=True, on_delete=models.SET_NULL, related_name="federated_schools"
    )
    area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.SET_NULL, related_name="schools")
    cluster = models.ForeignKey(Cluster, null=True, blank=True, on_delete=models.SET_NULL, related_name="schools")
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager(models.Manager.from_queryset(SchoolQuerySet))

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

    @property
    def dfe_number(self) -> str:
        """The DfE establishment number as schools quote it: LA code / establishment number, e.g. 960/2001."""
        return f"{self.la_code}/{self.establishment_number}" if self.la_code and self.establishment_number else ""

    @property
    def gias_headteacher(self) -> str:
        return " ".join(part for part in (self.head_title, self.head_first_name, self.head_last_name) if part)

    @property
    def address_lines(self) -> list[str]:
        return [line for line in (self.street, self.locality, self.town, self.postcode) if line]

    @property
    def website_url(self) -> str:
        """A link for the school's website as GIAS records it (often without a scheme)."""
        site = self.website.strip()
        if not site or " " in site:
            return ""
        if site.lower().startswith(("http://", "https://")):
            return site
        return f"https://{site}" if "." in site else ""


def gias_upload_path(run: "ImportRun", filename: str) -> str:
    # Never the uploaded name: a private, unguessable path. MEDIA_ROOT is not served by any URL.
    return f"private/gias-imports/{run.partnership_id}/{run.token}.csv"


class ImportRun(TenantOwnedModel):
    """One GIAS import: what was uploaded, by whom, what it would change (the preview) and what it changed.

    An upload is checked and previewed at once; the file is kept privately until the import is applied or
    discarded, so applying needs no second upload. The record stays as the audit trail of the import.
    """

    class Status(models.TextChoices):
        PREVIEWED = "previewed", "Waiting to be applied"
        APPLIED = "applied", "Applied"
        DISCARDED = "discarded", "Discarded"
        SUPERSEDED = "superseded", "Replaced by a newer upload"

    class Source(models.TextChoices):
        UPLOAD = "upload", "Upload"
        COMMAND = "command", "Command line"

    token = models.CharField(max_length=32, editable=False)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.UPLOAD)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PREVIEWED)
    file_name = models.CharField(max_length=255)
    file = models.FileField(upload_to=gias_upload_path, blank=True, max_length=300)
    file_size = models.PositiveBigIntegerField(default=0)
    file_sha256 = models.CharField(max_length=64)
    encoding = models.CharField(max_length=20, blank=True)
    la_codes = ArrayField(models.CharField(max_length=10), default=list, blank=True)
    urns = ArrayField(models.PositiveIntegerField(), default=list, blank=True)
    rows_read = models.PositiveIntegerField(default=0)
    rows_selected = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    closed_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    plan = models.JSONField(default=dict, blank=True, help_text="The preview: every change, for display.")
    plan_digest = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["partnership", "status"])]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "token"], name="import_run_token_unique"),
            models.CheckConstraint(
                condition=Q(la_codes__len__gt=0) | Q(urns__len__gt=0), name="import_run_selects_something"
            ),
            models.CheckConstraint(
                condition=Q(status="applied", applied_at__isnull=False)
                | (~Q(status="applied") & Q(applied_at__isnull=True)),
                name="import_run_applied_at_iff_applied",
            ),
            models.CheckConstraint(condition=Q(file_sha256__regex=r"^[0-9a-f]{64}$"), name="import_run_sha256"),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display().lower()})"

    @property
    def selection_label(self) -> str:
        parts = []
        if self.la_codes:
            parts.append(
                ("local authority " if len(self.la_codes) == 1 else "local authorities ") + ", ".join(self.la_codes)
            )
        if self.urns:
            parts.append(f"{len(self.urns)} URN{'s' if len(self.urns) != 1 else ''}")
        return " and ".join(parts)


class SchoolChange(TenantOwnedModel):
    """What one import did to one school: its history from GIAS, field by field."""

    class Action(models.TextChoices):
        CREATED = "created", "Added"
        UPDATED = "updated", "Updated"
        CLOSED = "closed", "Closed"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="changes")
    import_run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="changes")
    action = models.CharField(max_length=10, choices=Action.choices)
    changes = models.JSONField(default=dict, blank=True, help_text="field -> [before, after], as displayed.")

    class Meta:
        ordering = ["-import_run__created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "import_run", "school"], name="school_change_once_per_import"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school} {self.get_action_display().lower()}"
