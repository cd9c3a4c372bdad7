"""Every review page finds its review through one lookup (reviews/views/lookups.py review_or_404), which gives a
person without permission the same 404 as a review that does not exist; report pages included."""

import pytest
from django.http import Http404

from reviews.models import ReviewStatus
from reviews.permissions import can_plan_visit, can_view_a_report
from reviews.views.lookups import review_or_404
from tests.reviews.factories import PEOPLE_IN_A_SCENARIO, SEE_THE_REVIEW
from tests.reviews.factories_reports import reported_scenario

pytestmark = pytest.mark.django_db

GETS_A_REPORT = {
    ReviewStatus.VISITED: set(),
    ReviewStatus.DRAFT: SEE_THE_REVIEW,
    ReviewStatus.FINAL: SEE_THE_REVIEW,
    ReviewStatus.SHARED: SEE_THE_REVIEW | {"governor"},
}


def allowed(pk, user, *args, **kwargs) -> bool:
    try:
        review_or_404(pk, user, *args, **kwargs)
    except Http404:
        return False
    return True


@pytest.mark.parametrize("status", list(GETS_A_REPORT))
def test_only_those_who_may_see_a_report_reach_the_report_pages(partnership_a, scope_of, status):
    s = reported_scenario(partnership_a, status)
    with scope_of(partnership_a):
        for person in PEOPLE_IN_A_SCENARIO:
            user = getattr(s, person)
            expected = person in GETS_A_REPORT[status]
            assert allowed(s.review.pk, user, visible_to=can_view_a_report) is expected, f"{person} at {status}"


def test_the_review_itself_and_each_action_need_their_own_permission(partnership_a, scope_of):
    s = reported_scenario(partnership_a, ReviewStatus.SHARED)
    with scope_of(partnership_a):
        for person in PEOPLE_IN_A_SCENARIO:
            user = getattr(s, person)
            assert allowed(s.review.pk, user) is (person in SEE_THE_REVIEW), person
            # A shared review's visit can no longer be planned, by anyone.
            assert not allowed(s.review.pk, user, can_plan_visit), person
        assert not allowed(s.review.pk + 10_000, s.coordinator)
