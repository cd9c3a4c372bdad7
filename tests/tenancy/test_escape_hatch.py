"""The one escape hatch from tenant scoping, and every place that uses it."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APP_PACKAGES = ["partnership", "schools", "reviews", "cpd"]

ALLOWED_CROSS_TENANT_USES = {
    ("partnership/tenancy/selectors.py", "the portal address lists a person's partnerships across tenants"),
    ("partnership/tenancy/admin_site.py", "platform operators administer every partnership"),
}


def app_sources():
    for package in APP_PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path.relative_to(ROOT).as_posix(), path.read_text()


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
        if name == "partnership/tenancy/scoping.py":
            continue
        assert "django_scopes" not in text, name
        assert "scopes_disabled" not in text, name
        assert "with_scopes_disabled" not in text, name


def test_no_raw_sql_in_application_code():
    for name, text in app_sources():
        assert ".raw(" not in text and "cursor()" not in text and "RawSQL" not in text, name
