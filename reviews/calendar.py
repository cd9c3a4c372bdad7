"""Working days for a partnership: weekdays in term, not bank holidays of England, not closure (INSET) days.

When a partnership has entered no terms yet, every weekday that is not a bank holiday or closure day counts.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

import holidays

from .models import ClosureDay, Term


def bank_holidays_of_england(years: Iterable[int]) -> dict[datetime.date, str]:
    return dict(holidays.country_holidays("GB", subdiv="ENG", years=list(years)).items())


@dataclass(frozen=True)
class SchoolCalendar:
    terms: tuple[tuple[datetime.date, datetime.date, str], ...] = ()
    closure_days: dict[datetime.date, str] = field(default_factory=dict)

    @cached_property
    def _bank_holidays(self) -> "holidays.HolidayBase":
        return holidays.country_holidays("GB", subdiv="ENG")

    @cached_property
    def _last_day_of_term(self) -> datetime.date | None:
        return max((ends for _, ends, _ in self.terms), default=None)

    def _counts_for_due_dates(self, day: datetime.date) -> bool:
        # After the last term entered, the partnership's dates are not known yet: a weekday that is neither a bank
        # holiday nor a closure day counts, so that what falls due after a visit late in the summer term gets a
        # date (which entering next year's terms corrects) instead of an error.
        if self._last_day_of_term is not None and day > self._last_day_of_term:
            return day.weekday() < 5 and self.bank_holiday(day) is None and day not in self.closure_days
        return self.is_working_day(day)

    def bank_holiday(self, day: datetime.date) -> str | None:
        return self._bank_holidays.get(day)

    def term_of(self, day: datetime.date) -> str | None:
        for starts, ends, name in self.terms:
            if starts <= day <= ends:
                return name
        return None

    def why_not_a_working_day(self, day: datetime.date) -> str | None:
        """None for a working day; otherwise the reason a person can read, e.g. 'a bank holiday (Good Friday)'."""
        if day.weekday() >= 5:
            return f"a {day:%A}"
        if (name := self.bank_holiday(day)) is not None:
            return f"a bank holiday ({name})"
        if day in self.closure_days:
            return f"a closure day ({self.closure_days[day]})"
        if self.terms and self.term_of(day) is None:
            return "outside term time"
        return None

    def is_working_day(self, day: datetime.date) -> bool:
        return self.why_not_a_working_day(day) is None

    def add_working_days(self, start: datetime.date, count: int) -> datetime.date:
        """The `count`th working day after `start` (start itself is not counted)."""
        if count < 0:
            raise ValueError("count must not be negative")
        day, remaining = start, count
        while remaining:
            day += datetime.timedelta(days=1)
            if self._counts_for_due_dates(day):
                remaining -= 1
            if (day - start).days > 3 * 366:
                raise ValueError("No working days in the next three years: check the partnership's terms.")
        return day

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days after `start` up to and including `end` (negative when end is before start)."""
        if end < start:
            return -self.working_days_between(end, start)
        return sum(
            1
            for offset in range(1, (end - start).days + 1)
            if self._counts_for_due_dates(start + datetime.timedelta(days=offset))
        )


def calendar_for_partnership() -> SchoolCalendar:
    """The active partnership's calendar (call inside its scope)."""
    terms = tuple(Term.objects.values_list("starts_on", "ends_on", "name"))
    closures = dict(ClosureDay.objects.values_list("date", "reason"))
    return SchoolCalendar(terms=terms, closure_days=closures)
