"""Setting up a cycle: every validation rule of reviews/services/cycles.py, with the message a coordinator sees."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from partnership.tenancy.roles import Role
from reviews.models import ClosureDay, Cycle, Enrolment, FocusArea, GradingScale, ReviewerTraining, Term
from reviews.models.cycles import DEFAULT_FOCUS_AREAS
from reviews.selectors import cycles as selectors
from reviews.services import cycles as services
from reviews.services.cycles import CycleSettings
from reviews.wording import parse_grade_labels
from schools.models import School
from tests.factories import SchoolFactory, member
from tests.reviews.factories import (
    CycleFactory,
    ReviewFactory,
    ReviewGroupFactory,
    add_to_group,
    enrol,
    visit_on,
    write_findings,
)
from tests.reviews.factories_cycles import county

pytestmark = pytest.mark.django_db
D = datetime.date


def settings_2026(**changes) -> CycleSettings:
    values = CycleSettings(
        name="Peer review 2026/27",
        academic_year_start=2026,
        visit_window_starts_on=D(2026, 10, 1),
        visit_window_ends_on=D(2027, 6, 30),
    )
    for name, value in changes.items():
        setattr(values, name, value)
    return values


def messages_of(error: pytest.ExceptionInfo) -> dict[str, list[str]]:
    return {field: [str(m) for e in errors for m in e.messages] for field, errors in error.value.error_dict.items()}


@pytest.fixture
def coordinator(partnership_a):
    return member(partnership_a, Role.COORDINATOR)


# Cycles -------------------------------------------------------------------------------------------------------


def test_a_new_cycle_has_the_defaults_and_ofsteds_framework_areas(partnership_a, coordinator, scope_of):
    with scope_of(partnership_a):
        cycle = services.cycle_create(partnership=partnership_a, actor=coordinator, values=settings_2026())
        areas = list(cycle.focus_areas.order_by("position").values_list("name", "description"))
    assert areas == DEFAULT_FOCUS_AREAS
    assert (cycle.group_size, cycle.separate_trusts, cycle.grading_scale) == (3, True, GradingScale.NONE)
    assert (
        cycle.self_review_due_days_before_visit,
        cycle.report_due_working_days,
        cycle.factual_accuracy_working_days,
        cycle.impact_visit_months,
    ) == (14, 18, 5, 6)
    assert cycle.created_by == coordinator
    assert cycle.academic_year == "2026/27"


def test_a_new_cycle_can_copy_the_previous_cycles_focus_areas(partnership_a, coordinator, scope_of):
    with scope_of(partnership_a):
        previous = CycleFactory(partnership=partnership_a, academic_year_start=2025, focus_areas=["Reading", "Maths"])
        cycle = services.cycle_create(
            partnership=partnership_a, actor=coordinator, values=settings_2026(), focus_areas_from="previous"
        )
        assert selectors.previous_cycle(cycle) == previous
        assert list(cycle.focus_areas.order_by("position").values_list("name", flat=True)) == ["Reading", "Maths"]


def test_copying_focus_areas_needs_a_previous_cycle(partnership_a, coordinator, scope_of):
    with scope_of(partnership_a), pytest.raises(ValidationError) as error:
        services.cycle_create(
            partnership=partnership_a, actor=coordinator, values=settings_2026(), focus_areas_from="previous"
        )
    assert messages_of(error) == {"focus_areas_from": ["There is no previous cycle to copy focus areas from."]}
    with scope_of(partnership_a):
        assert not Cycle.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": "  "}, "name", "Enter a name for the cycle"),
        ({"name": "x" * 121}, "name", "120 characters or fewer"),
        ({"academic_year_start": None}, "academic_year_start", "Enter the year the academic year starts"),
        ({"academic_year_start": 1999}, "academic_year_start", "between 2000 and 2100"),
        ({"visit_window_starts_on": None}, "visit_window_starts_on", "Enter the first day visits can take place"),
        ({"visit_window_ends_on": None}, "visit_window_ends_on", "Enter the last day visits can take place"),
        ({"visit_window_ends_on": D(2026, 9, 30)}, "visit_window_ends_on", "must end on or after the day it starts"),
        ({"visit_window_starts_on": D(2026, 8, 31)}, "visit_window_starts_on", "inside the 2026/27 academic year"),
        ({"visit_window_ends_on": D(2027, 9, 1)}, "visit_window_ends_on", "1 September 2026 to Tuesday 31 August 2027"),
        ({"grading_scale": "stars"}, "grading_scale", "Choose a grading scale"),
        ({"grading_scale": "custom", "custom_grades": ["Secure"]}, "custom_grades", "at least two grades"),
        ({"grading_scale": "custom", "custom_grades": ["Secure", "secure"]}, "custom_grades", "Secure is there twice"),
        ({"grading_scale": "custom", "custom_grades": ["A" * 61, "B"]}, "custom_grades", "60 characters or fewer"),
        ({"group_size": 6}, "group_size", "from 2 to 5 schools"),
        ({"group_size": 1}, "group_size", "from 2 to 5 schools"),
        ({"group_size": None}, "group_size", "from 2 to 5 schools"),
        ({"self_review_due_days_before_visit": 0}, "self_review_due_days_before_visit", "from 1 to 90 days"),
        ({"report_due_working_days": 61}, "report_due_working_days", "from 1 to 60 working days"),
        ({"report_due_working_days": None}, "report_due_working_days", "Enter a number of working days"),
        ({"factual_accuracy_working_days": 0}, "factual_accuracy_working_days", "from 1 to 30 working days"),
        ({"impact_visit_months": 25}, "impact_visit_months", "from 1 to 24 months"),
    ],
)
def test_each_setting_is_checked_and_nothing_is_saved(partnership_a, coordinator, scope_of, changes, field, message):
    with scope_of(partnership_a):
        with pytest.raises(ValidationError) as error:
            services.cycle_create(partnership=partnership_a, actor=coordinator, values=settings_2026(**changes))
        assert not Cycle.objects.exists() and not FocusArea.objects.exists()
    assert field in messages_of(error)
    assert message in " ".join(messages_of(error)[field])


def test_cycle_names_are_unique_whatever_the_case(partnership_a, partnership_b, coordinator, scope_of):
    with scope_of(partnership_b):
        CycleFactory(partnership=partnership_b, name="Peer review 2026/27")
    with scope_of(partnership_a):
        services.cycle_create(partnership=partnership_a, actor=coordinator, values=settings_2026())
        with pytest.raises(ValidationError) as error:
            services.cycle_create(
                partnership=partnership_a, actor=coordinator, values=settings_2026(name="PEER REVIEW 2026/27")
            )
    assert messages_of(error)["name"] == ["There is already a cycle called PEER REVIEW 2026/27; choose another name."]


def test_a_constraint_breach_becomes_the_same_message(partnership_a, scope_of):
    with scope_of(partnership_a):
        CycleFactory(partnership=partnership_a, name="Peer review 2026/27")
        duplicate = Cycle(partnership=partnership_a, **settings_2026().__dict__)
        with pytest.raises(ValidationError, match="There is already a cycle with this name"):
            services._save(duplicate, services.CYCLE_CONSTRAINT_MESSAGES, "fallback")


def test_presets_and_custom_scales(partnership_a, coordinator, scope_of):
    with scope_of(partnership_a):
        cycle = services.cycle_create(
            partnership=partnership_a,
            actor=coordinator,
            values=settings_2026(grading_scale="custom", custom_grades=[" Secure ", "", "Developing", "Emerging"]),
        )
        assert cycle.grades == ["Secure", "Developing", "Emerging"]
        cycle = services.cycle_update(
            cycle=cycle, values=settings_2026(grading_scale="ofsted", custom_grades=["left", "over"])
        )
        assert cycle.custom_grades == [] and cycle.grades[0] == "Exceptional"
    assert parse_grade_labels("Leading\n\n  Effective \n") == ["Leading", "Effective"]


def test_the_scale_cannot_change_once_findings_are_graded(partnership_a, scope_of):
    with scope_of(partnership_a):
        review = ReviewFactory(
            group=ReviewGroupFactory(cycle=CycleFactory(partnership=partnership_a, grading_scale="peer_review"))
        )
        write_findings(review, grade="Effective")
        cycle = review.cycle
        with pytest.raises(ValidationError) as error:
            services.cycle_update(
                cycle=cycle,
                values=CycleSettings.of(cycle).__class__(
                    **{**CycleSettings.of(cycle).__dict__, "grading_scale": "ofsted"}
                ),
            )
    assert messages_of(error)["grading_scale"] == [
        "2 findings already have a grade on the current scale, so the scale can no longer change."
    ]


def test_the_window_cannot_shrink_past_agreed_visits(partnership_a, scope_of):
    with scope_of(partnership_a):
        review = ReviewFactory(
            group=ReviewGroupFactory(cycle=CycleFactory(partnership=partnership_a)), school__name="Kingsmead Primary"
        )
        visit_on(review, D(2026, 10, 6))
        values = CycleSettings.of(review.cycle)
        values.visit_window_starts_on = D(2026, 11, 2)
        with pytest.raises(ValidationError) as error:
            services.cycle_update(cycle=review.cycle, values=values)
    assert messages_of(error)["visit_window_starts_on"] == [
        "1 agreed visit day would fall outside the new window (the first: Kingsmead Primary on Tuesday 6 October "
        "2026). Move those visits first."
    ]


def test_group_size_and_trust_rule_are_fixed_once_published(partnership_a, scope_of):
    with scope_of(partnership_a):
        cycle = CycleFactory(partnership=partnership_a, groups_published_at=timezone.now())
        values = CycleSettings.of(cycle)
        values.group_size, values.separate_trusts = 4, False
        with pytest.raises(ValidationError) as error:
            services.cycle_update(cycle=cycle, values=values)
        values = CycleSettings.of(cycle)
        values.report_due_working_days = 20
        assert services.cycle_update(cycle=cycle, values=values).report_due_working_days == 20
    assert set(messages_of(error)) == {"group_size", "separate_trusts"}


# Focus areas --------------------------------------------------------------------------------------------------


def test_focus_areas_are_added_at_the_end_renamed_moved_and_removed(partnership_a, scope_of):
    with scope_of(partnership_a):
        cycle = CycleFactory(partnership=partnership_a, focus_areas=["Inclusion", "Achievement"])
        area = services.focus_area_add(cycle=cycle, name=" Early reading ", description="Phonics")
        assert [a.name for a in cycle.focus_areas.all()] == ["Inclusion", "Achievement", "Early reading"]
        services.focus_area_move(area=area, up=True)
        assert [a.name for a in cycle.focus_areas.all()] == ["Inclusion", "Early reading", "Achievement"]
        services.focus_area_move(area=FocusArea.objects.get(name="Inclusion"), up=True)  # already first
        assert cycle.focus_areas.first().name == "Inclusion"
        services.focus_area_update(area=area, name="Reading", description="")
        services.focus_area_remove(area=FocusArea.objects.get(name="Reading"))
        assert [a.name for a in cycle.focus_areas.all()] == ["Inclusion", "Achievement"]


@pytest.mark.parametrize(
    ("name", "message"),
    [("", "Enter the name of the focus area."), ("inclusion", "This cycle already has a focus area called inclusion.")],
)
def test_focus_area_names_are_needed_and_unique_in_the_cycle(partnership_a, scope_of, name, message):
    with scope_of(partnership_a):
        cycle = CycleFactory(partnership=partnership_a, focus_areas=["Inclusion"])
        CycleFactory(partnership=partnership_a, focus_areas=["Reading"])
        services.focus_area_add(cycle=cycle, name="Reading")  # another cycle's name is fine
        with pytest.raises(ValidationError) as error:
            services.focus_area_add(cycle=cycle, name=name)
    assert messages_of(error)["name"] == [message]


def test_a_used_focus_area_keeps_its_name_and_stays(partnership_a, scope_of):
    with scope_of(partnership_a):
        review = ReviewFactory(group=ReviewGroupFactory(cycle=CycleFactory(partnership=partnership_a)))
        write_findings(review)
        used = review.cycle.focus_areas.order_by("position").first()
        with pytest.raises(ValidationError) as error:
            services.focus_area_update(area=used, name="Something else")
        assert "already used (1 finding), so it can no longer be renamed" in messages_of(error)["name"][0]
        services.focus_area_update(area=used, name=used.name, description="Now described")
        with pytest.raises(ValidationError, match=r"already used \(1 finding\), so it cannot be removed"):
            services.focus_area_remove(area=used)


def test_the_last_focus_area_cannot_be_removed(partnership_a, scope_of):
    with scope_of(partnership_a):
        cycle = CycleFactory(partnership=partnership_a, focus_areas=["Inclusion"])
        with pytest.raises(ValidationError, match="needs at least one focus area"):
            services.focus_area_remove(area=cycle.focus_areas.get())


# The calendar -------------------------------------------------------------------------------------------------


def test_terms_are_added_changed_and_deleted(partnership_a, scope_of):
    with scope_of(partnership_a):
        autumn = services.term_create(
            partnership=partnership_a, name="Autumn 2026", starts_on=D(2026, 9, 2), ends_on=D(2026, 12, 18)
        )
        services.term_update(term=autumn, name="Autumn term 2026", starts_on=D(2026, 9, 3), ends_on=D(2026, 12, 18))
        assert Term.objects.get().name == "Autumn term 2026"
        services.term_delete(term=autumn)
        assert not Term.objects.exists()


@pytest.mark.parametrize(
    ("name", "starts", "ends", "field", "message"),
    [
        ("", D(2027, 1, 4), D(2027, 3, 26), "name", "Enter the name of the term, for example Autumn 2026."),
        ("Spring", None, D(2027, 3, 26), "starts_on", "Enter the first day of the term."),
        ("Spring", D(2027, 1, 4), None, "ends_on", "Enter the last day of the term."),
        ("Spring", D(2027, 3, 26), D(2027, 1, 4), "ends_on", "The term must end on or after the day it starts."),
        ("Spring", D(2027, 1, 4), D(2027, 9, 1), "ends_on", "A term cannot be longer than 200 days"),
        (
            "Spring",
            D(2026, 12, 14),
            D(2027, 3, 26),
            "starts_on",
            "This term overlaps Autumn 2026 (Thursday 3 September 2026 to Friday 18 December 2026).",
        ),
    ],
)
def test_term_rules(partnership_a, scope_of, name, starts, ends, field, message):
    with scope_of(partnership_a):
        services.term_create(
            partnership=partnership_a, name="Autumn 2026", starts_on=D(2026, 9, 3), ends_on=D(2026, 12, 18)
        )
        with pytest.raises(ValidationError) as error:
            services.term_create(partnership=partnership_a, name=name, starts_on=starts, ends_on=ends)
        assert Term.objects.count() == 1
    assert messages_of(error)[field][0].startswith(message)


def test_a_term_constraint_breach_becomes_a_message(partnership_a, scope_of):
    with scope_of(partnership_a):
        Term.objects.create(partnership=partnership_a, name="Autumn", starts_on=D(2026, 9, 3), ends_on=D(2026, 12, 18))
        clash = Term(partnership=partnership_a, name="Autumn again", starts_on=D(2026, 9, 3), ends_on=D(2026, 9, 4))
        with pytest.raises(ValidationError, match="Another term already starts on that day"):
            services._save(clash, services.TERM_MESSAGES, "fallback")


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (D(2026, 11, 21), "Saturday 21 November 2026 is a Saturday; closure days are school days (Monday to Friday)."),
        (D(2026, 12, 25), "Friday 25 December 2026 is already a bank holiday (Christmas Day)."),
        (D(2026, 11, 2), "There is already a closure day on Monday 2 November 2026."),
        (D(2026, 10, 6), "Kingsmead Primary has an agreed visit on Tuesday 6 October 2026; move that visit before"),
        (None, "Enter the date of the closure day."),
    ],
)
def test_closure_day_rules(partnership_a, scope_of, day, message):
    with scope_of(partnership_a):
        services.closure_day_create(partnership=partnership_a, date=D(2026, 11, 2), reason="")
        review = ReviewFactory(
            group=ReviewGroupFactory(cycle=CycleFactory(partnership=partnership_a)), school__name="Kingsmead Primary"
        )
        visit_on(review, D(2026, 10, 6))
        with pytest.raises(ValidationError) as error:
            services.closure_day_create(partnership=partnership_a, date=day, reason="INSET day")
        assert ClosureDay.objects.get().reason == "INSET day"  # the default reason
    assert messages_of(error)["date"][0].startswith(message)


def test_a_closure_day_can_move_to_another_day(partnership_a, scope_of):
    with scope_of(partnership_a):
        closure = services.closure_day_create(partnership=partnership_a, date=D(2026, 11, 2), reason="INSET day")
        services.closure_day_update(closure=closure, date=D(2026, 11, 3), reason="Staff training")
        assert ClosureDay.objects.values_list("date", "reason").get() == (D(2026, 11, 3), "Staff training")
        services.closure_day_delete(closure=closure)
        assert not ClosureDay.objects.exists()


# Enrolment ----------------------------------------------------------------------------------------------------


def test_enrolling_an_area_enrols_its_open_schools_and_names_the_closed_ones(partnership_a, scope_of):
    world = county(partnership_a, schools=6, enrolled=False, with_heads=False)
    west = world.areas[0]
    with scope_of(partnership_a):
        closed = SchoolFactory(
            partnership=partnership_a, name="Old Mill Primary", area=west, status=School.Status.CLOSED
        )
        enrol(world.cycle, world.schools[0])
        outcome = services.enrolment_add_by(cycle=world.cycle, actor=world.coordinator, area=west)
        assert {s.name for s in outcome.enrolled} == {"School 003 Primary"}
        assert [s.name for s in outcome.already] == ["School 000 Primary"]
        assert outcome.closed == [closed]
        assert not Enrolment.objects.filter(school=closed).exists()
        assert Enrolment.objects.filter(cycle=world.cycle).count() == 2
    summary = outcome.summary("in the area Area West")
    assert summary == (
        "Enrolled 1 school in the area Area West. 1 was already enrolled. Closed schools cannot be enrolled, so "
        "these were left out: Old Mill Primary."
    )


def test_enrolling_by_cluster_and_by_phase(partnership_a, scope_of):
    world = county(partnership_a, schools=6, enrolled=False, with_heads=False)
    with scope_of(partnership_a):
        SchoolFactory(partnership=partnership_a, name="Vale Academy", phase=School.Phase.SECONDARY)
        outcome = services.enrolment_add_by(cycle=world.cycle, actor=world.coordinator, cluster=world.clusters[1])
        assert len(outcome.enrolled) == 2
        outcome = services.enrolment_add_by(cycle=world.cycle, actor=world.coordinator, phase="secondary")
        assert [s.name for s in outcome.enrolled] == ["Vale Academy"]
        with pytest.raises(ValidationError, match="Choose a phase"):
            services.enrolment_add_by(cycle=world.cycle, actor=world.coordinator, phase="sixth")
        with pytest.raises(ValidationError, match="Choose one area, cluster or phase"):
            services.enrolment_add_by(cycle=world.cycle, actor=world.coordinator)


def test_a_closed_school_cannot_be_enrolled_by_name(partnership_a, scope_of):
    world = county(partnership_a, schools=2, enrolled=False, with_heads=False)
    with scope_of(partnership_a):
        closed = SchoolFactory(partnership=partnership_a, name="Old Mill Primary", status=School.Status.CLOSED)
        with pytest.raises(ValidationError) as error:
            services.enrolment_add(cycle=world.cycle, schools=[world.schools[0], closed], actor=world.coordinator)
        assert not Enrolment.objects.exists()
    assert messages_of(error)["schools"] == ["Old Mill Primary is closed and cannot be enrolled."]


def test_enrolment_closes_when_the_groups_are_published(partnership_a, scope_of):
    world = county(partnership_a, schools=3, with_heads=False)
    with scope_of(partnership_a):
        Cycle.objects.filter(pk=world.cycle.pk).update(groups_published_at=timezone.now())
        new = SchoolFactory(partnership=partnership_a)
        with pytest.raises(ValidationError, match="enrolment and groups can no longer change"):
            services.enrolment_add(cycle=world.cycle, schools=[new], actor=world.coordinator)
        with pytest.raises(ValidationError, match="enrolment and groups can no longer change"):
            services.enrolment_remove(enrolment=Enrolment.objects.first())


def test_a_grouped_school_is_taken_out_of_its_group_before_unenrolling(partnership_a, scope_of):
    world = county(partnership_a, schools=3, with_heads=False)
    with scope_of(partnership_a):
        group = ReviewGroupFactory(cycle=world.cycle, number=4)
        add_to_group(group, world.schools[0])
        grouped = Enrolment.objects.get(school=world.schools[0])
        with pytest.raises(ValidationError) as error:
            services.enrolment_remove(enrolment=grouped)
        assert error.value.messages == [
            "School 000 Primary is in Group 4; take it out of the group before unenrolling it."
        ]
        services.enrolment_remove(enrolment=Enrolment.objects.get(school=world.schools[1]))
        assert Enrolment.objects.count() == 2


# Reviewer training --------------------------------------------------------------------------------------------


def test_training_is_recorded_and_counts_from_its_date(partnership_a, coordinator, scope_of):
    head = member(partnership_a, Role.HEADTEACHER)
    with scope_of(partnership_a):
        record = services.reviewer_training_add(
            partnership=partnership_a,
            user=head,
            trained_on=D(2026, 9, 15),
            provider=" Partnership training ",
            recorded_by=coordinator,
            today=D(2026, 11, 1),
        )
        assert record.provider == "Partnership training"
        assert selectors.trained_user_ids([head.pk], D(2026, 9, 15)) == {head.pk}
        assert selectors.trained_user_ids([head.pk], D(2026, 9, 14)) == set()
        services.reviewer_training_remove(training=record)
        assert not ReviewerTraining.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"user": None}, "user", "Choose the person who was trained."),
        ({"trained_on": None}, "trained_on", "Enter the date of the training."),
        ({"trained_on": D(2026, 11, 2)}, "trained_on", "The training date cannot be in the future"),
        ({"provider": " "}, "provider", "Enter who provided the training."),
        ({"provider": "p" * 201}, "provider", "The provider must be 200 characters or fewer."),
        ({"notes": "n" * 301}, "notes", "The notes must be 300 characters or fewer."),
        ({"provider": "Partnership training"}, "provider", "This training is already recorded for this person"),
    ],
)
def test_training_rules(partnership_a, coordinator, scope_of, changes, field, message):
    head = member(partnership_a, Role.HEADTEACHER)
    values = {"user": head, "trained_on": D(2026, 9, 15), "provider": "National programme", "notes": ""}
    values.update(changes)
    with scope_of(partnership_a):
        services.reviewer_training_add(
            partnership=partnership_a,
            user=head,
            trained_on=D(2026, 9, 15),
            provider="Partnership training",
            recorded_by=coordinator,
            today=D(2026, 11, 1),
        )
        with pytest.raises(ValidationError) as error:
            services.reviewer_training_add(
                partnership=partnership_a, recorded_by=coordinator, today=D(2026, 11, 1), **values
            )
        assert ReviewerTraining.objects.count() == 1
    assert messages_of(error)[field][0].startswith(message)


def test_only_people_of_the_partnership_can_be_trained(partnership_a, partnership_b, coordinator, scope_of):
    outsider = member(partnership_b, Role.HEADTEACHER)
    with scope_of(partnership_a), pytest.raises(ValidationError) as error:
        services.reviewer_training_add(
            partnership=partnership_a, user=outsider, trained_on=D(2026, 9, 15), provider="X", recorded_by=coordinator
        )
    assert messages_of(error)["user"] == ["Choose a person who holds a role in the partnership."]
