"""The sections of a review's page, in order. Each part of the review adds its own section here.

A section is shown when `visible(user, review)` says so; its `context(request, review)` adds what its template
needs. Templates live under templates/reviews/sections/.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from partnership.accounts.models import User

from ..models import Review
from ..permissions import can_view_review
from ..reports.section import can_see_report_section, report_section_context
from ..views.scheduling import visit_dates_section
from . import visit


@dataclass(frozen=True)
class ReviewSection:
    key: str
    title: str
    template: str
    visible: Callable[[User, Review], bool]
    context: Callable[[HttpRequest, Review], dict[str, Any]]


def _no_context(request, review) -> dict[str, Any]:
    return {}


SECTIONS: list[ReviewSection] = [
    ReviewSection("timeline", "Progress", "reviews/sections/timeline.html", can_view_review, _no_context),
    ReviewSection(
        "next-steps",
        "What happens next",
        "reviews/sections/next_steps.html",
        can_view_review,
        visit.next_steps_context,
    ),
    ReviewSection(
        "visit-dates", "Visit dates", "reviews/scheduling/section.html", can_view_review, visit_dates_section
    ),
    ReviewSection(
        "self-review",
        "Self-review",
        "reviews/sections/self_review.html",
        can_view_review,
        visit.self_review_context,
    ),
    ReviewSection(
        "programme",
        "Visit programme",
        "reviews/sections/programme.html",
        visit.scheduled_and_visible,
        visit.programme_context,
    ),
    ReviewSection(
        "evidence",
        "Evidence",
        "reviews/sections/evidence.html",
        visit.scheduled_and_visible,
        visit.evidence_context,
    ),
    ReviewSection(
        "findings",
        "Findings and report",
        "reviews/sections/findings.html",
        visit.visited_and_visible,
        visit.findings_context,
    ),
    ReviewSection("report", "Report", "reviews/sections/report.html", can_see_report_section, report_section_context),
]


def sections_for(request: HttpRequest, review: Review) -> list[tuple[ReviewSection, dict[str, Any]]]:
    return [
        (section, section.context(request, review)) for section in SECTIONS if section.visible(request.user, review)
    ]
