from celery import shared_task

from partnership.tenancy.models import Partnership
from partnership.tenancy.scoping import active_partnership_id
from partnership.tenancy.tasks import TenantTask


@shared_task(base=TenantTask)
def apply_retention_schedule() -> dict:
    from .services import retention_apply

    return retention_apply(partnership=Partnership.objects.get(pk=active_partnership_id()))


@shared_task
def apply_every_retention_schedule() -> int:
    """Beat, nightly: one task per partnership, each inside its own scope."""
    ids = list(Partnership.objects.values_list("pk", flat=True))
    for partnership_id in ids:
        apply_retention_schedule.delay(partnership_id=partnership_id)
    return len(ids)
