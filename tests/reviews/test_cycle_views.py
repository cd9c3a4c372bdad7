"""The cycle set-up pages: coordinators only (everyone else gets a 404), each page renders, forms keep what was
typed and show the service's message."""

import datetime

import pytest
from django.utils import timezone

from partnership.tenancy.roles import Role
from reviews.models import ClosureDay, Cycle, Enrolment, GroupingRun, ReviewerTraining, Term
from tests.factories import PartnershipFactory, SchoolFactory, member
from tests.reviews.factories import ReviewGroupFactory, add_to_group, review_scenario
from tests.reviews.factories_cycles import county
from tests.reviews.factories_scheduling import date_fields

pytestmark = pytest.mark.django_db
D = datetime.date
NOT_COORDINATORS = [role for role in Role if role != Role.COORDINATOR]


@pytest.fixture
def world(partnership_a, scope_of):
    """A cycle being set up (enrolled, one group, a run) and a published one (a review with a team)."""
    setup = county(partnership_a, schools=6)
    with scope_of(partnership_a):
        group = ReviewGroupFactory(cycle=setup.cycle, partnership=partnership_a, number=1)
        add_to_group(group, setup.schools[0])
        run = GroupingRun.objects.create(
            partnership=partnership_a, cycle=setup.cycle, status=GroupingRun.Status.INFEASIBLE, reasons=["No."]
        )
        term = Term.objects.create(
            partnership=partnership_a, name="Autumn", starts_on=D(2026, 9, 3), ends_on=D(2026, 12, 18)
        )
        closure = ClosureDay.objects.create(partnership=partnership_a, date=D(2026, 11, 2))
        training = ReviewerTraining.objects.filter(user=setup.heads[setup.schools[0].pk]).get()
        enrolment = Enrolment.objects.get(school=setup.schools[1])
        scenario = review_scenario(partnership_a)
        published = scenario.review.cycle
        Cycle.objects.filter(pk=published.pk).update(groups_published_at=timezone.now())
        seat = scenario.review.team.get(is_lead=True)
        area = setup.cycle.focus_areas.first()
    c, p = setup.cycle.pk, published.pk
    gets = [
        "/cycles/",
        "/cycles/new/",
        f"/cycles/{c}/",
        f"/cycles/{c}/edit/",
        f"/cycles/{c}/focus-areas/",
        f"/cycles/{c}/focus-areas/{area.pk}/",
        f"/cycles/{c}/calendar/",
        f"/cycles/{c}/calendar/terms/new/",
        f"/cycles/{c}/calendar/terms/{term.pk}/",
        f"/cycles/{c}/calendar/closures/new/",
        f"/cycles/{c}/calendar/closures/{closure.pk}/",
        f"/cycles/{c}/enrolment/",
        f"/cycles/{c}/training/",
        f"/cycles/{c}/groups/",
        f"/cycles/{c}/groups/proposals/{run.pk}/",
        f"/cycles/{c}/groups/new/",
        f"/cycles/{c}/groups/{group.pk}/",
        f"/cycles/{c}/publish/",
        f"/cycles/{p}/publish/",
        f"/cycles/{p}/reviews/",
        f"/cycles/{p}/reviews/{scenario.review.pk}/team/",
        f"/cycles/{c}/delete/",
        f"/cycles/{p}/delete/",
        f"/cycles/{c}/archive/",
        f"/cycles/{p}/archive/",
    ]
    posts = [
        f"/cycles/{c}/focus-areas/{area.pk}/move/",
        f"/cycles/{c}/focus-areas/{area.pk}/remove/",
        f"/cycles/{c}/calendar/terms/{term.pk}/delete/",
        f"/cycles/{c}/calendar/closures/{closure.pk}/delete/",
        f"/cycles/{c}/enrolment/{enrolment.pk}/remove/",
        f"/cycles/{c}/training/{training.pk}/remove/",
        f"/cycles/{c}/groups/propose/",
        f"/cycles/{c}/groups/{group.pk}/lock/",
        f"/cycles/{c}/groups/{group.pk}/delete/",
        f"/cycles/{c}/groups/{group.pk}/schools/{setup.schools[0].pk}/remove/",
        f"/cycles/{c}/groups/{group.pk}/schools/{setup.schools[0].pk}/move/",
        f"/cycles/{p}/reviews/{scenario.review.pk}/team/{seat.pk}/remove/",
        f"/cycles/{p}/reviews/{scenario.review.pk}/team/{seat.pk}/lead/",
    ]
    return {"setup": setup, "scenario": scenario, "gets": gets, "posts": posts, "form_posts": gets[1:]}


def test_a_coordinator_opens_every_page(partnership_a, client_at, world):
    client = client_at(partnership_a, world["setup"].coordinator)
    for url in world["gets"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"<h1" in response.content, url


@pytest.mark.parametrize("role", NOT_COORDINATORS)
def test_everyone_else_gets_a_404_for_every_page_and_action(partnership_a, client_at, world, role):
    user = member(partnership_a, role)
    client = client_at(partnership_a, user)
    enrolments = Enrolment.objects.with_scope(partnership=partnership_a.pk)
    before = enrolments.count()
    for url in world["gets"]:
        assert client.get(url).status_code == 404, (role, url)
    for url in world["posts"] + world["form_posts"]:
        assert client.post(url, {"name": "x", "locked": "1"}).status_code == 404, (role, url)
    assert enrolments.count() == before


def test_the_reviews_own_people_get_a_404_too(partnership_a, client_at, world):
    s = world["scenario"]
    for person in (s.head, s.lead_reviewer, s.reviewer, s.board_member, s.governor):
        client = client_at(partnership_a, person)
        for url in world["gets"]:
            assert client.get(url).status_code == 404, url


def test_signed_out_people_are_sent_to_sign_in(partnership_a, client_at, world):
    response = client_at(partnership_a).get(world["gets"][2])
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_coordinator_of_another_partnership_gets_a_404(partnership_a, client_at, world):
    elsewhere = PartnershipFactory(slug="elsewhere")
    outsider = member(elsewhere, Role.COORDINATOR)
    for url in world["gets"][2:]:
        assert client_at(partnership_a, outsider).get(url).status_code == 404, url
        assert client_at(elsewhere, outsider).get(url).status_code == 404, url


def test_the_cycles_menu_item_is_for_coordinators(partnership_a, client_at, world):
    assert b'href="/cycles/"' in client_at(partnership_a, world["setup"].coordinator).get("/").content
    head = world["scenario"].head
    assert b'href="/cycles/"' not in client_at(partnership_a, head).get("/").content


def test_the_coordinators_home_page_shows_the_cycle_and_what_needs_doing(partnership_a, client_at, scope_of):
    coordinator = member(partnership_a, Role.COORDINATOR)
    page = client_at(partnership_a, coordinator).get("/").content.decode()
    assert "No peer review cycle is open yet." in page
    world = county(partnership_a, schools=6, trained=False)
    with scope_of(partnership_a):
        add_to_group(ReviewGroupFactory(cycle=world.cycle, partnership=partnership_a), world.schools[0])
    page = client_at(partnership_a, coordinator).get("/").content.decode()
    assert 'id="cycle-home-heading">Peer review 2026/27</h2>' in page
    assert "5 enrolled schools are not in a review group." in page
    assert "6 headteachers of enrolled schools have no reviewer training recorded before the visit window." in page


# Forms keep what was typed and show the service's messages ----------------------------------------------------


def test_creating_a_cycle_from_the_form(partnership_a, client_at, scope_of):
    coordinator = member(partnership_a, Role.COORDINATOR)
    client = client_at(partnership_a, coordinator)
    form = {
        "name": "Peer review 2026/27",
        "academic_year_start": "2026",
        "focus_areas_from": "ofsted",
        "grading_scale": "peer_review",
        "custom_grades": "",
        **date_fields("visit_window_starts_on", D(2026, 10, 1)),
        **date_fields("visit_window_ends_on", D(2027, 6, 30)),
        "self_review_due_days_before_visit": "14",
        "report_due_working_days": "18",
        "factual_accuracy_working_days": "5",
        "impact_visit_months": "6",
        "group_size": "3",
        "separate_trusts": "on",
    }
    response = client.post("/cycles/new/", {**form, **date_fields("visit_window_ends_on", D(2027, 9, 30))})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page
    assert "The visit window must be inside the 2026/27 academic year" in page
    assert 'value="Peer review 2026/27"' in page
    with scope_of(partnership_a):
        assert not Cycle.objects.exists()
    response = client.post("/cycles/new/", form)
    with scope_of(partnership_a):
        cycle = Cycle.objects.get()
        assert cycle.grading_scale == "peer_review" and cycle.focus_areas.count() == 8
    assert response.status_code == 302 and response["Location"] == f"/cycles/{cycle.pk}/"


def test_a_missing_field_gets_its_own_message(partnership_a, client_at):
    client = client_at(partnership_a, member(partnership_a, Role.COORDINATOR))
    page = client.post("/cycles/new/", {"name": ""}).content.decode()
    for message in (
        "Enter a name for the cycle",
        "Enter the year the academic year starts",
        "Enter the first day visits can take place.",
        "Choose how many schools make a review group.",
    ):
        assert message in page


def test_enrolling_an_area_from_the_page(partnership_a, client_at, scope_of):
    world = county(partnership_a, schools=6, enrolled=False)
    client = client_at(partnership_a, world.coordinator)
    url = f"/cycles/{world.cycle.pk}/enrolment/"
    response = client.post(url, {"action": "area", "area": ""})
    assert "Choose an area to enrol." in response.content.decode()
    response = client.post(url, {"action": "area", "area": world.areas[0].pk}, follow=True)
    assert "Enrolled 2 schools in the area Area West." in response.content.decode()
    with scope_of(partnership_a):
        closed = SchoolFactory(partnership=partnership_a, name="Old Mill Primary", status="closed")
    response = client.post(url, {"action": "school", "school": closed.pk})
    assert "Old Mill Primary is closed and cannot be enrolled." in response.content.decode()


def test_recording_training_from_the_page(partnership_a, client_at, scope_of):
    world = county(partnership_a, schools=3, trained=False)
    client = client_at(partnership_a, world.coordinator)
    url = f"/cycles/{world.cycle.pk}/training/"
    head = world.heads[world.schools[0].pk]
    page = client.get(url).content.decode()
    assert "These 3 have no training recorded" in page
    response = client.post(url, {"user": head.pk, **date_fields("trained_on", D(2026, 7, 1)), "provider": ""})
    assert "Enter who provided the training." in response.content.decode()
    response = client.post(
        url, {"user": head.pk, **date_fields("trained_on", D(2026, 7, 1)), "provider": "Partnership"}, follow=True
    )
    assert "reviewer training on Wednesday 1 July 2026" in response.content.decode()
    assert "These 2 have no training recorded" in response.content.decode()


def test_a_team_change_refused_keeps_the_form(partnership_a, client_at, scope_of):
    s = review_scenario(partnership_a)
    with scope_of(partnership_a):
        Cycle.objects.filter(pk=s.review.cycle_id).update(groups_published_at=timezone.now())
        newcomer = member(partnership_a, Role.SENIOR_LEADER, school=s.reviewing_school)
    url = f"/cycles/{s.review.cycle_id}/reviews/{s.review.pk}/team/"
    client = client_at(partnership_a, s.coordinator)
    page = client.post(url, {"user": newcomer.pk, "override_reason": ""}).content.decode()
    assert "has no reviewer training recorded on or before" in page
    response = client.post(url, {"user": newcomer.pk, "override_reason": "Trained elsewhere in June"}, follow=True)
    assert "is on the review team" in response.content.decode()
    with scope_of(partnership_a):
        seat = s.review.team.get(user=newcomer)
        assert seat.training_override_reason == "Trained elsewhere in June"


def test_proposing_groups_from_the_page_shows_the_progress_page(partnership_a, client_at, scope_of):
    world = county(partnership_a, schools=6)
    client = client_at(partnership_a, world.coordinator)
    response = client.post(f"/cycles/{world.cycle.pk}/groups/propose/")
    with scope_of(partnership_a):
        run = GroupingRun.objects.get()
    assert response["Location"] == f"/cycles/{world.cycle.pk}/groups/proposals/{run.pk}/"
    assert client.get(response["Location"], {"format": "json"}).json() == {
        "status": "done",
        "label": "Groups proposed",
        "finished": True,
    }
    page = client.get(response["Location"]).content.decode()
    assert "2 groups proposed" in page and "grouping-run.js" not in page


def test_a_proposal_under_way_refreshes_itself(partnership_a, client_at, scope_of):
    world = county(partnership_a, schools=6, with_heads=False)
    with scope_of(partnership_a):
        run = GroupingRun.objects.create(partnership=partnership_a, cycle=world.cycle, status="running")
    client = client_at(partnership_a, world.coordinator)
    page = client.get(f"/cycles/{world.cycle.pk}/groups/proposals/{run.pk}/").content.decode()
    assert "grouping-run.js" in page and "Check again" in page and 'role="status"' in page
    assert (
        client.get(f"/cycles/{world.cycle.pk}/groups/proposals/{run.pk}/", {"format": "json"}).json()["finished"]
        is False
    )
    # Proposing again while it runs shows the same run rather than starting another.
    response = client.post(f"/cycles/{world.cycle.pk}/groups/propose/")
    assert response["Location"].endswith(f"/groups/proposals/{run.pk}/")


def test_impossible_rules_are_shown_on_the_groups_page(partnership_a, client_at, scope_of):
    world = county(partnership_a, schools=6, with_heads=False, trust_every=1)
    client = client_at(partnership_a, world.coordinator)
    response = client.post(f"/cycles/{world.cycle.pk}/groups/propose/", follow=True)
    page = response.content.decode()
    assert "The rules cannot all be met" in page and "Nothing was changed." in page
    page = client.get(f"/cycles/{world.cycle.pk}/groups/").content.decode()
    assert "could not be made: the rules cannot all be met" in page and "Vale Learning Trust" in page


def test_when_the_queue_is_down_the_page_says_so(partnership_a, client_at, scope_of, monkeypatch):
    from kombu.exceptions import OperationalError

    from reviews.tasks import propose_review_groups

    def refuse(*args, **kwargs):
        raise OperationalError("Connection refused")

    monkeypatch.setattr(propose_review_groups, "apply_async", refuse)
    world = county(partnership_a, schools=6, with_heads=False)
    client = client_at(partnership_a, world.coordinator)
    response = client.post(f"/cycles/{world.cycle.pk}/groups/propose/", follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == f"/cycles/{world.cycle.pk}/groups/"
    assert "task queue is not reachable" in page and "Nothing was changed" in page
    with scope_of(partnership_a):
        assert not GroupingRun.objects.exists()


def test_each_coordinator_action_works_from_its_page(partnership_a, client_at, scope_of):
    world = county(partnership_a, schools=6)
    c = world.cycle.pk
    client = client_at(partnership_a, world.coordinator)

    def post(url, data=None):
        response = client.post(url, data or {}, follow=True)
        assert response.status_code == 200, url
        return response.content.decode()

    with scope_of(partnership_a):
        areas = list(world.cycle.focus_areas.order_by("position"))
    assert "Added the focus area Reading." in post(f"/cycles/{c}/focus-areas/", {"name": "Reading"})
    post(f"/cycles/{c}/focus-areas/{areas[1].pk}/move/", {"direction": "up"})
    assert "Saved the focus area Belonging." in post(f"/cycles/{c}/focus-areas/{areas[0].pk}/", {"name": "Belonging"})
    assert "Removed the focus area" in post(f"/cycles/{c}/focus-areas/{areas[2].pk}/remove/")
    with scope_of(partnership_a):
        names = list(world.cycle.focus_areas.order_by("position").values_list("name", flat=True))
    assert names[:2] == ["Curriculum and teaching", "Belonging"] and names[-1] == "Reading" and len(names) == 6

    page = post(
        f"/cycles/{c}/calendar/terms/new/",
        {"name": "Autumn 2026", **date_fields("starts_on", D(2026, 9, 3)), **date_fields("ends_on", D(2026, 12, 18))},
    )
    assert "The term is added." in page and "Outside term time" in page
    page = post(f"/cycles/{c}/calendar/closures/new/", {**date_fields("date", D(2026, 11, 2)), "reason": "INSET day"})
    assert "The closure day is added." in page and "A closure day (INSET day)" in page
    with scope_of(partnership_a):
        term, closure = Term.objects.get(), ClosureDay.objects.get()
    assert "The term is saved." in post(
        f"/cycles/{c}/calendar/terms/{term.pk}/",
        {"name": "Autumn", **date_fields("starts_on", D(2026, 9, 2)), **date_fields("ends_on", D(2026, 12, 18))},
    )
    assert "The closure day is saved." in post(
        f"/cycles/{c}/calendar/closures/{closure.pk}/", {**date_fields("date", D(2026, 11, 3)), "reason": "Training"}
    )
    assert "Deleted the closure day" in post(f"/cycles/{c}/calendar/closures/{closure.pk}/delete/")
    assert "Deleted the term Autumn." in post(f"/cycles/{c}/calendar/terms/{term.pk}/delete/")

    with scope_of(partnership_a):
        enrolment = Enrolment.objects.get(school=world.schools[5])
        record = ReviewerTraining.objects.filter(user=world.heads[world.schools[5].pk]).get()
    assert "is no longer enrolled" in post(f"/cycles/{c}/enrolment/{enrolment.pk}/remove/")
    assert "Removed" in post(f"/cycles/{c}/training/{record.pk}/remove/")

    ids = [s.pk for s in world.schools]
    assert "Group 1 is made." in post(f"/cycles/{c}/groups/new/", {"schools": ids[:2]})
    with scope_of(partnership_a):
        group = world.cycle.groups.get()
    assert "Added School 002 Primary to Group 1." in post(f"/cycles/{c}/groups/{group.pk}/", {"school": ids[2]})
    post(f"/cycles/{c}/groups/{group.pk}/schools/{ids[2]}/move/", {"direction": "up"})
    assert "Took School 000 Primary out of Group 1." in post(f"/cycles/{c}/groups/{group.pk}/schools/{ids[0]}/remove/")
    assert "Group 1 is locked" in post(f"/cycles/{c}/groups/{group.pk}/lock/", {"locked": "1"})
    assert "Group 1 is unlocked" in post(f"/cycles/{c}/groups/{group.pk}/lock/", {"locked": "0", "back": "group_edit"})
    with scope_of(partnership_a):
        assert list(group.members.order_by("position").values_list("school_id", flat=True)) == [ids[2], ids[1]]
    assert "Group 1 is deleted" in post(f"/cycles/{c}/groups/{group.pk}/delete/")

    post(f"/cycles/{c}/groups/new/", {"schools": ids[:2]})
    post(f"/cycles/{c}/groups/new/", {"schools": ids[2:5]})
    assert "Who reviews whom" in client.get(f"/cycles/{c}/publish/").content.decode()
    page = post(f"/cycles/{c}/publish/", {"include_senior_leaders": ""})
    assert "Published 5 reviews." in page and "Reviews and their teams" in page
    with scope_of(partnership_a):
        review = world.cycle.reviews.get(school=world.schools[0])
        seat = review.team.get()
    newcomer = world.heads[world.schools[3].pk]
    page = post(f"/cycles/{c}/reviews/{review.pk}/team/", {"user": newcomer.pk, "is_lead": "on"})
    assert "is on the review team as lead reviewer" in page
    assert "is now the lead reviewer" in post(f"/cycles/{c}/reviews/{review.pk}/team/{seat.pk}/lead/")
    assert "is no longer on the review team" in post(f"/cycles/{c}/reviews/{review.pk}/team/{seat.pk}/remove/")
    with scope_of(partnership_a):
        assert list(review.team.values_list("user", "is_lead")) == [(newcomer.pk, False)]
