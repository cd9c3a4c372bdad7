from django.db import models

from partnership.tenancy.scoping import TenantOwnedModel

from .cycles import Cycle


class ReviewGroup(TenantOwnedModel):
    """Schools that review each other in a cycle (a triad by default)."""

    class Pattern(models.TextChoices):
        ROTATION = "rotation", "Rotation (A reviews B, B reviews C, C reviews A)"
        PAIRS = "pairs", "Reciprocal pairs (A and B review each other)"

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="groups")
    number = models.PositiveSmallIntegerField()
    locked = models.BooleanField(default=False, help_text="Kept as it is when the rest are proposed again.")
    pattern = models.CharField(max_length=12, choices=Pattern.choices, default=Pattern.ROTATION)
    costs = models.JSONField(default=dict, blank=True, help_text="Each preference's cost when it was proposed.")
    explanation = models.JSONField(default=list, blank=True, help_text="Why the group was formed, line by line.")
    proposed_automatically = models.BooleanField(default=False)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "cycle", "number"], name="review_group_number_unique"),
        ]

    def __str__(self) -> str:
        return f"Group {self.number}"


class ReviewGroupMember(TenantOwnedModel):
    group = models.ForeignKey(ReviewGroup, on_delete=models.CASCADE, related_name="members")
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        constraints = [
            # A school sits in exactly one group per cycle.
            models.UniqueConstraint(fields=["partnership", "cycle", "school"], name="review_group_member_once"),
        ]

    def __str__(self) -> str:
        return f"{self.school} in {self.group}"
