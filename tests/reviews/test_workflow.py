"""The workflow services: each step in order, recorded, with its deadline in working days."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from reviews.calendar import SchoolCalendar
from reviews.models import ReportDraft, ReviewEvent, ReviewStatus
from reviews.services import workflow
from tests.reviews.factories import review_scenario, visit_on, write_findings

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def scenario(partnership_a):
    return review_scenario(partnership_a, status=ReviewStatus.SCHEDULED)


def test_a_review_goes_from_visit_to_shared_with_every_step_recorded(scenario, scope_of):
    s = scenario
    with scope_of(s.partnership):
        visit_on(s.review, D(2027, 3, 24), D(2027, 3, 25))
        review = workflow.review_mark_visited(
            review=s.review, actor=s.lead_reviewer, today=D(2027, 3, 25), calendar=SchoolCalendar()
        )
        assert review.status == ReviewStatus.VISITED
        # 18 working days after Thursday 25 March 2027, skipping Good Friday and Easter Monday.
        assert review.report_due_on == D(2027, 4, 22)
        assert review.impact_visit_on == D(2027, 9, 25)

        write_findings(review)
        review = workflow.review_start_draft(review=review, actor=s.lead_reviewer)
        review = workflow.review_submit_draft(
            review=review, actor=s.lead_reviewer, today=D(2027, 4, 1), calendar=SchoolCalendar()
        )
        assert review.status == ReviewStatus.FACTUAL_ACCURACY
        assert review.factual_accuracy_due_on == D(2027, 4, 8)

        workflow.review_respond_to_factual_accuracy(
            review=review, actor=s.head, comments="", school_response="We welcome the review."
        )
        review = workflow.review_finalise(review=review, actor=s.coordinator, today=D(2027, 4, 2))
        review = workflow.review_share_with_governors(review=review, actor=s.head)
        assert review.status == ReviewStatus.SHARED
        assert ReportDraft.objects.get(review=review).school_response == "We welcome the review."
        steps = list(ReviewEvent.objects.filter(review=review).values_list("to_status", "actor"))
    assert [to for to, _ in steps] == ["visited", "draft", "factual_accuracy", "factual_accuracy", "final", "shared"]
    assert steps[-2][1] == s.coordinator.pk and steps[-1][1] == s.head.pk


def test_a_visit_cannot_be_marked_done_before_its_last_day(scenario, scope_of):
    with scope_of(scenario.partnership):
        visit_on(scenario.review, D(2027, 3, 24), D(2027, 3, 25))
        with pytest.raises(ValidationError, match="ends on Thursday 25 March 2027"):
            workflow.review_mark_visited(review=scenario.review, actor=scenario.lead_reviewer, today=D(2027, 3, 24))
        scenario.review.refresh_from_db()
        assert scenario.review.status == ReviewStatus.SCHEDULED
        assert not ReviewEvent.objects.exists()


def test_steps_cannot_be_skipped(scenario, scope_of):
    with scope_of(scenario.partnership), pytest.raises(ValidationError, match="cannot move to 'final'"):
        workflow.review_finalise(review=scenario.review, actor=scenario.coordinator)


def test_the_draft_needs_findings_and_grades_when_the_cycle_uses_them(partnership_a, scope_of):
    s = review_scenario(partnership_a, status=ReviewStatus.VISITED)
    with scope_of(partnership_a):
        with pytest.raises(ValidationError, match="at least one focus area"):
            workflow.review_submit_draft(review=s.review, actor=s.lead_reviewer)
        s.review.cycle.grading_scale = "peer_review"
        s.review.cycle.save()
        write_findings(s.review)
        with pytest.raises(ValidationError, match="give every focus area a grade"):
            workflow.review_submit_draft(review=s.review, actor=s.lead_reviewer)


def test_finalising_waits_for_the_school_or_the_end_of_its_window(partnership_a, scope_of):
    s = review_scenario(partnership_a, status=ReviewStatus.FACTUAL_ACCURACY)
    with scope_of(partnership_a):
        s.review.factual_accuracy_due_on = D(2027, 4, 8)
        s.review.save()
        with pytest.raises(ValidationError, match="has until Thursday 08 April 2027"):
            workflow.review_finalise(review=s.review, actor=s.coordinator, today=D(2027, 4, 8))
        review = workflow.review_finalise(review=s.review, actor=s.coordinator, today=D(2027, 4, 9))
        assert review.status == ReviewStatus.FINAL
