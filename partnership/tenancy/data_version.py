"""Each partnership's data version: a token that changes whenever the data the dashboard reads changes.

The design (the triggers of migration tenancy 0003_data_version, renewing at COMMIT, why remembered figures are
never stale) is described once, in docs/data-version.md.
"""

from django.db import models

from .contributions import installed_contributions
from .scoping import TenantOwnedModel

# Tables the dashboard reads, each with the triggers (tests/dashboards/test_data_version.py checks that every
# table the dashboard's queries touch is here and has them).
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
