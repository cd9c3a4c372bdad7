"""The PostgreSQL backend with the tenant guard: every transaction carries the partnership of the code that runs
in it (see partnership/tenancy/rls.py), and migrations and test databases are made by the tables' owner.

The guard is set once per transaction, in the same round trip as the transaction's first statement: the
statement is sent as `SELECT set_config(..., true), ...; <statement>` in one message, which PostgreSQL runs as
one transaction even in autocommit mode (so every autocommit query carries its partnership with no extra round
trip), and inside an atomic block the setting then holds until COMMIT or ROLLBACK. A rolled-back savepoint
restores the previous value, so after one the guard is set again before the next statement.
"""

from contextlib import contextmanager

from django.db import transaction
from django.db.backends.postgresql import base, creation

from ..rls import NO_GUARD, database_guard, guard_statement

UNKNOWN = ("?", "?")
SAVEPOINT_STATEMENTS = ("SAVEPOINT ", "RELEASE SAVEPOINT ", "ROLLBACK TO SAVEPOINT ")


class DatabaseCreation(creation.DatabaseCreation):
    """Test databases are created and dropped by the owner (the portal's role cannot create databases)."""

    def _create_test_db(self, verbosity, autoclobber, keepdb=False):
        with self.connection.as_owner():
            return super()._create_test_db(verbosity, autoclobber, keepdb)

    def _destroy_test_db(self, test_database_name, verbosity):
        with self.connection.as_owner():
            return super()._destroy_test_db(test_database_name, verbosity)


class DatabaseWrapper(base.DatabaseWrapper):
    creation_class = DatabaseCreation

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.guard_in_transaction = NO_GUARD
        self.execute_wrappers.append(self._with_tenant_guard)

    # The guard set in the current transaction ends with it.
    def connect(self):
        super().connect()
        self.guard_in_transaction = NO_GUARD

    def _commit(self):
        self.guard_in_transaction = NO_GUARD
        return super()._commit()

    def _rollback(self):
        self.guard_in_transaction = NO_GUARD
        return super()._rollback()

    def _savepoint_rollback(self, sid):
        super()._savepoint_rollback(sid)
        self.guard_in_transaction = UNKNOWN

    def _with_tenant_guard(self, execute, sql, params, many, context):
        if sql.startswith(SAVEPOINT_STATEMENTS):  # may run in a failed transaction, and reads no table
            return execute(sql, params, many, context)
        wanted = database_guard()
        autocommit = self.get_autocommit()
        if wanted == (NO_GUARD if autocommit else self.guard_in_transaction):
            return execute(sql, params, many, context)
        cursor = context["cursor"].cursor
        if not many and isinstance(cursor, base.Cursor):
            result = execute(f"{guard_statement(wanted)}; {sql}", params, many, context)
            cursor.nextset()
            if not autocommit:
                self.guard_in_transaction = wanted
            return result
        # executemany and named (server-side) cursors cannot take a second statement: set it on its own, inside a
        # transaction.
        if autocommit:
            with transaction.atomic(using=self.alias):
                return self._with_tenant_guard(execute, sql, params, many, context)
        self.connection.execute(guard_statement(wanted))
        self.guard_in_transaction = wanted
        return execute(sql, params, many, context)

    @contextmanager
    def as_owner(self):
        """Connect as the tables' owner (DATABASE_URL's user, straight to PostgreSQL) for the block: migrations and
        test databases."""
        owner = self.settings_dict.get("OWNER")
        if not owner or owner["USER"] == self.settings_dict["USER"]:
            yield
            return
        portal_role = {key: self.settings_dict[key] for key in owner}
        self.close()
        self.settings_dict.update(owner)
        try:
            yield
        finally:
            self.close()
            self.settings_dict.update(portal_role)
