from django.conf import settings
from django.db import models
from django.db.models import Q

from partnership.tenancy.scoping import TenantOwnedModel

from .cycles import Cycle


class GroupingRun(TenantOwnedModel):
    """One request to propose review groups automatically, worked out by a Celery task.

    The task reads the enrolled schools and the locked groups, runs the solver and, when the inputs have not
    changed meanwhile, replaces the groups that are not locked with the proposal. Infeasible rules change
    nothing: the reasons are kept here for the coordinator to read.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Working out the groups"
        DONE = "done", "Groups proposed"
        INFEASIBLE = "infeasible", "The rules cannot all be met"
        OUTDATED = "outdated", "Enrolment or groups changed while it ran"
        FAILED = "failed", "Did not finish"

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="grouping_runs")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    schools_to_group = models.PositiveIntegerField(null=True, blank=True, help_text="Enrolled, not in a locked group.")
    locked_groups = models.PositiveIntegerField(null=True, blank=True)
    reasons = models.JSONField(default=list, blank=True, help_text="Why the rules cannot be met, or why it failed.")
    total_cost = models.FloatField(null=True, blank=True)
    lower_bound = models.FloatField(null=True, blank=True)
    gap = models.FloatField(null=True, blank=True)
    solver_status = models.CharField(max_length=120, blank=True)
    hard_rules_met = models.JSONField(default=dict, blank=True)
    seconds = models.FloatField(null=True, blank=True)
    groups_created = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "cycle"],
                condition=Q(status__in=["queued", "running"]),
                name="grouping_run_one_active_per_cycle",
            ),
        ]

    def __str__(self) -> str:
        return f"Grouping for {self.cycle} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE
