"""The data version's triggers on the tables the dashboard's overdue panel reads (action plans, their actions,
impact visits): a change to any of them gives the partnership a new data version when it commits, so the
dashboard's remembered figures are never stale (docs/data-version.md). The trigger functions are the core's
(tenancy 0003_data_version); the tables are listed in improvement/portal.py's contribution."""

from django.db import migrations

from partnership.tenancy.data_version import TrackDataVersion

# Frozen here (a migration must not follow later changes to the contribution's list).
TABLES = ("improvement_actionplan", "improvement_action", "improvement_impactvisit")


class Migration(migrations.Migration):
    dependencies = [
        ("improvement", "0007_self_evaluation_by_local_partnership"),
        ("tenancy", "0006_link_table_policies_by_lookup"),
    ]

    operations = [TrackDataVersion(table) for table in TABLES]
