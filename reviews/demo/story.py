"""When the demo's story happens. It was written for the 2026/27 academic year as it stood on 22 November 2026;
each load moves it to the academic year of the day the demo is loaded, so that the demo always shows the
current year as current (and last year as last year), whatever the date.

Dates move by whole weeks, the nearest number to whole years, so weekdays stay weekdays and every date stays in
its term (within a few days of the same date in the new year).
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone

WRITTEN_FOR = 2026  # the academic year (2026/27) the story's dates were written in
WRITTEN_ON = datetime.date(2026, 11, 22)  # the day the story stands on: visits before it happened, later ones not


def academic_year_of(day: datetime.date) -> int:
    """2026 for any day from 1 September 2026 to 31 August 2027."""
    return day.year if day.month >= 9 else day.year - 1


@dataclass(frozen=True)
class Story:
    year: int  # the academic year the story is told in

    @classmethod
    def loaded_on(cls, today: datetime.date | None = None) -> "Story":
        return cls(academic_year_of(today or timezone.localdate()))

    @property
    def shift(self) -> datetime.timedelta:
        return datetime.timedelta(weeks=round((self.year - WRITTEN_FOR) * 365.2425 / 7))

    def day(self, written: datetime.date) -> datetime.date:
        """A date as written in the story, in the year the story is told in."""
        return written + self.shift

    def academic_year(self, written_year: int) -> int:
        """An academic year as written (2025 for 2025/26), in the year the story is told in."""
        return written_year + self.year - WRITTEN_FOR

    def cycle_name(self, written_year: int) -> str:
        start = self.academic_year(written_year)
        return f"Peer review {start}/{(start + 1) % 100:02d}"

    @property
    def today(self) -> datetime.date:
        """The day the story stands on."""
        return self.day(WRITTEN_ON)
