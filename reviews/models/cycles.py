from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q

from partnership.tenancy.scoping import TenantOwnedModel


class GradingScale(models.TextChoices):
    NONE = "none", "No grades (developmental enquiry)"
    PEER_REVIEW = "peer_review", "Leading / Effective / Working towards effective / Ineffective"
    OFSTED = "ofsted", "Exceptional / Strong standard / Expected standard / Needs attention / Urgent improvement"
    CUSTOM = "custom", "The partnership's own scale"


SCALE_PRESETS: dict[str, list[str]] = {
    GradingScale.NONE: [],
    GradingScale.PEER_REVIEW: ["Leading", "Effective", "Working towards effective", "Ineffective"],
    GradingScale.OFSTED: [
        "Exceptional",
        "Strong standard",
        "Expected standard",
        "Needs attention",
        "Urgent improvement",
    ],
}

# Ofsted's renewed framework (from November 2025); early years and sixth form apply where a school has them.
DEFAULT_FOCUS_AREAS: list[tuple[str, str]] = [
    ("Inclusion", ""),
    ("Curriculum and teaching", ""),
    ("Achievement", ""),
    ("Attendance and behaviour", ""),
    ("Personal development and well-being", ""),
    ("Leadership and governance", ""),
    ("Early years", "Where the school has early years provision."),
    ("Sixth form", "Where the school has a sixth form."),
]


class Cycle(TenantOwnedModel):
    """One academic year of peer review in a partnership."""

    name = models.CharField(max_length=120)
    academic_year_start = models.PositiveSmallIntegerField(help_text="2026 for the 2026/27 academic year.")
    grading_scale = models.CharField(max_length=20, choices=GradingScale.choices, default=GradingScale.NONE)
    custom_grades = ArrayField(models.CharField(max_length=60), default=list, blank=True)
    group_size = models.PositiveSmallIntegerField(default=3)
    separate_trusts = models.BooleanField(
        default=True, help_text="No two schools of the same trust or federation in one review group."
    )
    self_review_due_days_before_visit = models.PositiveSmallIntegerField(default=14)
    visit_window_starts_on = models.DateField()
    visit_window_ends_on = models.DateField()
    report_due_working_days = models.PositiveSmallIntegerField(default=18)
    factual_accuracy_working_days = models.PositiveSmallIntegerField(default=5)
    impact_visit_months = models.PositiveSmallIntegerField(default=6)
    groups_published_at = models.DateTimeField(null=True, blank=True)
    archived_at = models.DateTimeField(
        null=True, blank=True, help_text="Hidden from current lists; its reviews and reports stay readable."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-academic_year_start", "name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="cycle_name_unique_in_partnership"),
            models.CheckConstraint(condition=Q(group_size__gte=2, group_size__lte=5), name="cycle_group_size_2_to_5"),
            models.CheckConstraint(
                condition=Q(visit_window_ends_on__gte=F("visit_window_starts_on")), name="cycle_window_ordered"
            ),
            models.CheckConstraint(
                condition=Q(academic_year_start__gte=2000, academic_year_start__lte=2100), name="cycle_year_range"
            ),
            models.CheckConstraint(
                condition=Q(report_due_working_days__gte=1, factual_accuracy_working_days__gte=1),
                name="cycle_deadlines_positive",
            ),
            models.CheckConstraint(
                condition=~Q(grading_scale="custom") | Q(custom_grades__len__gte=2),
                name="cycle_custom_scale_has_grades",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def academic_year(self) -> str:
        return f"{self.academic_year_start}/{(self.academic_year_start + 1) % 100:02d}"

    @property
    def grades(self) -> list[str]:
        if self.grading_scale == GradingScale.CUSTOM:
            return list(self.custom_grades)
        return SCALE_PRESETS[self.grading_scale]

    @property
    def uses_grades(self) -> bool:
        return bool(self.grades)


class FocusArea(TenantOwnedModel):
    """An area a review can focus on and report against; each cycle has its own list."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="focus_areas")
    name = models.CharField(max_length=120)
    description = models.CharField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "cycle", "name"], name="focus_area_unique_in_cycle"),
            models.CheckConstraint(condition=~Q(name=""), name="focus_area_name_not_blank"),
        ]

    def __str__(self) -> str:
        return self.name


class Enrolment(TenantOwnedModel):
    """A school taking part in a cycle."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="enrolments")
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="enrolments")
    enrolled_at = models.DateTimeField(auto_now_add=True)
    enrolled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["school__name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "cycle", "school"], name="enrolment_once_per_cycle"),
        ]

    def __str__(self) -> str:
        return f"{self.school} in {self.cycle}"


class ReviewerTraining(TenantOwnedModel):
    """A person's peer-reviewer training: a dated record, not a role."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviewer_trainings")
    trained_on = models.DateField()
    provider = models.CharField(max_length=200)
    notes = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-trained_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "user", "trained_on", "provider"], name="reviewer_training_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} trained {self.trained_on:%d %b %Y} by {self.provider}"
