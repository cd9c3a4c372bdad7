"""How the portal writes dates and lists in sentences. Plain Python (the grouping solver uses it too)."""

import datetime
from collections.abc import Iterable


def long_date(day: datetime.date) -> str:
    """'Tuesday 3 November 2026': a day someone has to act on or turn up to."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def short_date(day: datetime.date) -> str:
    """'3 November 2026'."""
    return f"{day.day} {day:%B %Y}"


def and_join(words: Iterable[str]) -> str:
    """'a', 'a and b', 'a, b and c' (no comma before 'and'); an empty string for nothing."""
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"
