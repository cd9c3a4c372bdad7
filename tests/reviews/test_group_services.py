"""Review groups: by hand, proposed by the solver in a task, locked, published by rotation, and review teams."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from partnership.celery import app as celery_app
from partnership.tenancy.roles import Role
from reviews import grouping
from reviews.models import (
    Cycle,
    GroupingRun,
    Review,
    ReviewEvent,
    ReviewGroup,
    ReviewStatus,
    ReviewTeamMember,
)
from reviews.selectors import groups as selectors
from reviews.selectors.grouping import grouping_inputs, last_partners
from reviews.services import groups as services
from reviews.tasks import propose_review_groups
from tests.factories import SchoolFactory, TrustFactory, member
from tests.reviews.factories import CycleFactory, ReviewGroupFactory, add_to_group, enrol, visit_on
from tests.reviews.factories_cycles import county, train

pytestmark = pytest.mark.django_db
D = datetime.date


def members_of(cycle: Cycle) -> list[list[str]]:
    return [
        [m.school.name for m in group.members.select_related("school").order_by("position")]
        for group in ReviewGroup.objects.filter(cycle=cycle).order_by("number")
    ]


# By hand ------------------------------------------------------------------------------------------------------


def test_a_group_made_by_hand_is_costed_and_explained(partnership_a, scope_of):
    world = county(partnership_a, schools=4, with_heads=False)
    with scope_of(partnership_a):
        group = services.group_create(cycle=world.cycle, schools=world.schools[:3])
        assert group.number == 1 and not group.proposed_automatically
        assert members_of(world.cycle) == [["School 000 Primary", "School 001 Primary", "School 002 Primary"]]
        assert group.costs["total"] >= 0 and [p["key"] for p in group.costs["preferences"]] == list(
            grouping.PREFERENCES
        )
        assert any("distance" in line.lower() for line in group.explanation)
        services.group_move_school(group=group, school=world.schools[2], up=True)
        assert members_of(world.cycle)[0] == ["School 000 Primary", "School 002 Primary", "School 001 Primary"]
        services.group_remove_school(group=group, school=world.schools[0])
        assert members_of(world.cycle)[0] == ["School 002 Primary", "School 001 Primary"]
        assert list(group.members.values_list("position", flat=True)) == [0, 1]
        services.group_delete(group=group)
        assert not ReviewGroup.objects.exists()


def test_a_school_must_be_enrolled_and_in_one_group_only(partnership_a, scope_of):
    world = county(partnership_a, schools=4, with_heads=False)
    with scope_of(partnership_a):
        first = services.group_create(cycle=world.cycle, schools=[world.schools[0]])
        second = services.group_create(cycle=world.cycle, schools=[world.schools[1]])
        outsider = SchoolFactory(partnership=partnership_a, name="Outsider Primary")
        with pytest.raises(ValidationError) as error:
            services.group_add_school(group=second, school=outsider)
        assert error.value.message_dict["school"] == [
            "Outsider Primary is not enrolled in Peer review 2026/27; enrol it first."
        ]
        with pytest.raises(ValidationError) as error:
            services.group_add_school(group=second, school=world.schools[0])
        assert error.value.message_dict["school"] == [f"School 000 Primary is already in {first}."]


def test_the_database_keeps_a_school_in_one_group_too(partnership_a, scope_of):
    world = county(partnership_a, schools=2, with_heads=False)
    with scope_of(partnership_a):
        services.group_create(cycle=world.cycle, schools=[world.schools[0]])
        second = services.group_create(cycle=world.cycle)
        with pytest.raises(IntegrityError, match="review_group_member_once"), transaction.atomic():
            add_to_group(second, world.schools[0])


def test_a_group_has_at_most_five_schools(partnership_a, scope_of):
    world = county(partnership_a, schools=6, with_heads=False)
    with scope_of(partnership_a):
        group = services.group_create(cycle=world.cycle, schools=world.schools[:5])
        with pytest.raises(ValidationError) as error:
            services.group_add_school(group=group, school=world.schools[5])
    assert error.value.message_dict["school"] == ["Group 1 already has 5 schools, the most a group can have."]


def test_schools_of_one_trust_are_kept_apart_when_the_cycle_says_so(partnership_a, scope_of):
    world = county(partnership_a, schools=4, with_heads=False, trust_every=2)  # schools 0 and 2 share a trust
    with scope_of(partnership_a):
        group = services.group_create(cycle=world.cycle, schools=[world.schools[0], world.schools[1]])
        with pytest.raises(ValidationError) as error:
            services.group_add_school(group=group, school=world.schools[2])
        assert error.value.message_dict["school"] == [
            "School 002 Primary and School 000 Primary are both in Vale Learning Trust; this cycle keeps schools of "
            "one trust or federation in different groups."
        ]
        Cycle.objects.filter(pk=world.cycle.pk).update(separate_trusts=False)
        group.cycle.refresh_from_db()
        services.group_add_school(group=group, school=world.schools[2])
        assert group.members.count() == 3


def test_a_federation_counts_like_a_trust(partnership_a, scope_of):
    world = county(partnership_a, schools=2, with_heads=False)
    with scope_of(partnership_a):
        federation = TrustFactory(partnership=partnership_a, name="Riverton Federation", kind="federation")
        for school in world.schools:
            school.federation = federation
            school.save()
        group = services.group_create(cycle=world.cycle, schools=[world.schools[0]])
        with pytest.raises(ValidationError, match="both in Riverton Federation"):
            services.group_add_school(group=group, school=world.schools[1])


def test_locking_needs_schools_and_nothing_changes_once_published(partnership_a, scope_of):
    world = county(partnership_a, schools=3, with_heads=False)
    with scope_of(partnership_a):
        empty = services.group_create(cycle=world.cycle)
        with pytest.raises(ValidationError, match="Group 1 has no schools; add schools before locking it"):
            services.group_set_locked(group=empty, locked=True)
        group = services.group_create(cycle=world.cycle, schools=world.schools[:2])
        assert services.group_set_locked(group=group, locked=True).locked
        Cycle.objects.filter(pk=world.cycle.pk).update(groups_published_at=timezone.now())
        group = ReviewGroup.objects.select_related("cycle").get(pk=group.pk)
        for attempt in (
            lambda: services.group_create(cycle=group.cycle),
            lambda: services.group_add_school(group=group, school=world.schools[2]),
            lambda: services.group_remove_school(group=group, school=world.schools[0]),
            lambda: services.group_move_school(group=group, school=world.schools[0], up=False),
            lambda: services.group_set_locked(group=group, locked=False),
            lambda: services.group_delete(group=group),
            lambda: services.grouping_run_start(cycle=group.cycle, actor=None),
        ):
            with pytest.raises(ValidationError, match="can no longer change"):
                attempt()
        assert members_of(world.cycle)[1] == ["School 000 Primary", "School 001 Primary"]


# Proposed by the solver ---------------------------------------------------------------------------------------


def test_proposing_groups_groups_every_enrolled_school_and_keeps_why(partnership_a, scope_of):
    world = county(partnership_a, schools=10, with_heads=False, trust_every=4)
    with scope_of(partnership_a):
        run = services.grouping_run_start(cycle=world.cycle, actor=world.coordinator)  # eager: runs inline
        run.refresh_from_db()
        assert run.status == GroupingRun.Status.DONE, run.reasons
        groups = list(ReviewGroup.objects.filter(cycle=world.cycle).prefetch_related("members__school"))
        assert sorted(len(g.members.all()) for g in groups) == [3, 3, 4]
        grouped = [m.school_id for g in groups for m in g.members.all()]
        assert sorted(grouped) == sorted(s.pk for s in world.schools)
        for group in groups:
            assert group.proposed_automatically and group.explanation
            trusts = [m.school.trust_id for m in group.members.all() if m.school.trust_id]
            assert len(trusts) == len(set(trusts)), "two schools of one trust in a group"
        assert run.groups_created == 3 and run.schools_to_group == 10 and run.locked_groups == 0
        assert run.lower_bound <= run.total_cost + 1e-6
        assert all(run.hard_rules_met.values())
        assert abs(sum(g.costs["total"] for g in groups) - run.total_cost) < 0.1
        assert [g.number for g in groups] == [1, 2, 3]


def test_locked_groups_are_kept_and_the_rest_proposed_again(partnership_a, scope_of):
    world = county(partnership_a, schools=9, with_heads=False)
    with scope_of(partnership_a):
        services.grouping_run_start(cycle=world.cycle, actor=world.coordinator)
        keep = ReviewGroup.objects.filter(cycle=world.cycle).order_by("number")[1]
        kept_schools = list(keep.members.order_by("position").values_list("school_id", flat=True))
        services.group_set_locked(group=keep, locked=True)
        replaced = set(ReviewGroup.objects.filter(cycle=world.cycle, locked=False).values_list("pk", flat=True))
        run = services.grouping_run_start(cycle=world.cycle, actor=world.coordinator)
        run.refresh_from_db()
        assert run.status == "done" and run.locked_groups == 1 and run.schools_to_group == 6
        keep.refresh_from_db()
        assert keep.locked and keep.number == 2
        assert list(keep.members.order_by("position").values_list("school_id", flat=True)) == kept_schools
        now = set(ReviewGroup.objects.filter(cycle=world.cycle, locked=False).values_list("pk", flat=True))
        assert now and not now & replaced
        assert sorted(ReviewGroup.objects.filter(cycle=world.cycle).values_list("number", flat=True)) == [1, 2, 3]


def test_rules_that_cannot_be_met_are_explained_and_change_nothing(partnership_a, scope_of):
    world = county(partnership_a, schools=6, with_heads=False, trust_every=1)  # every school in one trust
    with scope_of(partnership_a):
        services.group_create(cycle=world.cycle, schools=[world.schools[0]])
        before = members_of(world.cycle)
        run = services.grouping_run_start(cycle=world.cycle, actor=world.coordinator)
        run.refresh_from_db()
        assert run.status == GroupingRun.Status.INFEASIBLE
        assert run.reasons and any("Vale Learning Trust" in reason for reason in run.reasons)
        assert members_of(world.cycle) == before


def test_too_few_schools_to_propose(partnership_a, scope_of):
    world = county(partnership_a, schools=3, with_heads=False)
    with scope_of(partnership_a):
        group = services.group_create(cycle=world.cycle, schools=world.schools[:2])
        services.group_set_locked(group=group, locked=True)
        with pytest.raises(ValidationError, match="There is 1 enrolled school outside locked groups"):
            services.grouping_run_start(cycle=world.cycle, actor=world.coordinator)
        assert not GroupingRun.objects.exists()


def test_a_proposal_already_under_way_is_returned_and_an_abandoned_one_expires(partnership_a, scope_of):
    world = county(partnership_a, schools=6, with_heads=False)
    with scope_of(partnership_a):
        running = GroupingRun.objects.create(partnership=partnership_a, cycle=world.cycle, status="running")
        assert services.grouping_run_start(cycle=world.cycle, actor=world.coordinator) == running
        GroupingRun.objects.filter(pk=running.pk).update(requested_at=timezone.now() - datetime.timedelta(minutes=11))
        new = services.grouping_run_start(cycle=world.cycle, actor=world.coordinator)
        running.refresh_from_db()
        assert new != running and running.status == "failed" and "did not finish" in running.reasons[0]
        new.refresh_from_db()
        assert new.status == "done"


def test_the_database_allows_one_active_proposal_per_cycle(partnership_a, scope_of):
    world = county(partnership_a, schools=2, with_heads=False)
    with scope_of(partnership_a):
        GroupingRun.objects.create(partnership=partnership_a, cycle=world.cycle)
        with pytest.raises(IntegrityError, match="grouping_run_one_active_per_cycle"), transaction.atomic():
            GroupingRun.objects.create(partnership=partnership_a, cycle=world.cycle, status="running")


def test_a_proposal_is_not_applied_when_enrolment_changed_meanwhile(partnership_a, scope_of, monkeypatch):
    world = county(partnership_a, schools=6, with_heads=False)
    late = SchoolFactory(partnership=partnership_a, name="Late Primary")
    solve = grouping.propose_groups

    def enrol_while_solving(*args, **kwargs):
        enrol(world.cycle, late)
        return solve(*args, **kwargs)

    monkeypatch.setattr(grouping, "propose_groups", enrol_while_solving)
    with scope_of(partnership_a):
        run = services.grouping_run_start(cycle=world.cycle, actor=world.coordinator)
        run.refresh_from_db()
        assert run.status == GroupingRun.Status.OUTDATED
        assert "changed while the groups were being worked out" in run.reasons[0]
        assert not ReviewGroup.objects.exists()


def test_a_failure_in_the_task_is_recorded_and_changes_nothing(partnership_a, scope_of, monkeypatch):
    world = county(partnership_a, schools=6, with_heads=False)

    def broken(*args, **kwargs):
        raise RuntimeError("solver crashed")

    monkeypatch.setattr(grouping, "propose_groups", broken)
    with scope_of(partnership_a):
        with pytest.raises(RuntimeError):
            services.grouping_run_start(cycle=world.cycle, actor=world.coordinator)
        run = GroupingRun.objects.get()
        assert run.status == "failed" and "Something went wrong" in run.reasons[0]
        assert not ReviewGroup.objects.exists()


def test_when_the_queue_is_down_nothing_is_started(partnership_a, scope_of, monkeypatch):
    world = county(partnership_a, schools=6, with_heads=False)

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(propose_review_groups, "apply_async", refuse)
    with scope_of(partnership_a):
        with pytest.raises(services.QueueUnavailableError, match="task queue is not reachable"):
            services.grouping_run_start(cycle=world.cycle, actor=world.coordinator)
        assert not GroupingRun.objects.exists() and not ReviewGroup.objects.exists()


def test_when_redis_cannot_be_reached_at_all_nothing_is_started(partnership_a, scope_of):
    """A real connection attempt to a closed port, as when Redis is down."""
    world = county(partnership_a, schools=6, with_heads=False)
    saved = (celery_app.conf.broker_url, celery_app._pool, celery_app.amqp._producer_pool)
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"
    celery_app._pool = celery_app.amqp._producer_pool = None
    try:
        with scope_of(partnership_a):
            with pytest.raises(services.QueueUnavailableError):
                services.grouping_run_start(cycle=world.cycle, actor=world.coordinator)
            assert not GroupingRun.objects.exists()
    finally:
        celery_app.conf.task_always_eager = True
        celery_app.conf.broker_url, celery_app._pool, celery_app.amqp._producer_pool = saved


def test_the_task_for_one_partnership_cannot_run_anothers_proposal(partnership_a, partnership_b, scope_of):
    world = county(partnership_b, schools=6, with_heads=False)
    with scope_of(partnership_b):
        run = GroupingRun.objects.create(partnership=partnership_b, cycle=world.cycle)
    assert propose_review_groups.delay(partnership_id=partnership_a.pk, run_id=run.pk).get() is None
    with scope_of(partnership_b):
        run.refresh_from_db()
        assert run.status == "queued" and not ReviewGroup.objects.exists()


def test_last_cycles_partners_come_from_the_previous_cycles_groups(partnership_a, scope_of):
    world = county(partnership_a, schools=4, with_heads=False)
    with scope_of(partnership_a):
        last_year = CycleFactory(partnership=partnership_a, name="Peer review 2025/26", academic_year_start=2025)
        group = ReviewGroupFactory(cycle=last_year, partnership=partnership_a)
        for school in world.schools[:3]:
            enrol(last_year, school)
            add_to_group(group, school)
        partners = last_partners(world.cycle)
        a, b, c, d = (s.pk for s in world.schools)
        assert partners[a] == {b, c} and d not in partners
        schools = {s.id: s for s in grouping_inputs(world.cycle).schools}
        assert schools[a].last_partners == frozenset({b, c}) and schools[d].last_partners == frozenset()
        assert schools[a].easting == world.schools[0].easting and schools[a].phase == "primary"


# Publishing ---------------------------------------------------------------------------------------------------


def review_pairs(cycle: Cycle) -> set[tuple[str, str]]:
    """(reviewing school, reviewed school) for every review, by the lead reviewer's school."""
    return {
        (seat.school.name, seat.review.school.name)
        for seat in ReviewTeamMember.objects.filter(review__cycle=cycle, is_lead=True).select_related(
            "school", "review__school"
        )
    }


def test_publishing_creates_reviews_by_rotation_with_trained_heads_as_leads(partnership_a, scope_of):
    world = county(partnership_a, schools=9, separate_trusts=False)
    s = [school.name for school in world.schools]
    with scope_of(partnership_a):
        services.group_create(cycle=world.cycle, schools=world.schools[:3])  # a triad
        services.group_create(cycle=world.cycle, schools=world.schools[3:5])  # a pair
        services.group_create(cycle=world.cycle, schools=world.schools[5:9])  # four
        outcome = services.groups_publish(cycle=world.cycle, actor=world.coordinator)
        assert outcome.reviews == 9 and not outcome.without_lead and not outcome.untrained
        assert review_pairs(world.cycle) == {
            (s[0], s[1]), (s[1], s[2]), (s[2], s[0]),
            (s[3], s[4]), (s[4], s[3]),
            (s[5], s[6]), (s[6], s[7]), (s[7], s[8]), (s[8], s[5]),
        }  # fmt: skip
        for seat in ReviewTeamMember.objects.filter(review__cycle=world.cycle):
            assert seat.user == world.heads[seat.school_id] and seat.is_lead
        assert Review.objects.filter(cycle=world.cycle, status=ReviewStatus.GROUPED).count() == 9
        events = ReviewEvent.objects.filter(review__cycle=world.cycle)
        assert events.count() == 9 and set(events.values_list("to_status", "actor")) == {
            ("grouped", world.coordinator.pk)
        }
        world.cycle.refresh_from_db()
        assert world.cycle.groups_published_at is not None
        patterns = dict(ReviewGroup.objects.filter(cycle=world.cycle).values_list("number", "pattern"))
        assert patterns == {1: "rotation", 2: "pairs", 3: "rotation"}


def test_untrained_heads_are_left_off_and_senior_leaders_join_when_asked(partnership_a, scope_of):
    world = county(partnership_a, schools=3, trained=False)
    with scope_of(partnership_a):
        trained_head = world.heads[world.schools[0].pk]
        train(partnership_a, trained_head)
        late = world.heads[world.schools[1].pk]
        train(partnership_a, late, on=D(2026, 10, 2))  # after the window opens on 1 October
        deputy = member(partnership_a, Role.SENIOR_LEADER, school=world.schools[0])
        train(partnership_a, deputy)
        untrained_deputy = member(partnership_a, Role.SENIOR_LEADER, school=world.schools[2])
        services.group_create(cycle=world.cycle, schools=world.schools)
        outcome = services.groups_publish(cycle=world.cycle, actor=world.coordinator, include_senior_leaders=True)
        assert sorted(outcome.without_lead) == ["School 000 Primary", "School 002 Primary"]
        assert outcome.untrained == sorted(
            [
                f"{late} (School 001 Primary)",
                f"{world.heads[world.schools[2].pk]} (School 002 Primary)",
                f"{untrained_deputy} (School 002 Primary)",
            ]
        )
        team = ReviewTeamMember.objects.filter(review__school=world.schools[1])
        assert set(team.values_list("user", "is_lead")) == {(trained_head.pk, True), (deputy.pk, False)}
    assert "2 reviews have no lead reviewer yet" in outcome.summary()


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("no_groups", "There are no review groups yet"),
        ("ungrouped", "1 enrolled school is not in a group: School 002 Primary."),
        ("alone", "Group 2 has 1 school; a group needs 2 to 5."),
        ("trust", "In Group 1, School 000 Primary and School 002 Primary are both in Vale Learning Trust"),
        ("published", "The groups were already published"),
    ],
)
def test_publishing_is_refused_until_the_groups_are_right(partnership_a, scope_of, case, message):
    world = county(partnership_a, schools=3, with_heads=False, trust_every=2)
    with scope_of(partnership_a):
        if case == "ungrouped":
            services.group_create(cycle=world.cycle, schools=world.schools[:2])
        elif case == "alone":
            services.group_create(cycle=world.cycle, schools=world.schools[:2])
            services.group_create(cycle=world.cycle, schools=world.schools[2:])
        elif case == "trust":
            group = services.group_create(cycle=world.cycle, schools=world.schools[:2])
            add_to_group(group, world.schools[2], position=2)  # as if the rule were turned on afterwards
        elif case == "published":
            Cycle.objects.filter(pk=world.cycle.pk).update(groups_published_at=timezone.now())
            world.cycle.refresh_from_db()
        with pytest.raises(ValidationError) as error:
            services.groups_publish(cycle=world.cycle, actor=world.coordinator)
        assert not Review.objects.exists()
    assert any(m.startswith(message) for m in error.value.messages), error.value.messages


# Review teams after publishing --------------------------------------------------------------------------------


@pytest.fixture
def published(partnership_a, scope_of):
    world = county(partnership_a, schools=4, trust_every=2)  # schools 0 and 2 share a trust
    with scope_of(partnership_a):
        services.group_create(cycle=world.cycle, schools=[world.schools[0], world.schools[1]])
        services.group_create(cycle=world.cycle, schools=[world.schools[2], world.schools[3]])
        services.groups_publish(cycle=world.cycle, actor=world.coordinator)
        world.review = Review.objects.select_related("cycle", "school", "group").get(school=world.schools[1])
    return world


def test_a_trained_reviewer_joins_and_can_become_lead(partnership_a, scope_of, published):
    w = published
    with scope_of(partnership_a):
        newcomer = w.heads[w.schools[3].pk]
        seat = services.review_team_add(review=w.review, user=newcomer, actor=w.coordinator)
        assert seat.school == w.schools[3] and not seat.is_lead and seat.training_override_reason == ""
        services.review_team_make_lead(seat=seat, actor=w.coordinator)
        leads = ReviewTeamMember.objects.filter(review=w.review, is_lead=True)
        assert list(leads.values_list("user", flat=True)) == [newcomer.pk]
        services.review_team_remove(seat=seat, actor=w.coordinator)
        assert not ReviewTeamMember.objects.filter(review=w.review, is_lead=True).exists()
        notes = list(ReviewEvent.objects.filter(review=w.review).values_list("note", flat=True))
        assert notes[-3:] == [
            f"{newcomer} joined the review team.",
            f"{newcomer} is now the lead reviewer.",
            f"{newcomer} left the review team.",
        ]


def test_an_untrained_reviewer_needs_a_reason(partnership_a, scope_of, published):
    w = published
    with scope_of(partnership_a):
        untrained = member(partnership_a, Role.SENIOR_LEADER, school=w.schools[3])
        with pytest.raises(ValidationError) as error:
            services.review_team_add(review=w.review, user=untrained, actor=w.coordinator)
        assert error.value.message_dict["override_reason"] == [
            f"{untrained} has no reviewer training recorded on or before Thursday 1 October 2026. Record their "
            "training, or give the reason they may review without it."
        ]
        seat = services.review_team_add(
            review=w.review, user=untrained, override_reason="Trained by another partnership", actor=w.coordinator
        )
        assert seat.training_override_reason == "Trained by another partnership"


def test_training_counts_up_to_the_first_visit_day(partnership_a, scope_of, published):
    w = published
    with scope_of(partnership_a):
        deputy = member(partnership_a, Role.SENIOR_LEADER, school=w.schools[3])
        train(partnership_a, deputy, on=D(2026, 11, 2))
        assert selectors.training_reference_date(w.review) == D(2026, 10, 1)
        with pytest.raises(ValidationError):
            services.review_team_add(review=w.review, user=deputy, actor=w.coordinator)
        visit_on(w.review, D(2026, 11, 4), D(2026, 11, 5))
        assert selectors.training_reference_date(w.review) == D(2026, 11, 4)
        assert services.review_team_add(review=w.review, user=deputy, actor=w.coordinator)


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("own_school", "works at School 001 Primary, the school being reviewed"),
        ("same_trust", "works at School 002 Primary, which is in Vale Learning Trust with School 000 Primary"),
        ("governor", "is not a headteacher, senior leader or member of staff at a school in the partnership"),
        ("seated", "is already on this review team"),
    ],
)
def test_who_cannot_review(partnership_a, scope_of, published, who, message):
    w = published
    with scope_of(partnership_a):
        review = w.review
        if who == "same_trust":
            review = Review.objects.select_related("cycle", "school").get(school=w.schools[0])
        user = {
            "own_school": lambda: member(partnership_a, Role.SENIOR_LEADER, school=w.schools[1]),
            "same_trust": lambda: w.heads[w.schools[2].pk],
            "governor": lambda: member(partnership_a, Role.GOVERNOR, school=w.schools[3]),
            "seated": lambda: w.heads[w.schools[0].pk],
        }[who]()
        with pytest.raises(ValidationError) as error:
            services.review_team_add(review=review, user=user, override_reason="Agreed", actor=w.coordinator)
    assert message in error.value.message_dict["user"][0]


def test_the_trust_rule_off_lets_a_trust_colleague_review(partnership_a, scope_of, published):
    w = published
    with scope_of(partnership_a):
        Cycle.objects.filter(pk=w.cycle.pk).update(separate_trusts=False)
        review = Review.objects.select_related("cycle", "school").get(school=w.schools[0])
        assert services.review_team_add(review=review, user=w.heads[w.schools[2].pk], actor=w.coordinator)


def test_the_team_is_fixed_once_the_report_is_final(partnership_a, scope_of, published):
    w = published
    with scope_of(partnership_a):
        Review.objects.filter(pk=w.review.pk).update(status=ReviewStatus.FINAL)
        w.review.refresh_from_db()
        seat = w.review.team.first()
        for attempt in (
            lambda: services.review_team_add(review=w.review, user=w.heads[w.schools[3].pk], actor=None),
            lambda: services.review_team_make_lead(seat=seat, actor=None),
            lambda: services.review_team_remove(seat=seat, actor=None),
        ):
            with pytest.raises(ValidationError, match="The report is final"):
                attempt()
