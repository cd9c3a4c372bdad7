"""How the portal writes dates and lists (partnership/common/text.py)."""

import datetime

from partnership.common.text import and_join, long_date, short_date


def test_and_join_puts_and_before_the_last_word_and_commas_between_the_others():
    assert and_join([]) == ""
    assert and_join(["Ash"]) == "Ash"
    assert and_join(["Ash", "Beech"]) == "Ash and Beech"
    assert and_join(["Ash", "Beech", "Cedar"]) == "Ash, Beech and Cedar"
    assert and_join(name for name in ("Ash", "Beech", "Cedar", "Dale")) == "Ash, Beech, Cedar and Dale"


def test_dates_are_written_without_leading_zeros():
    assert long_date(datetime.date(2026, 11, 3)) == "Tuesday 3 November 2026"
    assert short_date(datetime.date(2026, 11, 3)) == "3 November 2026"
    assert long_date(datetime.date(2027, 1, 31)) == "Sunday 31 January 2027"
