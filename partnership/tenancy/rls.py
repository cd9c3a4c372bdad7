"""PostgreSQL row-level security: the database's own guard on every tenant table, behind django-scopes.

Every tenant-owned table carries the policy `tenant_isolation` with FORCE ROW LEVEL SECURITY (so the tables'
owner is held too): a row is visible and writable only when its `partnership_id` equals the partnership set
for the current transaction (`portal.partnership_id`), or while `cross_tenant` is active
(`portal.all_partnerships` = 'on'). Both are set transaction-locally (`set_config(..., true)`), never for the
session, so a transaction-pooling PgBouncer cannot carry one partnership's setting into another's request.

Who sets them: the database backend (partnership/tenancy/postgresql/base.py) before the first statement of
every transaction, from the scope the code runs in (`database_guard()` below): `partnership_scope`, which the
middleware, Celery's TenantTask and the management commands use, or `cross_tenant`, the one escape hatch.
With neither, nothing is set and every tenant table reads as empty and refuses inserts.

A migration that creates a tenant table adds its policy in the same migration:

    from partnership.tenancy.rls import LinkTableRowLevelSecurity, TenantRowLevelSecurity

    operations = [
        migrations.CreateModel(name="Booking", ...),
        TenantRowLevelSecurity("cpd_booking"),
        # a many-to-many table without its own partnership column: visible through its tenant-owned sides
        LinkTableRowLevelSecurity("cpd_booking_sessions", owners={"booking_id": "cpd_booking"}),
    ]

tests/tenancy/test_row_level_security.py fails while any tenant table lacks its policy.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db.migrations.operations.base import Operation
from django_scopes import get_scope

PARTNERSHIP_SETTING = "portal.partnership_id"
ALL_PARTNERSHIPS_SETTING = "portal.all_partnerships"
POLICY_NAME = "tenant_isolation"

# What the database should hold for the current transaction: (partnership id or "", "on" or "").
NO_GUARD = ("", "")

# The scalar subqueries are evaluated once per statement (an InitPlan), not once per row.
VISIBLE = (
    f"(SELECT NULLIF(current_setting('{PARTNERSHIP_SETTING}', true), '')::bigint)",
    f"(SELECT current_setting('{ALL_PARTNERSHIPS_SETTING}', true)) = 'on'",
)

_all_partnerships: ContextVar[bool] = ContextVar("all_partnerships", default=False)


def database_guard() -> tuple[str, str]:
    """The settings the current transaction must carry for the code running now."""
    if _all_partnerships.get():
        return ("", "on")
    current = get_scope()
    if not current.get("_enabled", False):
        return NO_GUARD
    partnership = current.get("partnership")
    partnership_id = getattr(partnership, "pk", partnership)
    return (str(int(partnership_id)), "") if partnership_id is not None else NO_GUARD


@contextmanager
def all_partnerships(lifted: bool) -> Iterator[None]:
    """Lift (or, inside a partnership's scope, restore) the database guard. Only `cross_tenant` and
    `partnership_scope` call this."""
    token = _all_partnerships.set(lifted)
    try:
        yield
    finally:
        _all_partnerships.reset(token)


def guard_statement(guard: tuple[str, str]) -> str:
    """The statement that sets the guard for the rest of the transaction (values are digits or 'on')."""
    partnership_id, lifted = guard
    if partnership_id and not partnership_id.isdigit():
        raise ValueError(f"not a partnership id: {partnership_id!r}")
    if lifted not in ("", "on"):
        raise ValueError(f"not a guard value: {lifted!r}")
    return (
        f"SELECT set_config('{PARTNERSHIP_SETTING}', '{partnership_id}', true), "
        f"set_config('{ALL_PARTNERSHIPS_SETTING}', '{lifted}', true)"
    )


def tenant_policy_sql(table: str) -> str:
    condition = f"(partnership_id = {VISIBLE[0]} OR {VISIBLE[1]})"
    return _enable_sql(table, condition)


def link_policy_sql(table: str, owners: dict[str, str]) -> str:
    """A link table is visible when the tenant-owned row it belongs to is (its first key, `owners`' first entry), and
    writable only when every tenant-owned row it links is: each owner table's own policy decides that.

    `key IN (SELECT id FROM owner)` is one hashed lookup per row against the partnership's owner rows, computed once
    per statement; a correlated EXISTS per row cost the dashboard 8 ms of a 20 ms query. So the first owner should be
    the side with the fewest rows (a self-review's focus areas: the focus area, not the self-review)."""
    visible = _in_owner(table, *next(iter(owners.items())))
    writable = " AND ".join(_in_owner(table, column, owner) for column, owner in owners.items())
    return _enable_sql(table, f"({VISIBLE[1]} OR {visible})", f"({VISIBLE[1]} OR ({writable}))")


def _in_owner(table: str, column: str, owner: str) -> str:
    return f'"{table}"."{column}" IN (SELECT "{owner}".id FROM "{owner}")'


def _enable_sql(table: str, visible: str, writable: str | None = None) -> str:
    return (
        f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY;\n'
        f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY;\n'
        f'DROP POLICY IF EXISTS {POLICY_NAME} ON "{table}";\n'
        f'CREATE POLICY {POLICY_NAME} ON "{table}" USING {visible} WITH CHECK {writable or visible};\n'
    )


def disable_sql(table: str) -> str:
    return (
        f'DROP POLICY IF EXISTS {POLICY_NAME} ON "{table}";\n'
        f'ALTER TABLE "{table}" NO FORCE ROW LEVEL SECURITY;\n'
        f'ALTER TABLE "{table}" DISABLE ROW LEVEL SECURITY;\n'
    )


class TenantRowLevelSecurity(Operation):
    """Migration operation: the tenant policy on a table with its own `partnership_id` column."""

    reversible = True
    reduces_to_sql = True

    def __init__(self, table: str):
        self.table = table

    def deconstruct(self):
        return (self.__class__.__qualname__, [self.table], {})

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        schema_editor.execute(tenant_policy_sql(self.table))

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        schema_editor.execute(disable_sql(self.table))

    def describe(self):
        return f"Row-level security on {self.table}"


class LinkTableRowLevelSecurity(TenantRowLevelSecurity):
    """Migration operation: the policy on a many-to-many table, through its tenant-owned sides
    (`owners` maps each key column to the tenant table it points at)."""

    def __init__(self, table: str, owners: dict[str, str]):
        super().__init__(table)
        self.owners = dict(owners)

    def deconstruct(self):
        return (self.__class__.__qualname__, [self.table], {"owners": self.owners})

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        schema_editor.execute(link_policy_sql(self.table, self.owners))


def grant_portal_role(connection, role: str, *, truncate: bool) -> None:
    """Let the portal's role use the tables the owner created (run as the owner after every migrate).

    TRUNCATE ignores row-level security, so only development and test databases grant it (the tests that
    commit empty the tables with it)."""
    privileges = "SELECT, INSERT, UPDATE, DELETE" + (", TRUNCATE" if truncate else "")
    with connection.cursor() as cursor:
        cursor.execute(f'GRANT USAGE ON SCHEMA public TO "{role}"')
        cursor.execute(f'GRANT {privileges} ON ALL TABLES IN SCHEMA public TO "{role}"')
        cursor.execute(f'GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO "{role}"')
        if not truncate:
            cursor.execute(f'REVOKE TRUNCATE ON ALL TABLES IN SCHEMA public FROM "{role}"')
