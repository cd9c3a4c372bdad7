"""The partnership's data version: tables, and the triggers that give a partnership a new token in the same
transaction as any change to a table the dashboard reads (see partnership/tenancy/data_version.py)."""

import django.db.models.deletion
from django.db import migrations, models

# Frozen here (a migration must not import the app's code): the tables as they were when this ran.
TRACKED_TABLES = (
    "schools_area",
    "schools_cluster",
    "schools_trust",
    "schools_school",
    "reviews_cycle",
    "reviews_focusarea",
    "reviews_enrolment",
    "reviews_review",
    "reviews_visitday",
    "reviews_selfreview",
    "reviews_finding",
    "reviews_reportdraft",
    "reviews_term",
    "reviews_closureday",
)
LINK_TABLES = (("reviews_selfreview_focus_areas", "selfreview_id", "reviews_selfreview"),)

FUNCTIONS = """
-- One statement on a tracked table: note each partnership it touched, once per transaction.
CREATE FUNCTION data_version_note_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO tenancy_pendingdatachange (xid, partnership_id)
        SELECT DISTINCT txid_current(), partnership_id FROM new_rows
        ON CONFLICT DO NOTHING;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO tenancy_pendingdatachange (xid, partnership_id)
        SELECT txid_current(), partnership_id FROM (
            SELECT partnership_id FROM new_rows UNION SELECT partnership_id FROM old_rows
        ) touched
        ON CONFLICT DO NOTHING;
    ELSE
        INSERT INTO tenancy_pendingdatachange (xid, partnership_id)
        SELECT DISTINCT txid_current(), partnership_id FROM old_rows
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END
$$;

-- The same for a link table without a partnership column: TG_ARGV[0] is its key to the tracked table
-- TG_ARGV[1], which has one.
CREATE FUNCTION data_version_note_link_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    touched text;
BEGIN
    IF TG_OP = 'INSERT' THEN
        touched := format('SELECT %I FROM new_rows', TG_ARGV[0]);
    ELSIF TG_OP = 'UPDATE' THEN
        touched := format('SELECT %I FROM new_rows UNION SELECT %I FROM old_rows', TG_ARGV[0], TG_ARGV[0]);
    ELSE
        touched := format('SELECT %I FROM old_rows', TG_ARGV[0]);
    END IF;
    EXECUTE format(
        'INSERT INTO tenancy_pendingdatachange (xid, partnership_id) '
        'SELECT DISTINCT txid_current(), owner.partnership_id FROM %I owner WHERE owner.id IN (%s) '
        'ON CONFLICT DO NOTHING',
        TG_ARGV[1], touched
    );
    RETURN NULL;
END
$$;

-- At COMMIT (deferred): a new token for each partnership the transaction touched, in partnership order.
-- Later firings in the same commit find nothing left to do.
CREATE FUNCTION data_version_bump_versions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    WITH done AS (
        DELETE FROM tenancy_pendingdatachange WHERE xid = txid_current() RETURNING partnership_id
    )
    INSERT INTO tenancy_partnershipdataversion (partnership_id, token, changed_at)
    SELECT touched.partnership_id, gen_random_uuid(), now()
    FROM (SELECT DISTINCT partnership_id FROM done) touched
    WHERE EXISTS (SELECT 1 FROM tenancy_partnership p WHERE p.id = touched.partnership_id)
    ORDER BY touched.partnership_id
    ON CONFLICT (partnership_id) DO UPDATE SET token = EXCLUDED.token, changed_at = EXCLUDED.changed_at;
    RETURN NULL;
END
$$;

-- TRUNCATE has no rows to look at: every partnership gets a new token.
CREATE FUNCTION data_version_bump_all_versions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE tenancy_partnershipdataversion SET token = gen_random_uuid(), changed_at = now();
    RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER data_version_bump_at_commit
    AFTER INSERT ON tenancy_pendingdatachange
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION data_version_bump_versions();

-- Partnerships that exist now start with a version.
INSERT INTO tenancy_partnershipdataversion (partnership_id, token, changed_at)
SELECT id, gen_random_uuid(), now() FROM tenancy_partnership;
"""

DROP_FUNCTIONS = """
DROP TRIGGER IF EXISTS data_version_bump_at_commit ON tenancy_pendingdatachange;
DROP FUNCTION IF EXISTS data_version_bump_all_versions();
DROP FUNCTION IF EXISTS data_version_bump_versions();
DROP FUNCTION IF EXISTS data_version_note_link_change();
DROP FUNCTION IF EXISTS data_version_note_change();
"""


def _triggers(table: str, function: str) -> str:
    return f"""
CREATE TRIGGER data_version_changed_insert AFTER INSERT ON {table}
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {function};
CREATE TRIGGER data_version_changed_update AFTER UPDATE ON {table}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {function};
CREATE TRIGGER data_version_changed_delete AFTER DELETE ON {table}
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION {function};
CREATE TRIGGER data_version_changed_truncate AFTER TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_all_versions();
"""


def _drop_triggers(table: str) -> str:
    return "".join(
        f"DROP TRIGGER IF EXISTS data_version_changed_{event} ON {table};\n"
        for event in ("insert", "update", "delete", "truncate")
    )


TRIGGERS = "".join(_triggers(table, "data_version_note_change()") for table in TRACKED_TABLES) + "".join(
    _triggers(table, f"data_version_note_link_change('{key}', '{owner}')") for table, key, owner in LINK_TABLES
)
DROP_TRIGGERS = "".join(_drop_triggers(table) for table in (*TRACKED_TABLES, *(t for t, _, _ in LINK_TABLES)))


class Migration(migrations.Migration):
    dependencies = [
        ("tenancy", "0002_brand_colour_contrast"),
        ("schools", "0003_gias_import_history"),
        ("reviews", "0005_merge_cycles"),
    ]

    operations = [
        migrations.CreateModel(
            name="PendingDataChange",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("xid", models.BigIntegerField()),
                ("partnership_id", models.BigIntegerField(db_index=True)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("xid", "partnership_id"), name="pending_data_change_unique")
                ],
            },
        ),
        migrations.CreateModel(
            name="PartnershipDataVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("token", models.UUIDField()),
                ("changed_at", models.DateTimeField()),
                (
                    "partnership",
                    models.ForeignKey(
                        editable=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="tenancy.partnership",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("partnership",), name="data_version_one_per_partnership")
                ],
            },
        ),
        migrations.RunSQL(FUNCTIONS + TRIGGERS, reverse_sql=DROP_TRIGGERS + DROP_FUNCTIONS),
    ]
