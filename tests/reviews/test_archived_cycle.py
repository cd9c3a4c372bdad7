"""Issue 12: an archived cycle is read-only. Every service that would change it (settings, focus areas, enrolment,
groups, review teams) or one of its reviews (dates, self-review, programme, evidence, findings, steps) refuses with
a message and changes nothing; its pages offer no control that changes anything; bringing it back from the archive
makes it changeable again. Role x action on the write endpoints; another partnership's coordinator gets a 404."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from partnership.tenancy.roles import Role
from reviews.models import (
    Activity,
    ClosureDay,
    Cycle,
    Enrolment,
    EvidenceNote,
    Finding,
    FocusArea,
    GroupingRun,
    Review,
    ReviewerTraining,
    ReviewGroup,
    ReviewGroupMember,
    ReviewTeamMember,
    SelfReview,
    Term,
    VisitDay,
    VisitProposal,
)
from reviews.services import cycles as cycle_services
from reviews.services import evidence, scheduling, self_review, visits, workflow
from reviews.services import groups as group_services
from reviews.services.cycles import CycleSettings
from tests.factories import SchoolFactory, member
from tests.reviews.factories import review_scenario
from tests.reviews.factories_cycles import county
from tests.reviews.factories_scheduling import date_fields

pytestmark = pytest.mark.django_db
D = datetime.date
ARCHIVED = "is archived, so nothing in it can change"
TABLES = (
    Cycle,
    FocusArea,
    Enrolment,
    ReviewGroup,
    ReviewGroupMember,
    GroupingRun,
    Review,
    ReviewTeamMember,
    VisitProposal,
    VisitDay,
    SelfReview,
    Activity,
    EvidenceNote,
    Finding,
    Term,
    ClosureDay,
    ReviewerTraining,
)


def snapshot() -> dict:
    """Every row of the tables an archived cycle's pages could touch, as plain values."""
    return {model.__name__: sorted(map(repr, model.objects.order_by("pk").values())) for model in TABLES}


def archive(cycle: Cycle) -> None:
    cycle_services.cycle_set_archived(cycle=cycle, archived=True, actor=None)
    cycle.refresh_from_db()


# The services ---------------------------------------------------------------------------------------------------


def cycle_writes(world, review_world):
    """(name, call) for every service that writes to a cycle: each must refuse on an archived cycle."""
    cycle, schools = world.cycle, world.schools
    group = ReviewGroup.objects.filter(cycle=cycle).first()
    area = FocusArea.objects.filter(cycle=cycle).order_by("position").first()
    enrolment = Enrolment.objects.filter(cycle=cycle).first()
    review = review_world.review
    seat = ReviewTeamMember.objects.filter(review=review, is_lead=False).first()
    return [
        ("cycle_update", lambda: cycle_services.cycle_update(cycle=cycle, values=CycleSettings.of(cycle))),
        ("focus_area_add", lambda: cycle_services.focus_area_add(cycle=cycle, name="Reading")),
        ("focus_area_update", lambda: cycle_services.focus_area_update(area=area, name="Belonging")),
        ("focus_area_move", lambda: cycle_services.focus_area_move(area=area, up=False)),
        ("focus_area_remove", lambda: cycle_services.focus_area_remove(area=area)),
        ("enrolment_add", lambda: cycle_services.enrolment_add(cycle=cycle, schools=[world.extra], actor=None)),
        ("enrolment_add_by", lambda: cycle_services.enrolment_add_by(cycle=cycle, actor=None, area=world.areas[0])),
        ("enrolment_remove", lambda: cycle_services.enrolment_remove(enrolment=enrolment)),
        ("group_create", lambda: group_services.group_create(cycle=cycle, schools=[schools[4]])),
        ("group_add_school", lambda: group_services.group_add_school(group=group, school=schools[4])),
        ("group_remove_school", lambda: group_services.group_remove_school(group=group, school=schools[0])),
        ("group_move_school", lambda: group_services.group_move_school(group=group, school=schools[0], up=False)),
        ("group_set_locked", lambda: group_services.group_set_locked(group=group, locked=True)),
        ("group_delete", lambda: group_services.group_delete(group=group)),
        ("grouping_run_start", lambda: group_services.grouping_run_start(cycle=cycle, actor=None)),
        ("grouping_run_now", lambda: group_services.grouping_run_now(cycle=cycle, actor=None)),
        ("groups_publish", lambda: group_services.groups_publish(cycle=cycle, actor=None)),
        ("review_team_make_lead", lambda: group_services.review_team_make_lead(seat=seat, actor=None)),
        ("review_team_remove", lambda: group_services.review_team_remove(seat=seat, actor=None)),
    ]


@pytest.fixture
def both(partnership_a, scope_of):
    """A cycle being set up (enrolled, one group of two) and a cycle with a review; both archived."""
    world = county(partnership_a, schools=6)
    scenario = review_scenario(partnership_a, status="scheduled")
    with scope_of(partnership_a):
        world.extra = SchoolFactory(partnership=partnership_a, name="Late Joiner Primary", area=world.areas[0])
        group_services.group_create(cycle=world.cycle, schools=world.schools[:2])
        archive(world.cycle)
        archive(scenario.review.cycle)
    return world, scenario


def test_every_cycle_service_refuses_on_an_archived_cycle_and_changes_nothing(partnership_a, scope_of, both):
    world, scenario = both
    with scope_of(partnership_a):
        before = snapshot()
        for name, call in cycle_writes(world, scenario):
            with pytest.raises(ValidationError) as refused:
                call()
            assert any(ARCHIVED in message for message in refused.value.messages), name
            assert snapshot() == before, name


def test_every_review_service_refuses_on_an_archived_cycle_and_changes_nothing(partnership_a, scope_of, both):
    _, s = both
    review = s.review
    day = review.cycle.visit_window_starts_on + datetime.timedelta(days=30)
    with scope_of(partnership_a):
        area = FocusArea.objects.filter(cycle=review.cycle).first()
        calls = [
            ("visit_dates_propose", lambda: scheduling.visit_dates_propose(review=review, actor=s.head, days=[day])),
            ("review_mark_visited", lambda: workflow.review_mark_visited(review=review, actor=s.lead_reviewer)),
            ("review_start_draft", lambda: workflow.review_start_draft(review=review, actor=s.lead_reviewer)),
            ("review_finalise", lambda: workflow.review_finalise(review=review, actor=s.coordinator)),
            ("review_share", lambda: workflow.review_share_with_governors(review=review, actor=s.head)),
            (
                "self_review_save",
                lambda: self_review.self_review_save(
                    review=review,
                    actor=s.head,
                    version=0,
                    focus_area_ids=[area.pk],
                    lines_of_enquiry=["Reading"],
                    self_evaluation_summary="Strong reading.",
                    improvement_plan_summary="Writing.",
                ),
            ),
            (
                "evidence_note_create",
                lambda: evidence.evidence_note_create(
                    review=review,
                    actor=s.lead_reviewer,
                    text="Pupils read widely.",
                    activity_id=None,
                    focus_area_ids=[area.pk],
                ),
            ),
            (
                "activity_create",
                lambda: visits.activity_create(
                    review=review,
                    actor=s.lead_reviewer,
                    participant_ids=[],
                    kind="learning_walk",
                    title="Learning walk",
                    date=day,
                    starts_at=None,
                    ends_at=None,
                    others_taking_part="",
                    location="",
                ),
            ),
        ]
        before = snapshot()
        for name, call in calls:
            with pytest.raises(ValidationError) as refused:
                call()
            assert any(ARCHIVED in message for message in refused.value.messages), name
            assert snapshot() == before, name


def test_a_proposal_worked_out_while_the_cycle_was_archived_is_not_applied(partnership_a, scope_of):
    world = county(partnership_a, schools=6)
    with scope_of(partnership_a):
        run = GroupingRun.objects.create(partnership=partnership_a, cycle=world.cycle)
        archive(world.cycle)
        run = group_services.grouping_run_execute(run_id=run.pk)
        assert run.status == GroupingRun.Status.FAILED and ARCHIVED in run.reasons[0]
        assert not ReviewGroup.objects.filter(cycle=world.cycle).exists()


def test_bringing_a_cycle_back_from_the_archive_makes_it_changeable_again(partnership_a, client_at, scope_of):
    world = county(partnership_a, schools=6)
    client = client_at(partnership_a, world.coordinator)
    with scope_of(partnership_a):
        archive(world.cycle)
    response = client.post(f"/cycles/{world.cycle.pk}/focus-areas/", {"name": "Reading"}, follow=True)
    assert ARCHIVED in response.content.decode()
    client.post(f"/cycles/{world.cycle.pk}/archive/", {"archived": "0"})
    response = client.post(f"/cycles/{world.cycle.pk}/focus-areas/", {"name": "Reading"}, follow=True)
    assert "Added the focus area Reading." in response.content.decode()
    with scope_of(partnership_a):
        assert FocusArea.objects.filter(cycle=world.cycle, name="Reading").exists()


# The coordinator's pages -----------------------------------------------------------------------------------------


def coordinator_posts(world, scenario) -> list[tuple[str, dict]]:
    c = world.cycle.pk
    group = ReviewGroup.objects.filter(cycle=world.cycle).first()
    area = FocusArea.objects.filter(cycle=world.cycle).first()
    enrolment = Enrolment.objects.filter(cycle=world.cycle).first()
    term = Term.objects.get()
    closure = ClosureDay.objects.get()
    record = ReviewerTraining.objects.first()
    school = world.schools[0].pk
    r = scenario.review
    rc = r.cycle.pk
    seat = ReviewTeamMember.objects.filter(review=r, is_lead=False).first()
    day = {**date_fields("starts_on", D(2027, 1, 4)), **date_fields("ends_on", D(2027, 3, 26))}
    return [
        (f"/cycles/{c}/edit/", {"name": "Renamed"}),
        (f"/cycles/{c}/focus-areas/", {"name": "Reading"}),
        (f"/cycles/{c}/focus-areas/{area.pk}/", {"name": "Belonging"}),
        (f"/cycles/{c}/focus-areas/{area.pk}/move/", {"direction": "down"}),
        (f"/cycles/{c}/focus-areas/{area.pk}/remove/", {}),
        (f"/cycles/{c}/calendar/terms/new/", {"name": "Spring 2027", **day}),
        (f"/cycles/{c}/calendar/terms/{term.pk}/", {"name": "Autumn", **day}),
        (f"/cycles/{c}/calendar/terms/{term.pk}/delete/", {}),
        (f"/cycles/{c}/calendar/closures/new/", {**date_fields("date", D(2027, 2, 1)), "reason": "INSET"}),
        (f"/cycles/{c}/calendar/closures/{closure.pk}/", {**date_fields("date", D(2027, 2, 2)), "reason": "X"}),
        (f"/cycles/{c}/calendar/closures/{closure.pk}/delete/", {}),
        (f"/cycles/{c}/enrolment/", {"action": "school", "school": world.extra.pk}),
        (f"/cycles/{c}/enrolment/{enrolment.pk}/remove/", {}),
        (f"/cycles/{c}/training/", {"user": world.coordinator.pk, **date_fields("trained_on", D(2026, 7, 1))}),
        (f"/cycles/{c}/training/{record.pk}/remove/", {}),
        (f"/cycles/{c}/groups/propose/", {}),
        (f"/cycles/{c}/groups/new/", {"schools": [world.schools[4].pk]}),
        (f"/cycles/{c}/groups/{group.pk}/", {"school": world.schools[4].pk}),
        (f"/cycles/{c}/groups/{group.pk}/lock/", {"locked": "1"}),
        (f"/cycles/{c}/groups/{group.pk}/delete/", {}),
        (f"/cycles/{c}/groups/{group.pk}/schools/{school}/remove/", {}),
        (f"/cycles/{c}/groups/{group.pk}/schools/{school}/move/", {"direction": "down"}),
        (f"/cycles/{c}/publish/", {}),
        (f"/cycles/{rc}/reviews/{r.pk}/team/", {"user": scenario.other_head.pk, "is_lead": ""}),
        (f"/cycles/{rc}/reviews/{r.pk}/team/{seat.pk}/remove/", {}),
        (f"/cycles/{rc}/reviews/{r.pk}/team/{seat.pk}/lead/", {}),
    ]


@pytest.fixture
def calendar_rows(partnership_a, scope_of):
    with scope_of(partnership_a):
        Term.objects.create(
            partnership=partnership_a, name="Autumn 2026", starts_on=D(2026, 9, 2), ends_on=D(2026, 12, 18)
        )
        ClosureDay.objects.create(partnership=partnership_a, date=D(2026, 11, 2), reason="INSET day")


def test_each_write_on_an_archived_cycles_pages_is_refused_with_a_message(
    partnership_a, client_at, scope_of, both, calendar_rows
):
    world, scenario = both
    client = client_at(partnership_a, world.coordinator)
    with scope_of(partnership_a):
        ReviewerTraining.objects.create(
            partnership=partnership_a, user=world.coordinator, trained_on=D(2026, 6, 1), provider="P"
        )
        posts = coordinator_posts(world, scenario)
        before = snapshot()
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code == 302, url
        cycle_pk = int(url.split("/")[2])
        assert response["Location"] == f"/cycles/{cycle_pk}/", url
        page = client.get(response["Location"]).content.decode()
        assert ARCHIVED in page, url
        with scope_of(partnership_a):
            assert snapshot() == before, url
    # The pages that are only a form go back to the overview too, with the same message.
    c = world.cycle.pk
    for url in (f"/cycles/{c}/edit/", f"/cycles/{c}/calendar/terms/new/", f"/cycles/{c}/groups/new/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == f"/cycles/{c}/", url


@pytest.mark.parametrize("role", [r for r in Role if r != Role.COORDINATOR])
def test_other_roles_get_a_404_on_an_archived_cycles_write_endpoints(
    partnership_a, client_at, scope_of, both, calendar_rows, role
):
    world, scenario = both
    client = client_at(partnership_a, member(partnership_a, role))
    with scope_of(partnership_a):
        ReviewerTraining.objects.create(
            partnership=partnership_a, user=world.coordinator, trained_on=D(2026, 6, 1), provider="P"
        )
        posts = coordinator_posts(world, scenario)
        before = snapshot()
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    with scope_of(partnership_a):
        assert snapshot() == before


def test_another_partnerships_coordinator_gets_a_404_on_an_archived_cycle(
    partnership_a, partnership_b, client_at, scope_of, both, calendar_rows
):
    world, scenario = both
    client = client_at(partnership_b, member(partnership_b, Role.COORDINATOR))
    with scope_of(partnership_a):
        ReviewerTraining.objects.create(
            partnership=partnership_a, user=world.coordinator, trained_on=D(2026, 6, 1), provider="P"
        )
        posts = coordinator_posts(world, scenario)
        before = snapshot()
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    assert client.get(f"/reviews/{scenario.review.pk}/visit-dates/").status_code == 404
    assert client.post(f"/reviews/{scenario.review.pk}/mark-visited/").status_code == 404
    with scope_of(partnership_a):
        assert snapshot() == before


def main(page: str) -> str:
    """The page's own content (the header has the sign-out form)."""
    return page.split('id="main-content"', 1)[1]


def test_an_archived_cycles_pages_offer_no_control_that_changes_it(partnership_a, client_at, scope_of, both):
    world, scenario = both
    client = client_at(partnership_a, world.coordinator)
    c = world.cycle.pk
    overview = client.get(f"/cycles/{c}/").content.decode()
    assert "This cycle is archived" in overview and "Bring this cycle back from the archive" in overview
    assert f'href="/cycles/{c}/edit/"' not in overview  # neither the Settings tab nor "Change the settings"
    for url in (
        f"/cycles/{c}/focus-areas/",
        f"/cycles/{c}/calendar/",
        f"/cycles/{c}/enrolment/",
        f"/cycles/{c}/training/",
        f"/cycles/{c}/groups/",
        f"/cycles/{c}/publish/",
    ):
        response = client.get(url)
        page = response.content.decode()
        assert response.status_code == 200, url
        assert "This cycle is archived" in page, url
        assert 'method="post"' not in main(page), url  # no form that would change it
        for changing in ("/new/", "/edit/", "Change<"):
            assert changing not in main(page), (url, changing)
    with scope_of(partnership_a):
        group = ReviewGroup.objects.filter(cycle=world.cycle).first()
    r = scenario.review
    for url in (f"/cycles/{c}/groups/{group.pk}/", f"/cycles/{r.cycle.pk}/reviews/{r.pk}/team/"):
        assert 'method="post"' not in main(client.get(url).content.decode()), url
    # The review itself: readable, says so, and offers nothing that changes it.
    for person in (scenario.coordinator, scenario.head, scenario.lead_reviewer):
        page = client_at(partnership_a, person).get(f"/reviews/{r.pk}/").content.decode()
        assert f"{r.cycle.name} is archived" in page
        for action in ("/visit-dates/", "/mark-visited/", "/programme/add/", "/evidence/add/", "/self-review/share/"):
            assert f"/reviews/{r.pk}{action}" not in page, (person, action)


# A review of an archived cycle -------------------------------------------------------------------------------------

REVIEW_WRITES = [
    ("visit-dates/", "head", {"note": ""}),
    ("mark-visited/", "lead_reviewer", {}),
    ("mark-visited/", "coordinator", {}),
    ("programme/add/", "head", {"title": "Learning walk"}),
    ("evidence/add/", "lead_reviewer", {"text": "Pupils read widely."}),
    ("self-review/", "head", {"version": "0"}),
    ("self-review/share/", "senior_leader", {}),
    ("documents/add/", "head", {}),
]


@pytest.mark.parametrize(("path", "who", "data"), REVIEW_WRITES, ids=[f"{p}{w}" for p, w, _ in REVIEW_WRITES])
def test_someone_who_could_act_is_told_the_review_is_archived_and_nothing_changes(
    partnership_a, client_at, scope_of, both, path, who, data
):
    _, scenario = both
    r = scenario.review
    client = client_at(partnership_a, getattr(scenario, who))
    with scope_of(partnership_a):
        before = snapshot()
    response = client.post(f"/reviews/{r.pk}/{path}", data)
    assert response.status_code == 302 and response["Location"] == f"/reviews/{r.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert f"{r.cycle.name} {ARCHIVED}" in page
    with scope_of(partnership_a):
        assert snapshot() == before


@pytest.mark.parametrize("who", ["governor", "staff", "board_member", "other_head", "other_governor"])
def test_someone_who_may_not_see_the_review_still_gets_a_404(partnership_a, client_at, scope_of, both, who):
    _, scenario = both
    client = client_at(partnership_a, getattr(scenario, who))
    for path, _, data in REVIEW_WRITES:
        assert client.post(f"/reviews/{scenario.review.pk}/{path}", data).status_code == 404, path


def test_the_step_pages_of_a_review_in_an_archived_cycle_say_so(partnership_a, client_at, scope_of):
    scenario = review_scenario(partnership_a, status="factual_accuracy")
    with scope_of(partnership_a):
        archive(scenario.review.cycle)
        before = snapshot()
    r = scenario.review
    for path, who in (("finalise/", scenario.coordinator), ("factual-accuracy/", scenario.head)):
        response = client_at(partnership_a, who).post(f"/reviews/{r.pk}/{path}", {})
        assert response.status_code == 302 and response["Location"] == f"/reviews/{r.pk}/", path
    with scope_of(partnership_a):
        assert snapshot() == before
        assert Review.objects.get(pk=r.pk).status == "factual_accuracy"
