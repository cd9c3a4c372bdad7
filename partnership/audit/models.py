from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditAction(models.TextChoices):
    SIGN_IN = "sign_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Failed sign-in"
    PASSWORD_CHANGED = "password_changed", "Changed password"
    EMAIL_CHANGED = "email_changed", "Changed email address"
    TWO_FACTOR_ADDED = "two_factor_added", "Turned on two-factor authentication"
    TWO_FACTOR_REMOVED = "two_factor_removed", "Turned off two-factor authentication"
    RECOVERY_CODES_GENERATED = "recovery_codes", "Made new recovery codes"
    ROLE_GRANTED = "role_granted", "Role given"
    ROLE_ENDED = "role_ended", "Role ended"
    INVITATION_SENT = "invitation_sent", "Invitation sent"
    INVITATION_RESENT = "invitation_resent", "Invitation sent again"
    INVITATION_WITHDRAWN = "invitation_withdrawn", "Invitation withdrawn"
    INVITATION_ACCEPTED = "invitation_accepted", "Invitation accepted"
    REPORT_DOWNLOADED = "report_downloaded", "Report downloaded"
    DOCUMENT_DOWNLOADED = "document_downloaded", "Review document downloaded"
    EXPORT = "export", "Data exported"
    SUBJECT_ACCESS_EXPORT = "subject_access", "Everything held about a person exported"
    ERASURE = "erasure", "Person erased"
    SETTINGS_CHANGED = "settings_changed", "Settings changed"
    RETENTION_RUN = "retention_run", "Old records removed"
    ADMIN_ADDED = "admin_added", "Added in the platform admin"
    ADMIN_CHANGED = "admin_changed", "Changed in the platform admin"
    ADMIN_DELETED = "admin_deleted", "Deleted in the platform admin"


class AuditEvent(models.Model):
    """One sensitive action: who did what, to what, when and from which address. Written only through
    `audit_record`; no page of the portal edits or deletes one (the retention schedule removes old ones).

    `partnership` is empty for what belongs to no one partnership: a sign-in on the portal's own address, an
    operator's change in the platform admin to a row that has none.
    """

    partnership = models.ForeignKey(
        "tenancy.Partnership",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        editable=False,
    )
    at = models.DateTimeField(default=timezone.now, editable=False)
    action = models.CharField(max_length=30, choices=AuditAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_email = models.CharField(
        max_length=254,
        blank=True,
        help_text="Who acted, as they were known then (for a failed sign-in: as typed).",
    )
    subject = models.CharField(max_length=300, blank=True, help_text="What was acted on, in words.")
    subject_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["partnership", "-at"]),
            models.Index(fields=["partnership", "action", "-at"]),
            models.Index(fields=["actor"]),
            models.Index(fields=["subject_user"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} by {self.actor_email or 'the portal'} at {self.at:%d %b %Y %H:%M}"
