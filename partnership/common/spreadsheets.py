"""Cells of the CSV files people open in a spreadsheet."""

import datetime

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def spreadsheet_safe(value: object) -> object:
    """Text a spreadsheet would run as a formula (CSV injection) gets a leading apostrophe; numbers stay, dates are
    written as ISO dates and nothing as an empty cell."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value
