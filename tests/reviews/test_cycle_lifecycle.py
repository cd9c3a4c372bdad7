"""Issue 12: a cycle entirely in the past is confirmed before it opens; a cycle with nothing done yet can be
deleted, one with reviews archived (hidden from current lists, still readable); each asks first."""

import datetime

import pytest

from partnership.audit.models import AuditEvent
from partnership.tenancy.roles import Role
from reviews.models import Cycle, Enrolment, Review
from tests.factories import member
from tests.reviews.factories import CycleFactory, review_scenario
from tests.reviews.factories_cycles import county
from tests.reviews.factories_scheduling import date_fields

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Peer review 2024/25",
    "academic_year_start": "2024",
    "focus_areas_from": "ofsted",
    "grading_scale": "none",
    "custom_grades": "",
    **date_fields("visit_window_starts_on", datetime.date(2024, 10, 1)),
    **date_fields("visit_window_ends_on", datetime.date(2025, 6, 30)),
    "self_review_due_days_before_visit": "14",
    "report_due_working_days": "18",
    "factual_accuracy_working_days": "5",
    "impact_visit_months": "6",
    "group_size": "3",
    "separate_trusts": "on",
}


def test_a_cycle_entirely_in_the_past_is_confirmed_on_a_page_of_its_own(partnership_a, client_at, scope_of):
    client = client_at(partnership_a, member(partnership_a, Role.COORDINATOR))
    page = client.post("/cycles/new/", FORM).content.decode()
    assert "This cycle is entirely in the past" in page
    assert "Its visit window closed on 30 June 2025" in page
    assert 'name="confirm_past" value="yes"' in page and 'name="change" value="yes"' in page
    assert 'name="name" value="Peer review 2024/25"' in page  # what was typed is carried to the confirmation
    with scope_of(partnership_a):
        assert not Cycle.objects.exists()

    # "No, change the dates": back to the form, as typed, without an error and without a cycle.
    page = client.post("/cycles/new/", {**FORM, "change": "yes"}).content.decode()
    assert 'value="Peer review 2024/25"' in page and "<title>Error" not in page
    with scope_of(partnership_a):
        assert not Cycle.objects.exists()

    response = client.post("/cycles/new/", {**FORM, "confirm_past": "yes"})
    with scope_of(partnership_a):
        cycle = Cycle.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cycles/{cycle.pk}/"


def test_a_current_cycle_opens_without_the_extra_step(partnership_a, client_at, scope_of):
    client = client_at(partnership_a, member(partnership_a, Role.COORDINATOR))
    form = {**FORM, "name": "Peer review 2026/27", "academic_year_start": "2026"}
    response = client.post(
        "/cycles/new/",
        {
            **form,
            **date_fields("visit_window_starts_on", datetime.date(2026, 10, 1)),
            **date_fields("visit_window_ends_on", datetime.date(2027, 6, 30)),
        },
    )
    assert response.status_code == 302
    with scope_of(partnership_a):
        assert Cycle.objects.filter(name="Peer review 2026/27").exists()


def test_a_cycle_with_nothing_done_yet_is_deleted_after_confirming(partnership_a, client_at, scope_of):
    world = county(partnership_a, schools=6)
    client = client_at(partnership_a, world.coordinator)
    url = f"/cycles/{world.cycle.pk}/delete/"
    assert f'href="{url}"' in client.get(f"/cycles/{world.cycle.pk}/").content.decode()
    page = client.get(url).content.decode()
    assert f"Are you sure you want to delete {world.cycle.name}?" in page
    assert "the enrolment of 6 schools" in page and "This cannot be undone." in page
    with scope_of(partnership_a):
        assert Cycle.objects.filter(pk=world.cycle.pk).exists()  # showing the question changes nothing
    response = client.post(url, follow=True)
    assert f"{world.cycle.name} is deleted." in response.content.decode()
    with scope_of(partnership_a):
        assert not Cycle.objects.filter(pk=world.cycle.pk).exists()
        assert not Enrolment.objects.exists()
        event = AuditEvent.objects.get(subject=f"Review cycle {world.cycle.name} deleted")
    assert event.actor == world.coordinator and event.detail["schools_enrolled"] == 6


def test_a_cycle_with_reviews_cannot_be_deleted_and_is_archived_instead(partnership_a, client_at, scope_of):
    scenario = review_scenario(partnership_a, status="final")
    cycle = scenario.review.cycle
    client = client_at(partnership_a, scenario.coordinator)
    overview = client.get(f"/cycles/{cycle.pk}/").content.decode()
    assert f"/cycles/{cycle.pk}/delete/" not in overview and "Archive this cycle" in overview
    page = client.get(f"/cycles/{cycle.pk}/delete/").content.decode()
    assert "cannot be deleted" in page and "has 1 review, so it cannot be deleted" in page
    response = client.post(f"/cycles/{cycle.pk}/delete/")
    assert response.status_code == 200  # the same explanation, nothing deleted
    with scope_of(partnership_a):
        assert Cycle.objects.filter(pk=cycle.pk).exists() and Review.objects.filter(cycle=cycle).exists()

    page = client.get(f"/cycles/{cycle.pk}/archive/").content.decode()
    assert f"Are you sure you want to archive {cycle.name}?" in page
    response = client.post(f"/cycles/{cycle.pk}/archive/", {"archived": "1"}, follow=True)
    assert f"{cycle.name} is archived" in response.content.decode()
    with scope_of(partnership_a):
        cycle.refresh_from_db()
        assert cycle.archived_at is not None
        assert AuditEvent.objects.filter(subject=f"Review cycle {cycle.name} archived").exists()

    listing = client.get("/cycles/").content.decode()
    current = listing.split("Archived cycles")[0]
    assert cycle.name not in current and "Archived cycles (1)" in listing
    # Still readable: the overview, its reviews and the review itself.
    assert client.get(f"/cycles/{cycle.pk}/").status_code == 200
    assert client.get(f"/reviews/{scenario.review.pk}/").status_code == 200
    assert client.get(f"/reviews/?cycle={cycle.pk}").status_code == 200

    # Archiving twice says so; bringing it back returns it to the current list.
    response = client.post(f"/cycles/{cycle.pk}/archive/", {"archived": "1"}, follow=True)
    assert "was already archived" in response.content.decode()
    client.post(f"/cycles/{cycle.pk}/archive/", {"archived": "0"})
    with scope_of(partnership_a):
        cycle.refresh_from_db()
        assert cycle.archived_at is None


def test_an_archived_cycle_is_no_longer_the_current_one(partnership_a, scope_of):
    from reviews.selectors.reviews import current_cycle
    from reviews.services.cycles import cycle_set_archived

    with scope_of(partnership_a):
        older = CycleFactory(partnership=partnership_a, academic_year_start=2025, name="Older")
        newer = CycleFactory(partnership=partnership_a, academic_year_start=2026, name="Newer")
        assert current_cycle() == newer
        cycle_set_archived(cycle=newer, archived=True, actor=None)
        assert current_cycle() == older


@pytest.mark.parametrize("role", [r for r in Role if r != Role.COORDINATOR])
def test_only_coordinators_delete_or_archive(partnership_a, client_at, scope_of, role):
    world = county(partnership_a, schools=3)
    client = client_at(partnership_a, member(partnership_a, role))
    for url in (f"/cycles/{world.cycle.pk}/delete/", f"/cycles/{world.cycle.pk}/archive/"):
        assert client.get(url).status_code == 404
        assert client.post(url, {"archived": "1"}).status_code == 404
    with scope_of(partnership_a):
        cycle = Cycle.objects.get(pk=world.cycle.pk)
    assert cycle.archived_at is None


def test_another_partnerships_coordinator_gets_a_404(partnership_a, partnership_b, client_at, scope_of):
    world = county(partnership_a, schools=3)
    client = client_at(partnership_b, member(partnership_b, Role.COORDINATOR))
    for url in (f"/cycles/{world.cycle.pk}/delete/", f"/cycles/{world.cycle.pk}/archive/"):
        assert client.get(url).status_code == 404
        assert client.post(url, {"archived": "1"}).status_code == 404
    with scope_of(partnership_a):
        assert Cycle.objects.filter(pk=world.cycle.pk, archived_at__isnull=True).exists()
