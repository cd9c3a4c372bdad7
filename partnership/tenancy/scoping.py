"""Fail-closed tenant scoping.

Every tenant-owned model uses `TenantManager`: querying it raises `ScopeError` unless a partnership
scope is active (`partnership_scope`). Requests get their scope from `TenantMiddleware`, Celery tasks
from `TenantTask`. `cross_tenant` is the one escape hatch for code that deliberately spans
partnerships; tests/tenancy/test_escape_hatch.py lists every place that uses it.

The same scope is the database's guard: each transaction carries the partnership of the code running in it, and
PostgreSQL's row-level security shows and accepts only that partnership's rows (see rls.py). Managers'
`with_scope` would change the first guard without the second, so application code never uses it.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import models
from django_scopes import ScopedManager, get_scope, scope, scopes_disabled
from django_scopes.exceptions import ScopeError

from .rls import all_partnerships

__all__ = [
    "ScopeError",
    "TenantManager",
    "TenantOwnedModel",
    "active_partnership_id",
    "cross_tenant",
    "partnership_scope",
]


def TenantManager(manager_class: type[models.Manager] = models.Manager) -> models.Manager:  # noqa: N802
    """A manager that filters by the active partnership and raises when none is active."""
    return ScopedManager(_manager_class=manager_class, partnership="partnership")


class TenantOwnedModel(models.Model):
    """Base for every tenant-owned table: its own non-null partnership key and a scoped manager."""

    partnership = models.ForeignKey("tenancy.Partnership", on_delete=models.CASCADE, related_name="+", editable=False)

    objects = TenantManager()

    class Meta:
        abstract = True


@contextmanager
def partnership_scope(partnership) -> Iterator[None]:
    """Run the block inside one partnership's scope (a Partnership or its id)."""
    partnership_id = getattr(partnership, "pk", partnership)
    if partnership_id is None:
        raise ValueError("partnership_scope needs a saved partnership or its id")
    with scope(partnership=partnership_id), all_partnerships(False):
        yield


@contextmanager
def cross_tenant(reason: str) -> Iterator[None]:
    """Disable tenant scoping for a block. Say why: the reason is part of the reviewed list."""
    if not reason.strip():
        raise ValueError("cross_tenant needs a reason")
    with scopes_disabled(), all_partnerships(True):
        yield


def active_partnership_id() -> int | None:
    current = get_scope()
    if not current.get("_enabled", False):
        return None
    value = current.get("partnership")
    return getattr(value, "pk", value)
