import datetime

import pytest

from reviews.calendar import SchoolCalendar, calendar_for_partnership
from reviews.models import ClosureDay, Term

D = datetime.date


def test_weekends_and_bank_holidays_of_england_are_not_working_days():
    calendar = SchoolCalendar()
    assert calendar.why_not_a_working_day(D(2026, 11, 21)) == "a Saturday"
    assert calendar.why_not_a_working_day(D(2027, 3, 26)) == "a bank holiday (Good Friday)"
    assert calendar.why_not_a_working_day(D(2026, 12, 28)) == "a bank holiday (Boxing Day (observed))"
    assert calendar.is_working_day(D(2026, 11, 23))


def test_adding_working_days_skips_easter_bank_holidays():
    calendar = SchoolCalendar()
    # Thursday 25 March 2027; Good Friday 26 March and Easter Monday 29 March are bank holidays.
    assert calendar.add_working_days(D(2027, 3, 25), 1) == D(2027, 3, 30)
    assert calendar.add_working_days(D(2027, 3, 25), 5) == D(2027, 4, 5)
    assert calendar.working_days_between(D(2027, 3, 25), D(2027, 4, 5)) == 5


def test_eighteen_working_days_across_christmas_with_terms_and_an_inset_day():
    calendar = SchoolCalendar(
        terms=((D(2026, 9, 3), D(2026, 12, 18), "Autumn 2026"), (D(2027, 1, 4), D(2027, 3, 26), "Spring 2027")),
        closure_days={D(2027, 1, 4): "INSET day", D(2027, 1, 5): "INSET day"},
    )
    assert calendar.why_not_a_working_day(D(2026, 12, 22)) == "outside term time"
    assert calendar.why_not_a_working_day(D(2027, 1, 5)) == "a closure day (INSET day)"
    # Visit ends Monday 7 Dec 2026: 9 working days to Fri 18 Dec, then nine more from Wed 6 Jan 2027.
    assert calendar.add_working_days(D(2026, 12, 7), 18) == D(2027, 1, 18)


def test_no_working_day_for_years_is_a_clear_error():
    calendar = SchoolCalendar(closure_days={D(2026, 1, 1) + datetime.timedelta(days=n): "Closed" for n in range(1200)})
    with pytest.raises(ValueError, match="check the partnership's terms"):
        calendar.add_working_days(D(2026, 1, 1), 1)


def test_after_the_last_term_entered_weekdays_count_until_next_years_terms_are_known():
    calendar = SchoolCalendar(terms=((D(2027, 6, 7), D(2027, 7, 21), "Summer 2 2027"),))
    # A visit on Tuesday 20 July 2027: ten working days later falls in the summer holidays, not on an error.
    assert calendar.add_working_days(D(2027, 7, 20), 10) == D(2027, 8, 3)
    assert calendar.working_days_between(D(2027, 7, 20), D(2027, 8, 3)) == 10
    assert calendar.add_working_days(D(2027, 8, 27), 1) == D(2027, 8, 31)  # Monday 30 August is a bank holiday
    # A visit cannot be proposed on such a day: the partnership's terms say whether the school is open.
    assert calendar.why_not_a_working_day(D(2027, 8, 3)) == "outside term time"


@pytest.mark.django_db
def test_the_partnerships_calendar_comes_from_its_own_terms_only(partnership_a, partnership_b, scope_of):
    with scope_of(partnership_a):
        Term.objects.create(partnership=partnership_a, name="Autumn", starts_on=D(2026, 9, 3), ends_on=D(2026, 12, 18))
    with scope_of(partnership_b):
        ClosureDay.objects.create(partnership=partnership_b, date=D(2026, 11, 23), reason="INSET day")
    with scope_of(partnership_a):
        calendar = calendar_for_partnership()
    assert calendar.is_working_day(D(2026, 11, 23))
    assert calendar.why_not_a_working_day(D(2026, 12, 21)) == "outside term time"
