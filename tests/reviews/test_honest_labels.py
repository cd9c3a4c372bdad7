"""Labels are honest (issue 12): a field needed before sharing or sending is never labelled "(optional)", and a
grade's label and hint say the same thing."""

import html as html_lib
import re

import pytest

from reviews.models import ReviewStatus
from tests.reviews.factories import review_scenario

pytestmark = pytest.mark.django_db


def labels(html: str) -> list[str]:
    """The text of every label and legend on the page, spaces collapsed."""
    found = re.findall(r"<(?:label|legend)[^>]*>(.*?)</(?:label|legend)>", html, flags=re.S)
    return [html_lib.unescape(" ".join(re.sub(r"<[^>]+>", "", text).split())) for text in found]


def test_the_self_review_labels_what_sharing_needs_without_optional(partnership_a, client_at):
    s = review_scenario(partnership_a, status=ReviewStatus.SCHEDULED)
    html = client_at(partnership_a, s.head).get(f"/reviews/{s.review.pk}/self-review/").content.decode()
    found = labels(html)
    for needed in (
        "Focus areas",
        "First line of enquiry",
        "Summary of your self-evaluation (SEF)",
        "Summary of your school improvement plan (SIP)",
    ):
        assert needed in found, found
    assert "Second line of enquiry (optional)" in found  # truly optional: still said
    assert html.count("Needed before you share the self-review.") == 4


def test_a_graded_findings_form_says_the_grade_is_needed_before_the_draft_is_sent(partnership_a, client_at, scope_of):
    s = review_scenario(partnership_a, status=ReviewStatus.VISITED)
    with scope_of(partnership_a):
        s.review.cycle.grading_scale = "peer_review"
        s.review.cycle.save()
        focus = s.review.cycle.focus_areas.order_by("position").first()
    html = client_at(partnership_a, s.lead_reviewer).get(f"/reviews/{s.review.pk}/findings/{focus.pk}/").content
    found = labels(html.decode())
    assert "Grade" in found and "Grade (optional)" not in found
    assert "Strengths (what went well)" in found and "Areas for development (even better if)" in found
    assert "every focus area written up needs a grade before the draft is sent" in html.decode()


def test_the_factual_accuracy_comments_are_not_called_optional(partnership_a, client_at):
    s = review_scenario(partnership_a, status=ReviewStatus.FACTUAL_ACCURACY)
    html = client_at(partnership_a, s.head).get(f"/reviews/{s.review.pk}/factual-accuracy/").content.decode()
    found = labels(html)
    assert "Your factual-accuracy comments" in found
    assert "The school's response (right to reply) (optional)" in found
