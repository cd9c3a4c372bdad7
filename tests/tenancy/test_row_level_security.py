"""The database's own guard: PostgreSQL row-level security on every tenant table, proved with raw SQL on the
portal's own connection (not through the ORM, which has django-scopes in front of it)."""

import datetime
import json
import uuid

import pytest
from celery import shared_task
from django.apps import apps
from django.conf import settings
from django.db import ProgrammingError, connection, transaction
from django.utils import timezone

from improvement.models import AnnualReportPdf
from partnership.portal.demo import build_demo
from partnership.privacy.models import RetentionPeriod, StoredFileDeletion
from partnership.tenancy.data_version import PartnershipDataVersion
from partnership.tenancy.rls import POLICY_NAME
from partnership.tenancy.scoping import cross_tenant, partnership_scope
from partnership.tenancy.tasks import TenantTask
from reviews.models import (
    Attachment,
    AttachmentDownload,
    GroupingRun,
    Notification,
    NotificationKind,
    ReportBatch,
    ReportBatchItem,
    ReportDownload,
)
from schools.models import Area
from tests.factories import InvitationFactory
from tests.reviews.factories_reports import reported_scenario, stub_rendered
from tests.reviews.factories_visit import add_activity, add_note

pytestmark = pytest.mark.django_db

# Tables with a partnership key that are not a tenant's data: the custom addresses, read to find the tenant.
NOT_TENANT_TABLES = {"tenancy_domain"}


def tenant_tables() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' "
            "AND column_name = 'partnership_id' ORDER BY table_name"
        )
        return [table for (table,) in cursor.fetchall() if table not in NOT_TENANT_TABLES]


def link_tables() -> dict[str, dict[str, str]]:
    """Many-to-many tables of tenant models, each with its key columns to tenant tables."""
    tenant = set(tenant_tables())
    found = {}
    for model in apps.get_models():
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            if through._meta.auto_created and model._meta.db_table in tenant:
                found[through._meta.db_table] = {
                    f.column: f.related_model._meta.db_table
                    for f in through._meta.fields
                    if f.is_relation and f.related_model._meta.db_table in tenant
                }
    return found


def run(sql: str, params=(), *, partnership=None, lifted: bool = False):
    """One statement with the guard set as given (nothing set: no partnership, not lifted) in the same
    transaction, on the portal's connection."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('portal.partnership_id', %s, true), set_config('portal.all_partnerships', %s, true)",
            [str(getattr(partnership, "pk", partnership) or ""), "on" if lifted else ""],
        )
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else cursor.rowcount


def refused(sql: str, params=(), **guard) -> bool:
    try:
        with transaction.atomic():
            run(sql, params, **guard)
    except ProgrammingError as error:
        assert "row-level security" in str(error), error
        return True
    return False


def ids(table: str, **guard) -> set[int]:
    return {row[0] for row in run(f'SELECT id FROM "{table}"', **guard)}


def a_row_as_json(table: str, partnership) -> str | None:
    """A row of the partnership's (for a link table: one whose first tenant side is the partnership's)."""
    owners = link_tables().get(table)
    if owners:
        column, owner = sorted(owners.items())[0]
        sql = (
            f'SELECT row_to_json(t) FROM "{table}" t JOIN "{owner}" o ON o.id = t."{column}" '
            "WHERE o.partnership_id = %s LIMIT 1"
        )
    else:
        sql = f'SELECT row_to_json(t) FROM "{table}" t WHERE partnership_id = %s LIMIT 1'
    rows = run(sql, [partnership.pk], lifted=True)
    if not rows:
        return None
    row = rows[0][0]
    # A new row, so only the guard can refuse it (a random key for a table keyed by UUID, such as evaluation answers).
    row["id"] = -row["id"] if isinstance(row["id"], int) else str(uuid.uuid4())
    return json.dumps(row)


def populate(partnership) -> None:
    """Rows in the tables the demo leaves empty (records of what people did, runs of the workers)."""
    s = reported_scenario(partnership, "final")
    render = stub_rendered(s.review, requested_by=s.coordinator)
    InvitationFactory(partnership=partnership)
    with partnership_scope(partnership):
        attachment = Attachment.objects.create(
            partnership=partnership,
            review=s.review,
            file="x.pdf",
            original_name="SEF.pdf",
            content_type="application/pdf",
            size=1,
            sha256="0" * 64,
        )
        AttachmentDownload.objects.create(
            partnership=partnership, review=s.review, attachment=attachment, file_name="SEF.pdf", sha256="0" * 64
        )
        ReportDownload.objects.create(
            partnership=partnership, render=render, review=s.review, user_name="A", user_email="a@x.org"
        )
        batch = ReportBatch.objects.create(partnership=partnership, cycle=s.review.cycle)
        ReportBatchItem.objects.create(partnership=partnership, batch=batch, review=s.review, render=render)
        GroupingRun.objects.create(partnership=partnership, cycle=s.review.cycle)
        RetentionPeriod.objects.create(partnership=partnership, rule="reviews", years=6)
        StoredFileDeletion.objects.create(partnership=partnership, name="reviews/old.pdf")
        PartnershipDataVersion.objects.get_or_create(
            partnership=partnership, defaults={"token": uuid.uuid4(), "changed_at": timezone.now()}
        )
        AnnualReportPdf.objects.create(partnership=partnership, year=2026, content_hash="0" * 64, html="<p>A</p>")
        activity = add_activity(s.review, datetime.date(2026, 11, 3))
        activity.participants.add(s.head)
        add_note(s.review, s.lead_reviewer, activity=activity, focus_areas=list(s.review.cycle.focus_areas.all()[:1]))
        Notification.objects.create(
            partnership=partnership, user=s.head, kind=NotificationKind.values[0], message="A", dedupe_key="a"
        )


def populated(partnership) -> set[str]:
    return {table for table in [*tenant_tables(), *link_tables()] if a_row_as_json(table, partnership) is not None}


# Tables that neither the demo nor the factories above fill, each with the reason. They still get the insert checks.
LEFT_EMPTY: dict[str, str] = {}


@pytest.fixture
def two_partnerships(request, media_root, tmp_path):
    """Both demo partnerships with everything the demo makes (every app adds its data to the demo, so a new
    app's tables are covered as soon as it has demo data), and what the factories add."""
    request.getfixturevalue("settings").DEBUG = True
    demo = build_demo(tmp_path, today=datetime.date(2027, 3, 15))
    for partnership in demo.partnerships:
        populate(partnership)
    return demo.partnerships


def test_the_portal_connects_as_a_role_that_row_level_security_holds():
    (row,) = run("SELECT current_user, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
    assert row == (settings.DATABASES["default"]["USER"], False, False)
    assert settings.DATABASES["default"]["USER"] != settings.DATABASES["default"].get("OWNER", {}).get("USER")


def test_every_tenant_table_has_the_policy_and_is_forced():
    tables = [*tenant_tables(), *link_tables()]
    assert {"schools_school", "reviews_review", "tenancy_membership", "reviews_selfreview_focus_areas"} <= set(tables)
    assert {model._meta.db_table for model in apps.get_models() if hasattr(model, "partnership_id")} - set(
        tables
    ) <= NOT_TENANT_TABLES
    rows = run(
        "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity, "
        "EXISTS (SELECT 1 FROM pg_policies p WHERE p.tablename = c.relname AND p.policyname = %s) "
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND c.relname = ANY(%s)",
        [POLICY_NAME, tables],
    )
    unguarded = sorted(name for name, enabled, forced, policy in rows if not (enabled and forced and policy))
    assert len(rows) == len(tables)
    assert unguarded == [], "tables without row-level security (add TenantRowLevelSecurity to their migration)"


def assert_every_tenant_table_has_rows_in_both(a, b) -> None:
    empty = {*tenant_tables(), *link_tables()} - (populated(a) & populated(b))
    assert empty == set(LEFT_EMPTY), (
        f"Without rows in both demo partnerships, the guard tests cannot read these tables: {sorted(empty)}. Fill "
        "them in both (the app's demo step in its portal.py), or list them in LEFT_EMPTY here with the reason."
    )


def assert_without_a_partnership_every_tenant_table_reads_empty_and_refuses_inserts(a) -> None:
    for table in sorted(populated(a)):
        assert ids(table, lifted=True), table
        assert ids(table) == set(), table
        assert refused(
            f'INSERT INTO "{table}" SELECT * FROM json_populate_record(NULL::"{table}", %s)', [a_row_as_json(table, a)]
        ), table
    for table in tenant_tables():  # a bare row: the guard refuses it before any other constraint is checked
        assert refused(f'INSERT INTO "{table}" (partnership_id) VALUES (%s)', [a.pk]), table


def assert_partnership_a_reads_only_its_rows_and_cannot_write_bs(a, b) -> None:
    links = link_tables()
    tables = sorted(populated(a) & populated(b))
    for table in tables:
        if table in links:
            column, owner = sorted(links[table].items())[0]
            own = run(
                f'SELECT t.id FROM "{table}" t JOIN "{owner}" o ON o.id = t."{column}" WHERE o.partnership_id = %s',
                [a.pk],
                lifted=True,
            )
            assert ids(table, partnership=a) == {row[0] for row in own}, table
            theirs = list(ids(table, partnership=b))
            assert run(f'DELETE FROM "{table}" WHERE id = ANY(%s)', [theirs], partnership=a) == 0, table
        else:
            own = {row[0] for row in run(f'SELECT id FROM "{table}" WHERE partnership_id = %s', [a.pk], lifted=True)}
            assert ids(table, partnership=a) == own and own, table
            update = f'UPDATE "{table}" SET partnership_id = partnership_id WHERE partnership_id = %s'
            assert run(update, [b.pk], partnership=a) == 0, table
            assert run(f'DELETE FROM "{table}" WHERE partnership_id = %s', [b.pk], partnership=a) == 0, table
            moved = f'UPDATE "{table}" SET partnership_id = %s WHERE id = %s'
            assert refused(moved, [b.pk, min(own)], partnership=a), table
        copy_of_b = a_row_as_json(table, b)
        insert = f'INSERT INTO "{table}" SELECT * FROM json_populate_record(NULL::"{table}", %s)'
        assert refused(insert, [copy_of_b], partnership=a), table
    for table in tenant_tables():
        assert refused(f'INSERT INTO "{table}" (partnership_id) VALUES (%s)', [b.pk], partnership=a), table
    assert ids("reviews_review", lifted=True) - ids("reviews_review", partnership=a), "B's review is still there"


def test_every_tenant_table_holds_each_partnership_to_its_own_rows(two_partnerships):
    a, b = two_partnerships  # one test, as building the demo is the slow part
    assert_every_tenant_table_has_rows_in_both(a, b)
    assert_without_a_partnership_every_tenant_table_reads_empty_and_refuses_inserts(a)
    assert_partnership_a_reads_only_its_rows_and_cannot_write_bs(a, b)


def test_the_scope_sets_the_guard_for_the_transaction_only():
    def current() -> tuple[str, str]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_setting('portal.partnership_id', true), "
                "current_setting('portal.all_partnerships', true)"
            )
            return cursor.fetchone()

    assert current() in ((None, None), ("", ""))
    with partnership_scope(42):
        assert current() == ("42", "")
        with cross_tenant("a test of the escape hatch"):
            assert current() == ("", "on")
            with partnership_scope(7):
                assert current() == ("7", "")
        assert current() == ("42", "")
        with transaction.atomic():
            assert current() == ("42", "")
    assert current() == ("", "")


@shared_task(base=TenantTask)
def guard_seen_by_task() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('portal.partnership_id', true)")
        return cursor.fetchone()[0]


def test_a_tenant_task_runs_with_its_partnership_set(partnership_a):
    assert guard_seen_by_task.delay(partnership_id=partnership_a.pk).get() == str(partnership_a.pk)


@pytest.mark.django_db(transaction=True)
def test_in_autocommit_the_setting_dies_with_each_statement_so_a_pooled_connection_carries_nothing():
    """Behind a transaction-pooling PgBouncer the next transaction on this server connection may be another
    partnership's request: nothing may be left set at session level."""
    raw = connection.cursor().connection  # the driver's connection, under the backend's guard
    with partnership_scope(42):
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('portal.partnership_id', true)")
            assert cursor.fetchone()[0] == "42"
        assert raw.execute("SELECT current_setting('portal.partnership_id', true)").fetchone()[0] in (None, "")


@pytest.mark.django_db(transaction=True)
def test_the_data_version_triggers_renew_the_token_as_the_portals_role(partnership_a, partnership_b):
    def token(partnership):
        return run(
            "SELECT token FROM tenancy_partnershipdataversion WHERE partnership_id = %s", [partnership.pk], lifted=True
        )

    before_a, before_b = token(partnership_a), token(partnership_b)
    with partnership_scope(partnership_a):
        Area.objects.create(partnership=partnership_a, name="North")
    assert token(partnership_a) != before_a
    assert token(partnership_b) == before_b
    with partnership_scope(partnership_a), transaction.atomic():
        Area.objects.filter(name="North").update(name="North and coast")
        with partnership_scope(partnership_b):
            Area.objects.create(partnership=partnership_b, name="South")
    assert token(partnership_a) != before_a and token(partnership_b) != before_b
    assert run("SELECT count(*) FROM tenancy_pendingdatachange", lifted=True) == [(0,)]
