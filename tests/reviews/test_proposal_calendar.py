"""Issue 12: beside the date input, the person proposing visit dates sees which days are free, month by month: term,
school holidays, bank holidays, closure days and the review team's other visits, each day said in words (not colour
alone), in a real table per month with its caption; the page's queries do not grow with the window or the visits."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reviews.models import ClosureDay, Term
from reviews.selectors.reviews import review_for_page
from reviews.selectors.scheduling import proposal_calendar
from tests.reviews.factories import review_scenario, visit_on
from tests.reviews.factories_scheduling import open_window, other_review, school_days

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def summer(partnership_a, scope_of):
    """The summer term of 2027 (half term 31 May to 4 June), the Early May bank holiday (Monday 3 May), an INSET day
    (Tuesday 4 May) and the lead reviewer on another school's visit on Thursday 6 May."""
    s = review_scenario(partnership_a)
    with scope_of(partnership_a):
        cycle = s.review.cycle
        cycle.visit_window_starts_on, cycle.visit_window_ends_on = D(2027, 4, 12), D(2027, 7, 16)
        cycle.save(update_fields=["visit_window_starts_on", "visit_window_ends_on"])
        Term.objects.create(
            partnership=partnership_a, name="Summer 2027", starts_on=D(2027, 4, 12), ends_on=D(2027, 5, 28)
        )
        Term.objects.create(
            partnership=partnership_a, name="Summer 2 2027", starts_on=D(2027, 6, 7), ends_on=D(2027, 7, 21)
        )
        ClosureDay.objects.create(partnership=partnership_a, date=D(2027, 5, 4), reason="INSET: phonics")
    elsewhere = other_review(s, team=[s.lead_reviewer])
    visit_on(elsewhere, D(2027, 5, 6))
    return s


def days_of(calendar) -> dict:
    return {day.date: day for month in calendar.months for week in month["weeks"] for day in week if day}


def test_each_day_of_the_window_says_what_it_is(partnership_a, scope_of, summer):
    with scope_of(partnership_a):
        review = review_for_page(summer.review.pk)
        calendar = proposal_calendar(review, today=D(2027, 4, 20))
    months = [month["month"] for month in calendar.months]
    assert months == [D(2027, 4, 1), D(2027, 5, 1), D(2027, 6, 1), D(2027, 7, 1)]
    days = days_of(calendar)
    lead = summer.lead_reviewer.get_full_name()
    expected = {
        D(2027, 4, 19): ("past", ""),
        D(2027, 4, 20): ("free", "Free"),
        D(2027, 5, 3): ("bank-holiday", "BH"),
        D(2027, 5, 4): ("closure", "Closed"),
        D(2027, 5, 5): ("free", "Free"),
        D(2027, 5, 6): ("booked", "Booked"),
        D(2027, 5, 8): ("weekend", ""),
        D(2027, 6, 2): ("holiday", "Hol."),
        D(2027, 7, 19): ("outside", ""),
    }
    for day, (kind, label) in expected.items():
        assert (days[day].kind, days[day].label) == (kind, label), day
    assert days[D(2027, 5, 3)].reason == "a bank holiday (May Day)"
    assert days[D(2027, 5, 4)].reason == "a closure day (INSET: phonics)"
    assert days[D(2027, 5, 6)].reason == f"review team booked: {lead}"
    assert days[D(2027, 6, 2)].reason == "outside term time"
    assert calendar.booked == [(D(2027, 5, 6), lead)]


def test_the_propose_page_shows_a_table_per_month_with_each_days_status_in_words(partnership_a, client_at):
    s = review_scenario(partnership_a)
    today = timezone.localdate()
    open_window(s.review, today, days=60)
    booked = school_days(today + datetime.timedelta(days=10), 1)[0]
    visit_on(other_review(s, team=[s.lead_reviewer]), booked)
    page = client_at(partnership_a, s.head).get(f"/reviews/{s.review.pk}/visit-dates/").content.decode()
    assert "Which days are free" in page
    tables = re.findall(r'<table class="portal-month portal-month--free">.*?</table>', page, re.S)
    assert len(tables) >= 2 and all(re.search(r"<caption>\w+ \d{4}</caption>", table) for table in tables)
    cell = re.search(rf'<td class="portal-day--booked"[^>]*data-date="{booked:%Y-%m-%d}"[^>]*>(.*?)</td>', page, re.S)
    assert cell is not None
    assert "Booked" in cell[1] and f"review team booked: {s.lead_reviewer.get_full_name()}" in cell[1]
    assert '<th scope="col" abbr="Saturday">Sa</th>' in page
    assert page.index('id="id_day_1_day"') < page.index("Which days are free")  # beside the date input


def test_the_propose_page_has_the_same_number_of_queries_for_a_long_window_and_many_visits(
    partnership_a, client_at, scope_of, django_assert_max_num_queries
):
    def queries(months: int, visits: int) -> int:
        s = review_scenario(partnership_a)
        today = timezone.localdate()
        open_window(s.review, today, days=30 * months)
        for index in range(visits):
            elsewhere = other_review(s, name=f"Other School {months}-{index}", team=[s.lead_reviewer, s.reviewer])
            visit_on(elsewhere, today + datetime.timedelta(days=7 + index))
        client = client_at(partnership_a, s.head)
        url = f"/reviews/{s.review.pk}/visit-dates/"
        client.get(url)  # warm the session and the site's caches
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    small, large = queries(1, 0), queries(11, 8)
    assert large == small
    s = review_scenario(partnership_a)
    open_window(s.review, timezone.localdate(), days=330)
    client = client_at(partnership_a, s.head)
    with django_assert_max_num_queries(small):
        client.get(f"/reviews/{s.review.pk}/visit-dates/")
