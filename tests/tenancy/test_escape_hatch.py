"""The one escape hatch from tenant scoping, and every place that uses it."""

import re
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parents[2]
# Every top-level package of ours that holds an installed app (so a new app is read without editing this list).
APP_PACKAGES = sorted(
    {
        Path(config.path).resolve().relative_to(ROOT).parts[0]
        for config in apps.get_app_configs()
        if Path(config.path).resolve().is_relative_to(ROOT) and "site-packages" not in Path(config.path).parts
    }
)
# The guard itself speaks SQL: the row-level security policies and the backend that sets them per transaction.
RAW_SQL_ALLOWED = {"partnership/tenancy/rls.py", "partnership/tenancy/postgresql/base.py"}

ALLOWED_CROSS_TENANT_USES = {
    ("partnership/tenancy/selectors.py", "the portal address lists a person's partnerships across tenants"),
    ("partnership/tenancy/admin_site.py", "platform operators administer every partnership"),
    ("partnership/audit/views.py", "platform administrators read every partnership's audit log"),
    (
        "partnership/audit/services.py",
        "an audit event that belongs to no partnership is written outside every partnership",
    ),
    ("partnership/audit/services.py", "erasure replaces a person's address in every partnership's audit log"),
    ("partnership/privacy/services.py", "erasure checks whether a person still holds a role in another partnership"),
}


def app_sources():
    for package in APP_PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path.relative_to(ROOT).as_posix(), path.read_text()


def test_the_app_packages_read_here_exist_and_include_every_feature():
    assert {"partnership", "schools", "reviews"} <= set(APP_PACKAGES)
    assert all((ROOT / package).is_dir() for package in APP_PACKAGES)


def test_every_cross_tenant_use_is_listed_with_its_reason():
    found = set()
    for name, text in app_sources():
        if name == "partnership/tenancy/scoping.py":
            continue
        found.update((name, reason) for reason in re.findall(r'cross_tenant\(\s*"([^"]+)"', text))
        assert text.count("cross_tenant(") == len(re.findall(r'cross_tenant\(\s*"', text)), name
    assert found == ALLOWED_CROSS_TENANT_USES


def test_django_scopes_is_only_used_through_our_scoping_module():
    for name, text in app_sources():
        if name in ("partnership/tenancy/scoping.py", "partnership/tenancy/rls.py"):
            continue
        assert "django_scopes" not in text, name
        assert "scopes_disabled" not in text, name
        assert "with_scopes_disabled" not in text, name


def test_no_manager_scope_outside_partnership_scope():
    """`.with_scope(partnership=...)` (or `=None`) changes django-scopes' filter without the database's guard, and
    with None lifts the first guard unlisted: application code enters `partnership_scope` or `cross_tenant`."""
    for name, text in app_sources():
        assert ".with_scope(" not in text, name


def test_no_raw_sql_in_application_code():
    for name, text in app_sources():
        if name in RAW_SQL_ALLOWED:
            continue
        assert ".raw(" not in text and "cursor()" not in text and "RawSQL" not in text, name
