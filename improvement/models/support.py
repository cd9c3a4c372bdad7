from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q

from partnership.tenancy.scoping import TenantOwnedModel


class Designation(models.TextChoices):
    NLE = "nle", "National leader of education"
    LLE = "lle", "Local leader of education"
    SLE = "sle", "Specialist leader of education"
    REVIEWER = "reviewer", "Experienced peer reviewer"
    OTHER = "other", "Other system leader"


class SystemLeader(TenantOwnedModel):
    """Someone who can support other schools, with their expertise and the days a term they can give."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    school = models.ForeignKey(
        "schools.School", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", help_text="Their school."
    )
    designation = models.CharField(max_length=12, choices=Designation.choices)
    focus_areas = ArrayField(models.CharField(max_length=120), default=list, blank=True)
    phases = ArrayField(models.CharField(max_length=20), default=list, blank=True)
    days_a_term = models.PositiveSmallIntegerField(help_text="The days a term they can give to other schools.")
    is_active = models.BooleanField(default=True, help_text="Taking requests.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user__last_name", "user__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "user"], name="system_leader_once_per_person"),
            models.CheckConstraint(condition=Q(days_a_term__lte=65), name="system_leader_days_within_a_term"),
            models.CheckConstraint(condition=Q(designation__in=Designation.values), name="system_leader_designation"),
        ]

    def __str__(self) -> str:
        return str(self.user)


class LeaderConflict(TenantOwnedModel):
    """A declared conflict of interest: the leader is never proposed to this school."""

    leader = models.ForeignKey(SystemLeader, on_delete=models.CASCADE, related_name="conflicts")
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=300)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partnership", "leader", "school"], name="leader_conflict_once"),
        ]

    def __str__(self) -> str:
        return f"{self.leader} and {self.school}"


class SupportStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    AGREED = "agreed", "Agreed"
    UNDER_WAY = "under_way", "Under way"
    EVALUATED = "evaluated", "Evaluated"
    WITHDRAWN = "withdrawn", "Withdrawn"


class SupportRequest(TenantOwnedModel):
    """A school's request for support from another school, and the support brokered for it."""

    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+")
    aims = models.TextField()
    focus = models.CharField(max_length=120)
    phase = models.CharField(max_length=20)
    days = models.PositiveSmallIntegerField(default=3, help_text="The days of support the school hopes for.")
    allow_same_trust = models.BooleanField(default=False)
    status = models.CharField(max_length=12, choices=SupportStatus.choices, default=SupportStatus.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    # When the coordinators were emailed that it still waits for its agreement (once: improvement/services/reminders).
    agree_reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=SupportStatus.values), name="support_request_status"),
            models.CheckConstraint(condition=~Q(aims="") & ~Q(focus=""), name="support_request_has_aims"),
            models.CheckConstraint(condition=Q(days__gte=1), name="support_request_days_positive"),
        ]

    def __str__(self) -> str:
        return f"Support for {self.school}: {self.focus}"


class SupportAgreement(TenantOwnedModel):
    """What the school and the system leader agreed: aims, days, dates and cost."""

    request = models.OneToOneField(SupportRequest, on_delete=models.CASCADE, related_name="agreement")
    leader = models.ForeignKey(SystemLeader, on_delete=models.PROTECT, related_name="agreements")
    aims = models.TextField()
    days = models.PositiveSmallIntegerField()
    starts_on = models.DateField()
    ends_on = models.DateField()
    cost = models.DecimalField(max_digits=9, decimal_places=2, default=0)
    agreed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    agreed_at = models.DateTimeField(auto_now_add=True)
    # When those who hold the next step were emailed that it is due (once each: improvement/services/reminders).
    midpoint_reminded_at = models.DateTimeField(null=True, blank=True)
    evaluation_reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partnership", "request"], name="support_agreement_once"),
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="support_agreement_dates_in_order"),
            models.CheckConstraint(condition=Q(days__gte=1), name="support_agreement_days_positive"),
            models.CheckConstraint(condition=Q(cost__gte=0), name="support_agreement_cost_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.leader} supporting {self.request.school}"

    @property
    def midpoint_on(self):
        """The day half way through the support, when its mid-point review is due."""
        return self.starts_on + (self.ends_on - self.starts_on) / 2


class SupportVisit(TenantOwnedModel):
    agreement = models.ForeignKey(SupportAgreement, on_delete=models.CASCADE, related_name="visits")
    visited_on = models.DateField()
    notes = models.TextField()
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    written_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["visited_on", "pk"]
        constraints = [models.CheckConstraint(condition=~Q(notes=""), name="support_visit_has_notes")]

    def __str__(self) -> str:
        return f"Visit on {self.visited_on:%d %b %Y}"


class Impact(models.TextChoices):
    EXCEEDED = "exceeded", "Aims exceeded"
    MET = "met", "Aims met"
    PARTLY = "partly", "Aims partly met"
    NOT_MET = "not_met", "Aims not met"


class SupportEvaluation(TenantOwnedModel):
    """The final evaluation of the support's impact against its aims."""

    agreement = models.OneToOneField(SupportAgreement, on_delete=models.CASCADE, related_name="evaluation")
    evaluated_on = models.DateField()
    impact = models.CharField(max_length=10, choices=Impact.choices)
    summary = models.TextField()
    evaluated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partnership", "agreement"], name="support_evaluation_once"),
            models.CheckConstraint(condition=Q(impact__in=Impact.values), name="support_evaluation_impact"),
            models.CheckConstraint(condition=~Q(summary=""), name="support_evaluation_has_summary"),
        ]

    def __str__(self) -> str:
        return f"Evaluation of {self.agreement}"


class SupportMidpointReview(TenantOwnedModel):
    """Half way through the agreement, the school, the leader and the coordinator check it is on track: what has
    changed so far, and what the rest of the support will do."""

    agreement = models.OneToOneField(SupportAgreement, on_delete=models.CASCADE, related_name="midpoint_review")
    reviewed_on = models.DateField()
    on_track = models.BooleanField(help_text="On track to meet its aims.")
    notes = models.TextField()
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partnership", "agreement"], name="support_midpoint_review_once"),
            models.CheckConstraint(condition=~Q(notes=""), name="support_midpoint_review_has_notes"),
        ]

    def __str__(self) -> str:
        return f"Mid-point review of {self.agreement}"


class SupportChange(TenantOwnedModel):
    """A change to the agreement or to a visit's notes while the support is open: what they said before, who
    changed them and when. The agreement's page lists them, newest first."""

    agreement = models.ForeignKey(SupportAgreement, on_delete=models.CASCADE, related_name="changes")
    visit = models.ForeignKey(SupportVisit, null=True, blank=True, on_delete=models.CASCADE, related_name="changes")
    before = models.TextField(help_text="What the changed fields said before, in words.")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        constraints = [models.CheckConstraint(condition=~Q(before=""), name="support_change_says_what_changed")]

    def __str__(self) -> str:
        return f"Change to {'a visit' if self.visit_id else 'the agreement'} on {self.changed_at:%d %b %Y}"
