from django.conf import settings
from django.db import models
from django.db.models import Q

from partnership.tenancy.scoping import TenantOwnedModel

from .reviews import Review


class NotificationKind(models.TextChoices):
    DATES_PROPOSED = "dates_proposed", "Visit dates proposed"
    DATES_ACCEPTED = "dates_accepted", "Visit dates agreed"
    OTHER_DATES_ASKED = "other_dates_asked", "Other visit dates asked for"
    VISIT_RESCHEDULED = "visit_rescheduled", "Visit being rescheduled"
    SELF_REVIEW_DUE = "self_review_due", "Self-review due"
    VISIT_SOON = "visit_soon", "Visit soon"
    REPORT_OVERDUE = "report_overdue", "Report overdue"
    FACTUAL_ACCURACY_OVERDUE = "factual_accuracy_overdue", "Factual-accuracy check overdue"
    REPORT_SHARED = "report_shared", "Final report shared with governors"


class Notification(TenantOwnedModel):
    """Something a person needs to know or do, shown on their home page and sent by email once.

    `dedupe_key` names the occasion (e.g. "visit-soon:review-12:2027-03-02"): a person gets one notification per
    occasion however often the reminders run, and a rescheduled visit is a new occasion.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    review = models.ForeignKey(Review, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications")
    message = models.TextField()
    url = models.CharField(max_length=300, blank=True, help_text="A path on the partnership's address.")
    dedupe_key = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    email_declined = models.BooleanField(
        default=False, help_text="Not emailed: the person has turned this kind of email off (emailed_at is when)."
    )
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["partnership", "user", "read_at"], name="notification_user_unread"),
            models.Index(
                fields=["partnership", "created_at"], condition=Q(emailed_at__isnull=True), name="notification_unsent"
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "user", "dedupe_key"], name="notification_once_per_key"),
            models.CheckConstraint(condition=~Q(dedupe_key=""), name="notification_dedupe_key_not_blank"),
            models.CheckConstraint(condition=Q(kind__in=NotificationKind.values), name="notification_kind_known"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.user}"
