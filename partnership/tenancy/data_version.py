"""Each partnership's data version: a token that changes whenever the data the dashboard reads changes.

PostgreSQL triggers (migration tenancy 0003_data_version) give a partnership a new random `token` in the same
transaction as any change to any table the dashboard reads, however the change is made (services, bulk_create,
queryset.update(), deletes, imports, data migrations, SQL by hand). The dashboard remembers its computed cubes
under the token (partnership/dashboards/store.py), so remembered figures are never older than the data. How it works:

1. Each tracked table has statement-level AFTER INSERT / UPDATE / DELETE triggers with transition tables: one
   statement, however many rows, notes each partnership it touched as a `PendingDataChange` row keyed by
   (transaction id, partnership): no two transactions ever write the same row, so writers never wait on each
   other here.
2. A deferred constraint trigger on that table fires at COMMIT: it deletes the transaction's pending rows and
   gives each partnership touched a new token (insert or update of `PartnershipDataVersion`, in partnership
   order). The new token becomes visible atomically with the data. The version row is locked only from that
   moment to the end of the commit, after every statement of the transaction has run, so writers in one
   partnership queue on it for the length of a commit only, and it cannot deadlock with the row locks the
   services take (select_for_update) earlier in their transactions.
3. TRUNCATE of a tracked table gives every partnership a new token.

Readers (data_version in partnership/dashboards/store.py) read the token and whether their own transaction has
pending changes in one query;
with pending changes (a request that writes then reads, or a test inside one transaction) nothing is
remembered or reused.
"""

from django.db import models

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
