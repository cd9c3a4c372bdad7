from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q

from partnership.tenancy.scoping import TenantOwnedModel

from .cycles import Cycle
from .groups import ReviewGroup


class ReviewStatus(models.TextChoices):
    """The review's place in the workflow. (Before a review exists its school is simply enrolled.)"""

    GROUPED = "grouped", "Grouped"
    SCHEDULED = "scheduled", "Scheduled"
    VISITED = "visited", "Visited"
    DRAFT = "draft", "Report in draft"
    FACTUAL_ACCURACY = "factual_accuracy", "Factual-accuracy check"
    FINAL = "final", "Final"
    SHARED = "shared", "Shared with governors"


STATUS_ORDER = [s.value for s in ReviewStatus]


class Review(TenantOwnedModel):
    """The peer review of one school in one cycle. It belongs to the reviewed school: see reviews/permissions.py."""

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="reviews")
    group = models.ForeignKey(ReviewGroup, on_delete=models.PROTECT, related_name="reviews")
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="reviews")
    status = models.CharField(max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.GROUPED)
    # Deadlines are computed in working days when the step that starts them happens, and kept so that lists,
    # reminders and dashboards can filter on them in the database.
    self_review_due_on = models.DateField(null=True, blank=True)
    report_due_on = models.DateField(null=True, blank=True)
    factual_accuracy_due_on = models.DateField(null=True, blank=True)
    impact_visit_on = models.DateField(null=True, blank=True)
    status_changed_at = models.DateTimeField(auto_now_add=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["school__name"]
        indexes = [
            models.Index(fields=["partnership", "cycle", "status"]),
            models.Index(fields=["partnership", "status", "report_due_on"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "cycle", "school"], name="review_once_per_school_and_cycle"),
            models.CheckConstraint(condition=Q(status__in=STATUS_ORDER), name="review_status_known"),
        ]

    def __str__(self) -> str:
        return f"Review of {self.school} ({self.cycle})"

    def has_reached(self, status: str) -> bool:
        return STATUS_ORDER.index(self.status) >= STATUS_ORDER.index(status)


class ReviewTeamMember(TenantOwnedModel):
    """A reviewer on a review: a person from another school; one of them leads."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_seats")
    school = models.ForeignKey(
        "schools.School",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The reviewer's own school.",
    )
    is_lead = models.BooleanField(default=False)
    training_override_reason = models.CharField(
        max_length=300, blank=True, help_text="Why an untrained reviewer sits on this review (coordinators only)."
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_lead", "user__last_name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "review", "user"], name="review_team_member_once"),
            models.UniqueConstraint(
                fields=["partnership", "review"], condition=Q(is_lead=True), name="review_one_lead_reviewer"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.review}"


class ReviewEvent(TenantOwnedModel):
    """Every step of a review's workflow: who, when, from and to which state."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.review}: {self.from_status or 'new'} -> {self.to_status}"


class VisitProposal(TenantOwnedModel):
    """Visit days proposed by the reviewed school; the review team accepts or asks for other dates."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Waiting for the review team"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Other dates asked for"
        WITHDRAWN = "withdrawn", "Withdrawn"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="visit_proposals")
    days = ArrayField(models.DateField(), help_text="One to three visit days.")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PROPOSED)
    note = models.TextField(blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)
    response_note = models.TextField(blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-proposed_at"]
        constraints = [
            models.CheckConstraint(condition=Q(days__len__gte=1, days__len__lte=3), name="visit_proposal_1_to_3_days"),
            models.UniqueConstraint(
                fields=["partnership", "review"], condition=Q(status="proposed"), name="visit_proposal_one_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.review}: {', '.join(f'{d:%d %b}' for d in self.days)} ({self.status})"


class VisitDay(TenantOwnedModel):
    """An accepted visit day. Kept as rows so that clashes for a reviewer can be found by date."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="visit_days")
    date = models.DateField()

    class Meta:
        ordering = ["date"]
        indexes = [models.Index(fields=["partnership", "date"])]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "review", "date"], name="visit_day_once_per_review"),
        ]

    def __str__(self) -> str:
        return f"{self.review} on {self.date:%d %b %Y}"
