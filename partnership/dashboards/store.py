"""Remembered cubes: each panel's computed (and, for board members, suppressed) figures, kept in Django's cache
(Redis in production) under the partnership's data version, so that a repeated view costs one small query, one
cache read, building the tables and rendering.

The cubes do not depend on the filters (filters only pick cells), so one entry per group of cubes serves every
view. The key holds everything the figures depend on:

- the partnership and its data **version** token (docs/data-version.md: a new random token commits atomically
  with any change to any table the dashboard reads, made in any way);
- the **audience** (a board member's suppressed cubes and a coordinator's full ones never share an entry; the
  stored value repeats its partnership, version and audience, and a value that does not match is ignored);
- **today** (overdue items in working days, schools not reviewed in the last year);
- a digest of the code that computes the figures and of the project's migrations (a deploy that changes how a
  figure is computed, the small-group rule, the bank holidays package or the schema starts afresh).

Why a remembered entry is never stale, though requests read in READ COMMITTED: docs/data-version.md.

If the cache is unreachable the figures are computed as if nothing were remembered.
"""

import contextlib
import datetime
import functools
import hashlib
import importlib.metadata
import logging
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db.models import Exists, OuterRef

from partnership.tenancy.data_version import PartnershipDataVersion, PendingDataChange, tracked_tables

logger = logging.getLogger(__name__)

T = TypeVar("T")

TIMEOUT = 60 * 60  # an hour: entries of old versions are not worth keeping long
_HERE = Path(__file__).resolve().parent
# The code the remembered figures come from (panels.py only lays them out, views.py only reads them).
_SOURCES = ("selectors.py", "store.py", "cpd_panels.py", "cpd_evaluations.py")


def _apps_read() -> list[Path]:
    """The folders of the apps whose tables the figures come from (the tracked tables' apps) and of tenancy (the
    data version's own)."""
    tracked = set(tracked_tables())
    owners = {Path(model._meta.app_config.path) for model in apps.get_models() if model._meta.db_table in tracked}
    return sorted(owners | {Path(apps.get_app_config("tenancy").path)})


@functools.cache
def code_digest() -> str:
    """Worked out on first use rather than at import: the tracked tables come from every app's contribution."""
    digest = hashlib.blake2b(digest_size=8)
    for name in _SOURCES:
        digest.update((_HERE / name).read_bytes())
    digest.update((Path(settings.BASE_DIR) / "partnership" / "common" / "disclosure.py").read_bytes())
    digest.update((Path(settings.BASE_DIR) / "reviews" / "calendar.py").read_bytes())
    digest.update((Path(settings.BASE_DIR) / "cpd" / "needs.py").read_bytes())
    digest.update((Path(settings.BASE_DIR) / "partnership" / "tenancy" / "data_version.py").read_bytes())
    for folder in _apps_read():
        for migration in sorted((folder / "migrations").glob("*.py")):
            digest.update(migration.name.encode())
    with contextlib.suppress(importlib.metadata.PackageNotFoundError):
        digest.update(importlib.metadata.version("holidays").encode())
    digest.update(settings.TIME_ZONE.encode())
    return digest.hexdigest()



def data_version(partnership_id: int) -> uuid.UUID | None:
    """The partnership's current data token, or None when remembered figures cannot be trusted: no version yet
    (a partnership nothing has been written for since the migration) or this transaction's own changes are not
    committed (nothing can name the version they will have)."""
    pending = PendingDataChange.objects.filter(partnership_id=OuterRef("partnership_id"))
    row = (
        PartnershipDataVersion.objects.filter(partnership_id=partnership_id)
        .annotate(pending=Exists(pending))
        .values_list("token", "pending")[:1]
    )
    found = list(row)
    if not found or found[0][1]:
        return None
    return found[0][0]


class CubeStore:
    """The cubes of one partnership, data version, audience and day: `get(group, compute)` returns the
    remembered value or computes and remembers it. Without a version (None) it only computes."""

    def __init__(self, partnership_id: int, version: uuid.UUID | None, audience: str, today: datetime.date):
        self.partnership_id = partnership_id
        self.version = version
        self.audience = audience
        self.today = today
        self._values: dict[str, Any] = {}
        self.computed: list[str] = []  # groups computed in this request (for tests and the benchmark)

    @classmethod
    def current(cls, partnership_id: int, audience: str, today: datetime.date) -> "CubeStore":
        return cls(partnership_id, data_version(partnership_id), audience, today)

    def key(self, group: str) -> str:
        return (
            f"dashboards:{code_digest()}:{self.partnership_id}:{self.version.hex if self.version else '-'}:"
            f"{self.audience}:{self.today.isoformat()}:{group}"
        )

    def _label(self, group: str) -> tuple:
        return (self.partnership_id, self.version, self.audience, self.today, group)

    def prefetch(self, groups: Iterable[str]) -> None:
        """Read several groups in one round trip."""
        if self.version is None:
            return
        wanted = {self.key(g): g for g in groups if g not in self._values}
        try:
            found = cache.get_many(list(wanted))
        except Exception:  # the cache is an optimisation: figures are computed without it
            logger.warning("Dashboard cache unreachable; computing the figures", exc_info=True)
            return
        for key, stored in found.items():
            group = wanted[key]
            if self._valid(stored, group):
                self._values[group] = stored[1]

    def _valid(self, stored: Any, group: str) -> bool:
        return isinstance(stored, tuple) and len(stored) == 2 and stored[0] == self._label(group)

    def get(self, group: str, compute: Callable[[], T]) -> T:
        if group in self._values:
            return self._values[group]
        if self.version is not None:
            try:
                stored = cache.get(self.key(group))
            except Exception:
                logger.warning("Dashboard cache unreachable; computing the figures", exc_info=True)
                stored = None
            if self._valid(stored, group):
                self._values[group] = stored[1]
                return stored[1]
        value = compute()
        self.computed.append(group)
        self._values[group] = value
        if self.version is not None:
            try:
                cache.set(self.key(group), (self._label(group), value), TIMEOUT)
            except Exception:
                logger.warning("Dashboard cache unreachable; figures not remembered", exc_info=True)
        return value
