"""The headteacher's home page prompts each action waiting on them (issue 12)."""

import pytest

from reviews.models import ReviewStatus
from tests.reviews.factories import review_scenario

pytestmark = pytest.mark.django_db

PROMPTS = {
    ReviewStatus.GROUPED: ("Propose dates for the visit", "/visit-dates/"),
    ReviewStatus.SCHEDULED: ("Start your self-review", "/self-review/"),
    ReviewStatus.FACTUAL_ACCURACY: ("Check the draft report for factual accuracy and reply", "/factual-accuracy/"),
    ReviewStatus.FINAL: ("Share the final report with governors", "/share-with-governors/"),
}


@pytest.mark.parametrize("status", [s.value for s in ReviewStatus])
def test_the_head_is_prompted_for_what_waits_on_them_and_others_are_not(partnership_a, client_at, status):
    s = review_scenario(partnership_a, status=status)
    page = client_at(partnership_a, s.head).get("/").content.decode()
    if status in PROMPTS:
        text, path = PROMPTS[status]
        assert "Waiting on you:" in page and text in page
        assert f'href="/reviews/{s.review.pk}{path}"' in page
        assert client_at(partnership_a, s.head).get(f"/reviews/{s.review.pk}{path}").status_code == 200
    else:
        assert "Waiting on you:" not in page
    for other in (s.lead_reviewer, s.reviewer, s.staff):
        assert "Waiting on you:" not in client_at(partnership_a, other).get("/").content.decode()
