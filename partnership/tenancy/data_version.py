"""Each partnership's data version: a token that changes whenever the data the dashboard reads changes.

The design (the triggers of migration tenancy 0003_data_version, renewing at COMMIT, why remembered figures are
never stale) is described once, in docs/data-version.md.
"""

from django.db import models
from django.db.migrations.operations.base import Operation

from .contributions import installed_contributions
from .scoping import TenantOwnedModel

# The core's tables the dashboard reads, each with the triggers of migration tenancy 0003
# (tests/dashboards/test_data_version.py checks that every table the dashboard's queries touch is tracked).
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
# Tables without a partnership column: (table, its key to a tracked table, that table).
TRACKED_LINK_TABLES = (("reviews_selfreview_focus_areas", "selfreview_id", "reviews_selfreview"),)


def tracked_tables() -> tuple[str, ...]:
    """Every table with the triggers: the core's list above (its triggers made by the core's migration) and the
    tables a feature app declares in its contribution (`Contribution.tracked_tables`, triggers made by that app's
    own migration with the core's trigger functions), so the core names no feature that came after it."""
    contributed = tuple(table for _, c in installed_contributions() for table in c.tracked_tables)
    return (*TRACKED_TABLES, *contributed)


class PartnershipDataVersion(TenantOwnedModel):
    """A partnership's current data version: written only by the database triggers."""

    token = models.UUIDField()
    changed_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["partnership"], name="data_version_one_per_partnership")]

    def __str__(self) -> str:
        return f"{self.partnership_id}: {self.token}"


class PendingDataChange(models.Model):
    """A partnership touched by a transaction not yet committed (visible only inside that transaction: the
    commit deletes it). Written only by the database triggers."""

    xid = models.BigIntegerField()
    partnership_id = models.BigIntegerField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["xid", "partnership_id"], name="pending_data_change_unique")]

    def __str__(self) -> str:
        return f"{self.xid}: {self.partnership_id}"


def _triggers_sql(table: str, function: str) -> str:
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


def _drop_triggers_sql(table: str) -> str:
    return "".join(
        f"DROP TRIGGER IF EXISTS data_version_changed_{event} ON {table};\n"
        for event in ("insert", "update", "delete", "truncate")
    )


class TrackDataVersion(Operation):
    """Migration operation: put a tenant table (one with its own `partnership_id`) under the data version, with
    the triggers of docs/data-version.md and the core's trigger functions. The app lists the table in its
    contribution's `tracked_tables` too."""

    reversible = True
    reduces_to_sql = True

    def __init__(self, table: str):
        self.table = table

    def deconstruct(self):
        return (self.__class__.__qualname__, [self.table], {})

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        schema_editor.execute(_triggers_sql(self.table, "data_version_note_change()"))

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        schema_editor.execute(_drop_triggers_sql(self.table))

    def describe(self):
        return f"Data version triggers on {self.table}"
