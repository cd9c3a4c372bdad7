from django.conf import settings
from django.db import models
from django.db.models import Q

from partnership.tenancy.scoping import TenantOwnedModel


class ActionPlan(TenantOwnedModel):
    """What a school does about its review's findings: run by an improvement champion who was not on the review
    team, written by the school's leaders, checked at the impact visit. It belongs to the reviewed school, like
    the review itself (improvement/permissions.py)."""

    review = models.OneToOneField("reviews.Review", on_delete=models.CASCADE, related_name="action_plan")
    champion = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    named_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    named_at = models.DateTimeField(auto_now_add=True)
    workshop_on = models.DateField(null=True, blank=True, help_text="The improvement workshop.")

    class Meta:
        ordering = ["review__school__name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "review"], name="action_plan_once_per_review"),
        ]

    def __str__(self) -> str:
        return f"Action plan for {self.review}"


class ActionStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


OPEN_ACTION_STATUSES = (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)


class Action(TenantOwnedModel):
    """One action of the plan, answering one finding's areas for development or the report's recommendations."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="actions")
    finding = models.ForeignKey("reviews.Finding", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    answers_recommendations = models.BooleanField(
        default=False, help_text="Answers the report's recommendations rather than one focus area's findings."
    )
    description = models.TextField()
    owner = models.CharField(max_length=200, help_text="Who leads it, e.g. ‘Deputy headteacher’.")
    success_criteria = models.TextField()
    due_on = models.DateField()
    status = models.CharField(max_length=12, choices=ActionStatus.choices, default=ActionStatus.PLANNED)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["partnership", "status", "due_on"])]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ActionStatus.values), name="action_status_known"),
            models.CheckConstraint(
                condition=Q(finding__isnull=False) | Q(answers_recommendations=True), name="action_answers_something"
            ),
            models.CheckConstraint(
                condition=~Q(description="") & ~Q(owner="") & ~Q(success_criteria=""), name="action_fields_filled"
            ),
        ]

    def __str__(self) -> str:
        return self.description[:60]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ACTION_STATUSES


class ImpactVisit(TenantOwnedModel):
    """The visit about six months after the review that checks the plan's progress; its summary joins the
    review's record."""

    plan = models.OneToOneField(ActionPlan, on_delete=models.CASCADE, related_name="impact_visit")
    visited_on = models.DateField()
    summary = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partnership", "plan"], name="impact_visit_once_per_plan"),
            models.CheckConstraint(condition=~Q(summary=""), name="impact_visit_has_summary"),
        ]

    def __str__(self) -> str:
        return f"Impact visit on {self.visited_on:%d %b %Y}"


class Progress(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    SOME = "some", "Some progress"
    GOOD = "good", "Good progress"
    ACHIEVED = "achieved", "Achieved"


class ActionProgress(TenantOwnedModel):
    """The impact visit's judgement of one action, with its evidence."""

    visit = models.ForeignKey(ImpactVisit, on_delete=models.CASCADE, related_name="progress")
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="progress")
    progress = models.CharField(max_length=12, choices=Progress.choices)
    evidence = models.TextField(blank=True)

    class Meta:
        ordering = ["action__due_on", "action_id"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "visit", "action"], name="action_progress_once"),
            models.CheckConstraint(condition=Q(progress__in=Progress.values), name="action_progress_known"),
        ]

    def __str__(self) -> str:
        return f"{self.action}: {self.get_progress_display()}"
