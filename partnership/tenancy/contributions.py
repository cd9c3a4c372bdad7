"""What an app adds to the portal shell: navigation items, home page sections, demo steps and calendar entries.

Each app that adds something declares it in its own `<app>/portal.py` as a module-level `contribution`; the shell
(partnership/portal) collects them from every installed app and sorts each kind by its `order`. The types live
here, in the core, so that a feature app can declare its contribution without importing the shell, and the core
itself never has to know which features exist. docs/architecture.md lists the order numbers in use.

Calendar entries are read by the person's calendar feed (reviews/ical.py), which sits below the apps that add
to it: `installed_contributions()` finds every app's contribution by its module's name alone, so the feed asks
for them here without importing an app above it (and the shell's registry reads the same list).
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.utils import timezone
from django.utils.module_loading import module_has_submodule

if TYPE_CHECKING:
    from partnership.accounts.models import User

    from .models import Membership, Partnership


@dataclass(frozen=True)
class NavItem:
    """One link in the service navigation, shown to the people for whom `visible` is true."""

    order: int
    label: str
    url_name: str
    visible: Callable[[User, Partnership], bool]


@dataclass(frozen=True)
class HomeSection:
    """One section of a partnership's home page, for the people holding any of `roles`."""

    order: int
    template: str
    roles: frozenset[str]
    context: Callable[[User, Partnership, list[Membership]], dict[str, Any]]


@dataclass
class DemoRun:
    """One run of the demo data, passed to every step: the partnership being built and what the summary prints."""

    files: Path
    today: datetime.date = field(default_factory=timezone.localdate)  # the day the demo is loaded: its story's year
    partnership: Partnership | None = None
    partnerships: list[Partnership] = field(default_factory=list)
    logins: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)

    def add_logins(self, logins: list[tuple[str, str]]) -> None:
        """Demo sign-ins (label, email) of the current partnership, printed after the run."""
        self.logins.setdefault(self.partnership.slug, []).extend(logins)

    def add_note(self, key: str, line: str) -> None:
        """A line for the summary; a step that runs for every partnership adds it once under its key."""
        self.notes.setdefault(key, line)


@dataclass(frozen=True)
class DemoStep:
    """Demo data one app adds to each demo partnership, inside that partnership's scope. Safe to run again."""

    order: int
    name: str
    run: Callable[[DemoRun], object]


@dataclass(frozen=True)
class CalendarEntry:
    """One event in a person's calendar feed. `uid` stays the same when the event changes (the feed adds the
    partnership's domain), so a subscribed calendar moves it rather than adding another; `start` and `end` are
    dates for an all-day event, aware datetimes otherwise; a cancelled event stays in the feed marked cancelled."""

    uid: str
    summary: str
    start: datetime.date | datetime.datetime
    end: datetime.date | datetime.datetime
    location: str = ""
    description: str = ""
    url: str = ""
    sequence: int = 0
    last_modified: datetime.datetime | None = None
    created: datetime.datetime | None = None
    cancelled: bool = False


@dataclass(frozen=True)
class CalendarSource:
    """What one app adds to a person's calendar feed: `entries(user, partnership)` returns only what that person
    takes part in, inside the partnership's scope. `name` says what they are ("board meetings")."""

    order: int
    name: str
    entries: Callable[[User, Partnership], Iterable[CalendarEntry]]


@dataclass(frozen=True)
class EmailTopic:
    """A kind of email an app sends that a person may turn off on "Your account" (partnership/portal's email
    preferences page). The app asks `partnership.accounts.selectors.wants_email(user, key)` before it sends one;
    what it would have said still shows on the person's home page where the app shows it there."""

    order: int
    key: str
    label: str
    hint: str


@dataclass(frozen=True)
class Contribution:
    nav: tuple[NavItem, ...] = ()
    home: tuple[HomeSection, ...] = ()
    demo: tuple[DemoStep, ...] = ()
    email_topics: tuple[EmailTopic, ...] = ()
    calendar: tuple[CalendarSource, ...] = ()
    # Tables of this app that the county dashboard reads: the app's own migration gives each the data version's
    # triggers (docs/data-version.md), and `tracked_tables()` in data_version.py lists them with the core's own.
    tracked_tables: tuple[str, ...] = ()


CONTRIBUTION_MODULE = "portal"


@functools.cache
def installed_contributions() -> tuple[tuple[str, Contribution], ...]:
    """(app label, contribution) for every installed app that declares one in its `portal.py`."""
    found = []
    for config in apps.get_app_configs():
        if not module_has_submodule(config.module, CONTRIBUTION_MODULE):
            continue
        module = import_module(f"{config.name}.{CONTRIBUTION_MODULE}")
        found.append((config.label, module.contribution))
    return tuple(found)


def calendar_sources() -> list[CalendarSource]:
    return sorted((source for _, c in installed_contributions() for source in c.calendar), key=lambda s: s.order)
