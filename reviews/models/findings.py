from django.conf import settings
from django.db import models

from partnership.tenancy.scoping import TenantOwnedModel

from .cycles import FocusArea
from .reviews import Review


class Finding(TenantOwnedModel):
    """What the review found in one focus area."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="findings")
    focus_area = models.ForeignKey(FocusArea, on_delete=models.PROTECT, related_name="findings")
    strengths = models.TextField(blank=True, help_text="What went well.")
    areas_for_development = models.TextField(blank=True, help_text="Even better if...")
    grade = models.CharField(max_length=60, blank=True, help_text="On the cycle's scale, when it uses one.")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["focus_area__position", "focus_area__name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "review", "focus_area"], name="finding_once_per_area"),
        ]

    def __str__(self) -> str:
        return f"{self.focus_area} in {self.review}"


class ReportDraft(TenantOwnedModel):
    """The report's narrative parts, written by the lead reviewer; the school's reply comes in the accuracy check."""

    review = models.OneToOneField(Review, on_delete=models.CASCADE, related_name="report")
    context = models.TextField(blank=True, help_text="The school's context.")
    area_of_excellence = models.TextField(blank=True)
    recommendations = models.TextField(blank=True)
    next_steps = models.TextField(blank=True)
    factual_accuracy_comments = models.TextField(blank=True, help_text="The headteacher's factual-accuracy comments.")
    school_response = models.TextField(blank=True, help_text="The school's right to reply, printed in the report.")
    factual_accuracy_responded_at = models.DateTimeField(null=True, blank=True)
    factual_accuracy_responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    version = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return f"Report on {self.review}"
