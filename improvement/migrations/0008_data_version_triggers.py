"""The data version's triggers on the tables the dashboard's overdue panel reads (action plans, their actions,
impact visits): a change to any of them gives the partnership a new data version when it commits, so the
dashboard's remembered figures are never stale (docs/data-version.md). The trigger functions are the core's
(tenancy 0003_data_version); the tables are listed in improvement/portal.py's contribution."""

from django.db import migrations

# Frozen here (a migration must not import the app's code).
TABLES = ("improvement_actionplan", "improvement_action", "improvement_impactvisit")


def _triggers(table: str) -> str:
    return f"""
CREATE TRIGGER data_version_changed_insert AFTER INSERT ON {table}
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION data_version_note_change();
CREATE TRIGGER data_version_changed_update AFTER UPDATE ON {table}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION data_version_note_change();
CREATE TRIGGER data_version_changed_delete AFTER DELETE ON {table}
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION data_version_note_change();
CREATE TRIGGER data_version_changed_truncate AFTER TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_all_versions();
"""


def _drop_triggers(table: str) -> str:
    return "".join(
        f"DROP TRIGGER IF EXISTS data_version_changed_{event} ON {table};\n"
        for event in ("insert", "update", "delete", "truncate")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("improvement", "0007_self_evaluation_by_local_partnership"),
        ("tenancy", "0006_link_table_policies_by_lookup"),
    ]

    operations = [
        migrations.RunSQL(
            "".join(_triggers(table) for table in TABLES),
            reverse_sql="".join(_drop_triggers(table) for table in TABLES),
        ),
    ]
