"""Issue 12: every date of a cycle's set-up (the visit window, terms, closure days, reviewer training) is typed in the
GOV.UK date input (day, month and year); an impossible date gets its own message, linked from the error summary to
the box that is wrong, and nothing changes."""

import datetime

import pytest

from reviews.models import ClosureDay, Cycle, ReviewerTraining, Term
from tests.reviews.factories_cycles import county
from tests.reviews.factories_scheduling import date_fields

pytestmark = pytest.mark.django_db
D = datetime.date


def settings_form(cycle: Cycle, **dates) -> dict:
    form = {
        "name": cycle.name,
        "academic_year_start": str(cycle.academic_year_start),
        "grading_scale": cycle.grading_scale,
        "custom_grades": "",
        "self_review_due_days_before_visit": "14",
        "report_due_working_days": "18",
        "factual_accuracy_working_days": "5",
        "impact_visit_months": "6",
        "group_size": str(cycle.group_size),
        "separate_trusts": "on",
        **date_fields("visit_window_starts_on", cycle.visit_window_starts_on),
        **date_fields("visit_window_ends_on", cycle.visit_window_ends_on),
    }
    for name, parts in dates.items():
        form.update({f"{name}_{part}": value for part, value in zip(("day", "month", "year"), parts, strict=True)})
    return form


def test_the_cycle_form_shows_day_month_and_year_boxes_not_the_browsers_date_picker(partnership_a, client_at):
    world = county(partnership_a, schools=3)
    client = client_at(partnership_a, world.coordinator)
    for url in ("/cycles/new/", f"/cycles/{world.cycle.pk}/edit/"):
        page = client.get(url).content.decode()
        assert 'type="date"' not in page, url
        for name in ("visit_window_starts_on", "visit_window_ends_on"):
            for part in ("day", "month", "year"):
                assert f'id="id_{name}_{part}"' in page, (url, name, part)
    page = client.get(f"/cycles/{world.cycle.pk}/edit/").content.decode()
    start = world.cycle.visit_window_starts_on
    assert f'name="visit_window_starts_on_day" value="{start.day}"' in page  # the saved date fills the boxes


def test_a_date_typed_in_three_boxes_saves_the_cycle(partnership_a, client_at, scope_of):
    world = county(partnership_a, schools=3)
    client = client_at(partnership_a, world.coordinator)
    form = settings_form(world.cycle, visit_window_ends_on=("2", "July", "2027"))
    response = client.post(f"/cycles/{world.cycle.pk}/edit/", form)
    assert response.status_code == 302
    with scope_of(partnership_a):
        assert Cycle.objects.get(pk=world.cycle.pk).visit_window_ends_on == D(2027, 7, 2)


@pytest.mark.parametrize(
    ("typed", "message", "anchor"),
    [
        (("31", "2", "2027"), "The last day visits can take place must be a real date, for example 27 3 2027.", "day"),
        (("3O", "six", "2027"), "must be a real date: enter the day and month as numbers", "day"),
        (("30", "6", ""), "The last day visits can take place must include a year.", "year"),
        (("30", "6", "27"), "The last day visits can take place must have a year with 4 numbers", "year"),
        (("", "", ""), "Enter the last day visits can take place.", "day"),
    ],
    ids=["31-February", "letters", "missing-year", "two-figure-year", "empty"],
)
def test_an_impossible_date_gets_its_own_message_linked_to_its_box_and_changes_nothing(
    partnership_a, client_at, scope_of, typed, message, anchor
):
    world = county(partnership_a, schools=3)
    with scope_of(partnership_a):
        before = Cycle.objects.values().get(pk=world.cycle.pk)
    client = client_at(partnership_a, world.coordinator)
    form = {**settings_form(world.cycle, visit_window_ends_on=typed), "name": "Renamed"}
    response = client.post(f"/cycles/{world.cycle.pk}/edit/", form)
    page = response.content.decode()
    assert response.status_code == 200 and "<title>Error: " in page
    assert message in page
    assert f'<a href="#id_visit_window_ends_on_{anchor}">' in page  # the summary leads to the wrong box
    assert f'name="visit_window_ends_on_day" value="{typed[0]}"' in page or not typed[0]  # kept as typed
    with scope_of(partnership_a):
        assert Cycle.objects.values().get(pk=world.cycle.pk) == before


def test_a_new_cycle_with_an_impossible_date_is_not_opened(partnership_a, client_at, scope_of):
    world = county(partnership_a, schools=3)
    client = client_at(partnership_a, world.coordinator)
    form = {
        **settings_form(world.cycle, visit_window_starts_on=("31", "2", "2027")),
        "name": "Peer review 2027/28",
        "academic_year_start": "2027",
        "focus_areas_from": "ofsted",
    }
    page = client.post("/cycles/new/", form).content.decode()
    assert "The first day visits can take place must be a real date" in page
    assert '<a href="#id_visit_window_starts_on_day">' in page
    with scope_of(partnership_a):
        assert not Cycle.objects.filter(name="Peer review 2027/28").exists()


def test_a_service_refusal_about_a_date_is_linked_to_its_boxes(partnership_a, client_at, scope_of):
    """A real date the cycle cannot have (outside the academic year) is told on the date, linked to its first box."""
    world = county(partnership_a, schools=3)
    client = client_at(partnership_a, world.coordinator)
    page = client.post(
        f"/cycles/{world.cycle.pk}/edit/", settings_form(world.cycle, visit_window_ends_on=("30", "9", "2027"))
    ).content.decode()
    assert "The visit window must be inside the" in page
    assert '<a href="#id_visit_window_ends_on_day">' in page


def test_terms_closure_days_and_training_take_the_three_boxes_and_refuse_impossible_dates(
    partnership_a, client_at, scope_of
):
    world = county(partnership_a, schools=3, trained=False)
    client = client_at(partnership_a, world.coordinator)
    c = world.cycle.pk
    bad = {
        "starts_on_day": "31",
        "starts_on_month": "2",
        "starts_on_year": "2027",
        **date_fields("ends_on", D(2027, 3, 26)),
    }
    page = client.post(f"/cycles/{c}/calendar/terms/new/", {"name": "Spring 2027", **bad}).content.decode()
    assert "The first day of the term must be a real date" in page and '<a href="#id_starts_on_day">' in page
    page = client.post(
        f"/cycles/{c}/calendar/closures/new/", {"date_day": "2", "date_month": "11", "date_year": "", "reason": "INSET"}
    ).content.decode()
    assert "The date of the closure day must include a year." in page and '<a href="#id_date_year">' in page
    head = world.heads[world.schools[0].pk]
    page = client.post(
        f"/cycles/{c}/training/",
        {"user": head.pk, "trained_on_day": "x", "trained_on_month": "7", "trained_on_year": "2026", "provider": "P"},
    ).content.decode()
    assert "The date of the training must be a real date: enter the day as numbers" in page
    with scope_of(partnership_a):
        assert not Term.objects.exists() and not ClosureDay.objects.exists()
        assert not ReviewerTraining.objects.filter(user=head).exists()

    good = {**date_fields("starts_on", D(2027, 1, 4)), **date_fields("ends_on", D(2027, 3, 26))}
    assert client.post(f"/cycles/{c}/calendar/terms/new/", {"name": "Spring 2027", **good}).status_code == 302
    closure = {**date_fields("date", D(2027, 2, 1)), "reason": "INSET day"}
    assert client.post(f"/cycles/{c}/calendar/closures/new/", closure).status_code == 302
    training = {"user": head.pk, **date_fields("trained_on", D(2026, 7, 1)), "provider": "Partnership"}
    assert client.post(f"/cycles/{c}/training/", training).status_code == 302
    with scope_of(partnership_a):
        assert Term.objects.get().starts_on == D(2027, 1, 4)
        assert ClosureDay.objects.get().date == D(2027, 2, 1)
        assert ReviewerTraining.objects.get(user=head).trained_on == D(2026, 7, 1)
