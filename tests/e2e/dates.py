"""Typing a date into a GOV.UK date input (three boxes in a fieldset named by its legend), as a person would."""

import datetime
import re


def fill_date(page, legend: str, day: datetime.date) -> None:
    group = page.get_by_role("group", name=re.compile(rf"^{re.escape(legend)}( \(optional\))?$"))
    group.get_by_label("Day", exact=True).fill(str(day.day))
    group.get_by_label("Month", exact=True).fill(str(day.month))
    group.get_by_label("Year", exact=True).fill(str(day.year))
