"""Academic years in words: the year September falls in names the academic year (2026 is 2026/27)."""

import datetime

from django.utils import timezone


def current_academic_year(today: datetime.date | None = None) -> int:
    today = today or timezone.localdate()
    return today.year if today.month >= 9 else today.year - 1


def academic_year_label(year: int) -> str:
    return f"{year}/{str(year + 1)[-2:]}"
