from django.db.models import QuerySet
from django.utils import timezone

from .models import Invitation


def pending_invitations(*, school_ids: set[int] | None = None) -> QuerySet[Invitation]:
    """Invitations not yet accepted or withdrawn (expired ones included, so they can be sent again)."""
    invitations = (
        Invitation.objects.filter(accepted_at__isnull=True, revoked_at__isnull=True)
        .select_related("school", "area", "cluster", "invited_by", "partnership")
        .order_by("-created_at")
    )
    if school_ids is not None:
        invitations = invitations.filter(school_id__in=school_ids)
    return invitations


def pending_invitation_count() -> int:
    return Invitation.objects.filter(
        accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).count()


def wants_email(user, topic: str) -> bool:
    """Whether `user` still gets the optional emails of `topic` (an EmailTopic key). Emails about the account
    itself (invitations, confirming an address, resetting a password) are not topics: they are always sent."""
    return topic not in (user.emails_declined or ())
