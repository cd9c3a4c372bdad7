"""A review belongs to the reviewed school (../shared/DESIGN.md), tested role by role through the pages."""

import pytest

from reviews import permissions
from reviews.models import ReviewStatus
from tests.factories import PartnershipFactory, member
from tests.reviews.factories import review_scenario

pytestmark = pytest.mark.django_db

SEES_THE_REVIEW = {"coordinator", "head", "senior_leader", "lead_reviewer", "reviewer"}
NEVER_SEES_IT = {"governor", "staff", "board_member", "other_head", "other_governor"}


@pytest.mark.parametrize("person", sorted(SEES_THE_REVIEW | NEVER_SEES_IT))
@pytest.mark.parametrize("status", [ReviewStatus.SCHEDULED, ReviewStatus.DRAFT, ReviewStatus.SHARED])
def test_who_can_open_a_review(partnership_a, client_at, person, status):
    s = review_scenario(partnership_a, status=status)
    user = getattr(s, person)
    response = client_at(partnership_a, user).get(f"/reviews/{s.review.pk}/")
    expected = 200 if person in SEES_THE_REVIEW else 404
    assert response.status_code == expected, f"{person} at {status}"
    listing = client_at(partnership_a, user).get("/reviews/")
    if person in SEES_THE_REVIEW:
        assert b"Kingsmead Primary School" in listing.content
    else:
        assert b"Kingsmead Primary School" not in listing.content


@pytest.mark.parametrize("status", list(ReviewStatus))
def test_a_governor_never_sees_a_draft_and_sees_the_final_report_once_shared(partnership_a, scope_of, status):
    s = review_scenario(partnership_a, status=status)
    with scope_of(partnership_a):
        assert not permissions.can_view_review(s.governor, s.review)
        assert not permissions.can_view_draft_report(s.governor, s.review)
        assert permissions.can_view_final_report(s.governor, s.review) is (status == ReviewStatus.SHARED)
        assert not permissions.can_view_final_report(s.other_governor, s.review)


@pytest.mark.parametrize("status", list(ReviewStatus))
def test_a_board_member_never_sees_one_schools_review(partnership_a, scope_of, status):
    s = review_scenario(partnership_a, status=status)
    with scope_of(partnership_a):
        assert not permissions.can_view_review(s.board_member, s.review)
        assert not permissions.can_view_final_report(s.board_member, s.review)
        assert not permissions.can_view_draft_report(s.board_member, s.review)


def test_a_board_member_who_is_also_the_schools_head_sees_it_as_head(partnership_a, scope_of):
    s = review_scenario(partnership_a)
    with scope_of(partnership_a):
        from partnership.tenancy.roles import Role

        member(partnership_a, Role.BOARD_MEMBER, user=s.head)
        assert permissions.can_view_review(s.head, s.review)


def test_a_reviewer_sees_only_the_reviews_they_sit_on(partnership_a, client_at):
    s = review_scenario(partnership_a)
    other = review_scenario(partnership_a)
    client = client_at(partnership_a, s.reviewer)
    assert client.get(f"/reviews/{s.review.pk}/").status_code == 200
    assert client.get(f"/reviews/{other.review.pk}/").status_code == 404


def test_a_review_of_another_partnership_is_404_even_for_its_coordinator_elsewhere(partnership_a, client_at):
    s = review_scenario(partnership_a)
    elsewhere = PartnershipFactory(slug="elsewhere")
    from partnership.tenancy.roles import Role

    member(elsewhere, Role.COORDINATOR, user=s.coordinator)
    assert client_at(elsewhere, s.coordinator).get(f"/reviews/{s.review.pk}/").status_code == 404


WHO_MAY = {
    "propose_visit_dates": ({"head", "coordinator"}, ReviewStatus.GROUPED),
    "respond_to_visit_dates": ({"lead_reviewer", "reviewer", "coordinator"}, ReviewStatus.GROUPED),
    "edit_self_review": ({"head", "senior_leader"}, ReviewStatus.SCHEDULED),
    "plan_visit": ({"head", "senior_leader", "lead_reviewer", "reviewer"}, ReviewStatus.SCHEDULED),
    "record_evidence": ({"lead_reviewer", "reviewer"}, ReviewStatus.VISITED),
    "mark_visited": ({"lead_reviewer", "reviewer", "coordinator"}, ReviewStatus.SCHEDULED),
    "write_findings": ({"lead_reviewer", "reviewer"}, ReviewStatus.DRAFT),
    "submit_draft": ({"lead_reviewer"}, ReviewStatus.DRAFT),
    "respond_to_factual_accuracy": ({"head"}, ReviewStatus.FACTUAL_ACCURACY),
    "finalise": ({"coordinator"}, ReviewStatus.FACTUAL_ACCURACY),
    "share_with_governors": ({"coordinator", "head"}, ReviewStatus.FINAL),
}


@pytest.mark.parametrize("action", sorted(WHO_MAY))
def test_who_may_make_each_step(partnership_a, scope_of, action):
    allowed, status = WHO_MAY[action]
    s = review_scenario(partnership_a, status=status)
    check = getattr(permissions, f"can_{action}")
    with scope_of(partnership_a):
        for person in sorted(SEES_THE_REVIEW | NEVER_SEES_IT):
            assert check(getattr(s, person), s.review) is (person in allowed), f"{person} {action}"
