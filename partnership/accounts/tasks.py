import datetime

from celery import shared_task
from django.utils import timezone

from partnership.tenancy.tasks import RETRY_WHEN_UNREACHABLE, TenantTask, for_each_partnership

from .models import Invitation
from .services import invitation_send


@shared_task(base=TenantTask, bind=True, **RETRY_WHEN_UNREACHABLE)
def send_invitation(self, *, invitation_id: int) -> None:
    invitation = Invitation.objects.filter(pk=invitation_id).first()
    if invitation is not None:
        invitation_send(invitation=invitation)


@shared_task
def send_unsent_invitations() -> int:
    """Beat: send invitations whose email never left, e.g. because the broker was down when they were made."""
    cutoff = timezone.now() - datetime.timedelta(minutes=2)

    def queue_unsent(partnership_id: int) -> int:
        unsent = list(
            Invitation.objects.filter(
                sent_at__isnull=True,
                accepted_at__isnull=True,
                revoked_at__isnull=True,
                expires_at__gt=timezone.now(),
                created_at__lt=cutoff,
            ).values_list("pk", flat=True)
        )
        for invitation_id in unsent:
            send_invitation.delay(partnership_id=partnership_id, invitation_id=invitation_id)
        return len(unsent)

    return sum(for_each_partnership(queue_unsent))
