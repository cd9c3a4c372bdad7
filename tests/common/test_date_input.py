"""The GOV.UK date input (partnership/common/forms.py): day, month and year boxes, a message that names the date
and what is wrong with it, only the wrong boxes marked, and the error summary leading to the first wrong box."""

import datetime

import pytest
from django import forms

from partnership.common.forms import GovukDateField


class DayForm(forms.Form):
    day = GovukDateField(label="Visit day", name="The visit day")
    other = GovukDateField(label="Other day", name="The other day", required=False)


def sent(day="", month="", year="", **other) -> DayForm:
    return DayForm({"day_day": day, "day_month": month, "day_year": year, **other})


def test_a_date_typed_in_three_boxes_is_a_date():
    form = sent("3", "3", "2027")
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"day": datetime.date(2027, 3, 3), "other": None}
    assert sent(" 03 ", "March", "2027").is_valid()
    assert sent("3", "mar", "2027").is_valid()


@pytest.mark.parametrize(
    ("typed", "message", "wrong"),
    [
        (("", "", ""), "Enter the visit day.", ["day", "month", "year"]),
        (("3", "", "2027"), "The visit day must include a month.", ["month"]),
        (("", "", "2027"), "The visit day must include a day and month.", ["day", "month"]),
        (("x", "3", "2027"), "The visit day must be a real date: enter the day as numbers", ["day"]),
        (("3", "3", "27"), "The visit day must have a year with 4 numbers, for example 2027.", ["year"]),
        (("31", "2", "2027"), "The visit day must be a real date, for example 27 3 2027.", ["day", "month"]),
        (("3", "13", "2027"), "The visit day must be a real date, for example 27 3 2027.", ["month"]),
    ],
)
def test_each_problem_says_what_is_wrong_and_marks_only_those_boxes(typed, message, wrong):
    form = sent(*typed)
    assert not form.is_valid()
    assert form.errors["day"][0].startswith(message)
    html = str(form["day"].as_field_group())
    for part in ("day", "month", "year"):
        box = html.split(f'name="day_{part}"')[1].split(">")[0]
        assert ("govuk-input--error" in box) is (part in wrong), part
    assert form["day"].error_anchor == f"id_day_{wrong[0]}"


def test_what_was_typed_is_kept_even_when_it_is_not_a_date():
    html = str(sent("31", "2", "2027")["day"].as_field_group())
    assert 'name="day_day" value="31"' in html and 'name="day_month" value="2"' in html


def test_the_boxes_sit_in_a_fieldset_with_the_label_as_legend_and_an_optional_date_says_so():
    form = DayForm()
    html = str(form["day"].as_field_group())
    assert '<fieldset class="govuk-fieldset" role="group" aria-describedby="id_day_helptext">' in html
    assert '<legend class="govuk-fieldset__legend">Visit day</legend>' in html
    assert '<label class="govuk-label govuk-date-input__label" for="id_day_month">Month</label>' in html
    assert 'inputmode="numeric"' in html and "required" not in html
    assert "Other day (optional)" in str(form["other"].as_field_group())


def test_a_date_given_as_initial_fills_the_boxes():
    html = str(DayForm(initial={"day": datetime.date(2027, 3, 4)})["day"].as_field_group())
    assert 'name="day_day" value="4"' in html and 'name="day_year" value="2027"' in html
