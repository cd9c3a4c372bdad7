"""What an app adds to the portal shell: navigation items, home page sections and demo steps.

Each app that adds something declares it in its own `<app>/portal.py` as a module-level `contribution`; the shell
(partnership/portal) collects them from every installed app and sorts each kind by its `order`. The types live
here, in the core, so that a feature app can declare its contribution without importing the shell, and the core
itself never has to know which features exist. docs/architecture.md lists the order numbers in use.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.utils import timezone

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
