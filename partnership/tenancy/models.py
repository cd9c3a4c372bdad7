import re

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

from .branding import validate_brand_colour
from .roles import PARTNERSHIP_ROLES, SCHOOL_ROLES, Role, StaffRole
from .scoping import TenantOwnedModel

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
SLUG_PATTERN = r"^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$"


class Partnership(models.Model):
    """The tenant: a group of schools that improve each other, with its own address and branding."""

    slug = models.CharField(
        max_length=40,
        unique=True,
        validators=[RegexValidator(SLUG_PATTERN, "Use lower-case letters, digits and hyphens.")],
        help_text="The partnership's address: <slug>.<portal domain>.",
    )
    name = models.CharField(max_length=200)
    short_description = models.CharField(max_length=300, blank=True)
    colour = models.CharField(
        max_length=7,
        default="#1d70b8",
        validators=[
            RegexValidator(HEX_COLOUR, "Enter a colour as #RRGGBB, for example #005a5b."),
            validate_brand_colour,
        ],
        help_text="The brand colour used in the header and on buttons.",
    )
    logo = models.FileField(upload_to="branding/", blank=True)
    contact_email = models.EmailField(blank=True)
    require_two_factor_for_review_roles = models.BooleanField(
        default=False,
        help_text="Coordinators, headteachers, senior leaders and governors must set up two-factor authentication.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(slug__regex=SLUG_PATTERN), name="partnership_slug_format"),
            models.CheckConstraint(condition=Q(colour__regex=HEX_COLOUR.pattern), name="partnership_colour_hex"),
            models.CheckConstraint(condition=~Q(name=""), name="partnership_name_not_blank"),
        ]

    def __str__(self) -> str:
        return self.name


class Domain(models.Model):
    """A custom address for a partnership, besides <slug>.<portal domain>."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(max_length=253, unique=True)

    class Meta:
        ordering = ["domain"]
        constraints = [
            models.CheckConstraint(condition=Q(domain=models.functions.Lower("domain")), name="domain_lower_case"),
        ]

    def __str__(self) -> str:
        return self.domain


class Membership(TenantOwnedModel):
    """One role a person holds in a partnership; ending it keeps the history."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    school = models.ForeignKey(
        "schools.School", null=True, blank=True, on_delete=models.PROTECT, related_name="memberships"
    )
    area = models.ForeignKey(
        "schools.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="memberships"
    )
    cluster = models.ForeignKey(
        "schools.Cluster", null=True, blank=True, on_delete=models.PROTECT, related_name="memberships"
    )
    staff_role = models.CharField(max_length=20, choices=StaffRole.choices, blank=True)
    is_chair_of_governors = models.BooleanField(default=False)
    represents = models.CharField(max_length=200, blank=True, help_text="For board members: the body they represent.")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["role", "started_on"]
        indexes = [models.Index(fields=["partnership", "user"]), models.Index(fields=["partnership", "school"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(role__in=sorted(SCHOOL_ROLES), school__isnull=False, area__isnull=True, cluster__isnull=True)
                    | Q(role=Role.AREA_CHAIR, area__isnull=False, school__isnull=True, cluster__isnull=True)
                    | Q(role=Role.CLUSTER_LEAD, cluster__isnull=False, school__isnull=True, area__isnull=True)
                    | Q(
                        role__in=sorted(PARTNERSHIP_ROLES), school__isnull=True, area__isnull=True, cluster__isnull=True
                    )
                ),
                name="membership_role_attachment",
            ),
            models.CheckConstraint(
                condition=Q(staff_role="") | Q(role=Role.STAFF), name="membership_staff_role_only_for_staff"
            ),
            models.CheckConstraint(
                condition=Q(is_chair_of_governors=False) | Q(role=Role.GOVERNOR),
                name="membership_chair_only_for_governor",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="membership_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["partnership", "user", "role", "school", "area", "cluster"],
                condition=Q(ended_on__isnull=True),
                nulls_distinct=False,
                name="membership_one_active_per_role_and_place",
            ),
            models.UniqueConstraint(
                fields=["partnership", "area"],
                condition=Q(role=Role.AREA_CHAIR, ended_on__isnull=True),
                name="membership_one_chair_per_area",
            ),
            models.UniqueConstraint(
                fields=["partnership", "cluster"],
                condition=Q(role=Role.CLUSTER_LEAD, ended_on__isnull=True),
                name="membership_one_lead_per_cluster",
            ),
            models.UniqueConstraint(
                fields=["partnership", "school"],
                condition=Q(is_chair_of_governors=True, ended_on__isnull=True),
                name="membership_one_chair_of_governors_per_school",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} - {self.get_role_display()}"

    @property
    def is_active(self) -> bool:
        return self.ended_on is None

    @property
    def place(self):
        """The school, area or cluster this role is held at, if any."""
        return self.school or self.area or self.cluster


from .data_version import PartnershipDataVersion, PendingDataChange  # noqa: E402, F401 - models of this app
