"""Writes of the dashboards app. The data version is otherwise written only by the database triggers."""

from django.db import models, transaction
from django.db.models.functions import Now

from partnership.tenancy.models import Partnership
from partnership.tenancy.scoping import partnership_scope

from .models import DashboardDataVersion


def data_versions_renew() -> int:
    """Give every partnership's dashboard a new data version, so that no remembered figures are reused.

    Only needed after data was changed with the triggers bypassed (a data-only restore with triggers disabled,
    `session_replication_role = replica`, `ALTER TABLE ... DISABLE TRIGGER`): every other change renews its
    partnership's version when it commits. Returns the number of partnerships renewed."""
    renewed = 0
    with transaction.atomic():
        for partnership_id in Partnership.objects.order_by("pk").values_list("pk", flat=True):
            with partnership_scope(partnership_id):
                renewed += DashboardDataVersion.objects.update(
                    token=models.Func(function="gen_random_uuid", output_field=models.UUIDField()), changed_at=Now()
                )
    return renewed
