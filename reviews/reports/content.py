"""What a report says: a plain, JSON-serialisable snapshot of a review, built before rendering.

This is the one place that decides what a report contains. The page (/reviews/<pk>/report/, and the draft the
headteacher checks) and the PDF are both rendered from it, with the same section templates (templates/pdf/partials/),
so they cannot disagree about what a reader sees:
- the school's focus areas and lines of enquiry only once the school has shared its self-review;
- a finding once it has any text, or a grade in a cycle that grades ("Not graded" for the rest in such a cycle);
  the school's chosen focus areas first, then the rest in the cycle's order;
- the school's response only once the headteacher has sent it.

The snapshot is what the content hash covers and what the worker renders, so a report is rendered from exactly
the content that was asked for, even if someone edits the review while it waits in the queue. Build many at
once with `report_contents` (a fixed number of queries for any number of reviews).
"""

import datetime
from collections.abc import Iterable
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from partnership.common.text import and_join, long_date, short_date

from ..models import Finding, FocusArea, Review, ReviewEvent, ReviewStatus, ReviewTeamMember
from ..models.reports import ReportKind
from .hashing import template_version
from .text import text_blocks

DRAFT_STATUSES = (ReviewStatus.DRAFT, ReviewStatus.FACTUAL_ACCURACY)
FINAL_STATUSES = (ReviewStatus.FINAL, ReviewStatus.SHARED)


def report_kind_for(review: Review) -> str | None:
    """The report a review has now: a draft while it is drafted and checked, the final once finalised."""
    if review.status in DRAFT_STATUSES:
        return ReportKind.DRAFT
    if review.status in FINAL_STATUSES:
        return ReportKind.FINAL
    return None


def dates_summary(days: list[datetime.date]) -> str:
    """'3 November 2026', '3 and 4 November 2026', '30 November and 1 December 2026'."""
    if not days:
        return ""
    first, last = days[0], days[-1]
    if (first.year, first.month) == (last.year, last.month):
        return f"{and_join([str(day.day) for day in days])} {last:%B %Y}"
    if first.year == last.year:
        return f"{and_join([f'{day.day} {day:%B}' for day in days])} {last.year}"
    return and_join([short_date(day) for day in days])


def with_report_details(reviews: QuerySet[Review]) -> QuerySet[Review]:
    """Everything a report prints, loaded in a fixed number of queries."""
    return reviews.select_related(
        "partnership", "school", "school__trust", "cycle", "report", "self_review"
    ).prefetch_related(
        Prefetch(
            "team",
            queryset=ReviewTeamMember.objects.select_related("user", "school").order_by(
                "-is_lead", "user__last_name", "user__first_name", "pk"
            ),
        ),
        "visit_days",
        Prefetch(
            "findings",
            queryset=Finding.objects.select_related("focus_area").order_by(
                "focus_area__position", "focus_area__name", "pk"
            ),
        ),
        Prefetch("self_review__focus_areas", queryset=FocusArea.objects.order_by("position", "name")),
        Prefetch(
            "events",
            queryset=ReviewEvent.objects.filter(to_status=ReviewStatus.FINAL).order_by("-at"),
            to_attr="finalised_events",
        ),
    )


def _one_to_one(review: Review, name: str):
    try:
        return getattr(review, name)
    except Review._meta.get_field(name).related_model.DoesNotExist:
        return None


def _person(seat: ReviewTeamMember) -> dict[str, Any]:
    user = seat.user
    name = " ".join(part for part in (user.title, user.get_full_name()) if part) or user.email
    return {"name": name, "school": seat.school.name if seat.school else "", "lead": seat.is_lead}


def report_content(review: Review, kind: str) -> dict[str, Any]:
    """The snapshot for one review loaded through `with_report_details`."""
    partnership, school, cycle = review.partnership, review.school, review.cycle
    report = _one_to_one(review, "report")
    self_review = _one_to_one(review, "self_review")
    days = sorted(day.date for day in review.visit_days.all())
    finalised = getattr(review, "finalised_events", [])
    finalised_on = short_date(timezone.localtime(finalised[0].at).date()) if finalised else ""
    if kind == ReportKind.FINAL:
        status_line = f"Final report, agreed {finalised_on}" if finalised_on else "Final report"
    elif review.status == ReviewStatus.FACTUAL_ACCURACY:
        status_line = "Draft report for the school's factual-accuracy check"
    else:
        status_line = "Draft report, in preparation by the review team"
    uses_grades = cycle.uses_grades
    if self_review is not None and self_review.shared_at is None:
        self_review = None  # the school's own draft: not part of any report until the school shares it
    chosen = [area.pk for area in self_review.focus_areas.all()] if self_review else []
    written = [
        finding
        for finding in review.findings.all()
        if finding.strengths.strip() or finding.areas_for_development.strip() or (uses_grades and finding.grade)
    ]
    written.sort(key=lambda finding: finding.focus_area_id not in chosen)  # stable: keeps the cycle's order
    findings = [
        {
            "area": finding.focus_area.name,
            "strengths": text_blocks(finding.strengths),
            "areas_for_development": text_blocks(finding.areas_for_development),
            "grade": (finding.grade or "Not graded") if uses_grades else "",
        }
        for finding in written
    ]
    responded = report is not None and report.factual_accuracy_responded_at is not None
    return {
        "template": template_version(),
        "kind": kind,
        "title": f"Peer review report: {school.name}",
        "status_line": status_line,
        "language": "en-GB",
        "partnership": {
            "name": partnership.name,
            "colour": partnership.colour,
            "logo": partnership.logo.name if partnership.logo else "",
        },
        "school": {
            "name": school.name,
            "urn": school.urn,
            "trust": school.trust.name if school.trust else "",
            "phase": school.get_phase_display() if school.phase != school.Phase.NOT_APPLICABLE else "",
            "town": school.town,
        },
        "cycle": {
            "name": cycle.name,
            "academic_year": cycle.academic_year,
            "uses_grades": uses_grades,
            "grades": cycle.grades,
        },
        "visit": {"dates": [long_date(day) for day in days], "summary": dates_summary(days)},
        "finalised_on": finalised_on,
        "team": [_person(seat) for seat in review.team.all()],
        "focus_areas": [area.name for area in self_review.focus_areas.all()] if self_review else [],
        "lines_of_enquiry": text_blocks(self_review.lines_of_enquiry) if self_review else [],
        "context": text_blocks(report.context) if report else [],
        "findings": findings,
        "area_of_excellence": text_blocks(report.area_of_excellence) if report else [],
        "recommendations": text_blocks(report.recommendations) if report else [],
        "next_steps": text_blocks(report.next_steps) if report else [],
        "school_response": text_blocks(report.school_response) if responded else [],
    }


def report_page_context(review: Review) -> dict[str, Any]:
    """What templates/reviews/report/body.html needs: the report the review has now, as its PDF prints it.
    Only for reviews that have a report (a draft or final one); the caller checks who may read it."""
    [(_, content)] = report_contents(Review.objects.filter(pk=review.pk))
    return {"report": content, "draft": content["kind"] == ReportKind.DRAFT}


def report_contents(reviews: Iterable[Review] | QuerySet[Review], kind: str | None = None) -> list[tuple[Review, dict]]:
    """(review, content) for each review that has a report now (its current kind, or `kind` when given)."""
    queryset = reviews if isinstance(reviews, QuerySet) else Review.objects.filter(pk__in=[r.pk for r in reviews])
    result = []
    for review in with_report_details(queryset):
        review_kind = kind or report_kind_for(review)
        if review_kind is not None:
            result.append((review, report_content(review, review_kind)))
    return result
