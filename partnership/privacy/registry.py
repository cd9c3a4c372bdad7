"""What each app holds about people and how long it keeps records, registered by the app itself.

The core (this package) runs subject access exports, erasures and the retention schedule over whatever is
registered; a feature registers its own source in its AppConfig.ready, so the core imports no feature.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

# One file of an export: a name ("reviews/team-seats.csv") and its rows (dicts with the same keys).
ExportFiles = dict[str, list[dict]]


@dataclass(frozen=True)
class PersonalDataSource:
    """What one app holds about a person in one partnership, and how it forgets them.

    `export(user, partnership)` returns files of rows; `erase(user, partnership, replacement)` replaces the
    person's name and contact details in the app's own copies (records stay, attributed to the replacement) and
    returns how many rows it changed. Both run inside the caller's transaction and partnership scope.
    """

    name: str
    export: Callable[..., ExportFiles]
    erase: Callable[..., int] | None = None


@dataclass(frozen=True)
class RetentionRule:
    """A kind of record a partnership keeps for a number of years, then removes with its files.

    `remove(partnership, before, record)` deletes what is older than `before`, one unit at a time, each in its own
    transaction with its stored files noted through `files_delete_with_records` and `record(what, detail)` called
    inside it; it returns a summary ({"reviews": 3, ...}).
    """

    key: str
    label: str
    default_years: int
    why: str
    remove: Callable[..., dict] = field(repr=False)
    age_of: str = ""


_sources: dict[str, PersonalDataSource] = {}
_rules: dict[str, RetentionRule] = {}


def register_personal_data(source: PersonalDataSource) -> None:
    _sources[source.name] = source


def register_retention(rule: RetentionRule) -> None:
    _rules[rule.key] = rule


def personal_data_sources() -> list[PersonalDataSource]:
    return list(_sources.values())


def retention_rules() -> list[RetentionRule]:
    return list(_rules.values())


def years_before(today: datetime.date, years: int) -> datetime.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)
