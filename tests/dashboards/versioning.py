"""Helpers for tests of the dashboard's data version (partnership/tenancy/data_version.py).

A test inside one transaction (pytest-django's `db`) never commits, so the deferred trigger that gives a
partnership a new version never fires by itself: `as_if_committed()` fires it now, exactly as COMMIT would
(SET CONSTRAINTS ... IMMEDIATE runs the pending deferred trigger events), then defers it again.
"""

from django.db import connection

from partnership.tenancy.data_version import PartnershipDataVersion, PendingDataChange
from partnership.tenancy.scoping import cross_tenant


def as_if_committed() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS data_version_bump_at_commit IMMEDIATE")
        cursor.execute("SET CONSTRAINTS data_version_bump_at_commit DEFERRED")


def token_of(partnership) -> object:
    with cross_tenant("tests: read a partnership's data version"):
        return (
            PartnershipDataVersion.objects.filter(partnership_id=partnership.pk).values_list("token", flat=True).first()
        )


def pending_of(partnership) -> int:
    return PendingDataChange.objects.filter(partnership_id=partnership.pk).count()


def triggers_on(table: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal AND tgenabled <> 'D'",
            [table],
        )
        return {name for (name,) in cursor.fetchall()}
