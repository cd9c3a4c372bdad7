"""When the demo's story happens. It was written for the 2026/27 academic year; each load moves it to the academic
year of the day the demo is loaded, and the current cycle's story stands on that day: visits before it have
happened and moved through the workflow, later ones are booked (reviews/demo/cycles.py places them).

Dates move by whole weeks, the nearest number to whole years, so weekdays stay weekdays and every date stays in
its term (within a few days of the same date in the new year).
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from ..calendar import SchoolCalendar

WRITTEN_FOR = 2026  # the academic year (2026/27) the story's dates were written in


def academic_year_of(day: datetime.date) -> int:
    """2026 for any day from 1 September 2026 to 31 August 2027."""
    return day.year if day.month >= 9 else day.year - 1


@dataclass(frozen=True)
class Story:
    year: int  # the academic year the story is told in
    loaded: datetime.date  # the day the demo is loaded

    @classmethod
    def loaded_on(cls, today: datetime.date | None = None) -> "Story":
        today = today or timezone.localdate()
        return cls(academic_year_of(today), today)

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

    def stands_on(
        self,
        calendar: SchoolCalendar,
        *,
        window: tuple[datetime.date, datetime.date],
        room_before: int,
        room_after: int,
    ) -> datetime.date:
        """The day the current cycle's story stands on: the day the demo is loaded, moved only as far as the visit
        window needs: at least `room_before` working days after it opens (so that every stage of the workflow has
        happened: early in the autumn term the story stands a few weeks on, in the same half term) and
        `room_after` working days before it closes (so that booked visits still fit: in the summer holidays the
        story stands in the last weeks of the summer term)."""
        opens, closes = window
        earliest = calendar.add_working_days(opens, room_before)
        latest = closes
        while latest > earliest and calendar.working_days_between(latest, closes) < room_after:
            latest -= datetime.timedelta(days=1)
        return min(max(self.loaded, earliest), latest)
