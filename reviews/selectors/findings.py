"""Reads for the findings, the report draft and the report as the school, the team and (once shared) governors read it.

`report_content(review)` is the report's whole content in reading order: the page at /reviews/<pk>/report/ renders
it with templates/reviews/report/body.html, and a PDF of the report should render the same.
"""

import datetime
from dataclasses import dataclass

from ..models import Finding, FocusArea, ReportDraft, Review, ReviewStatus, ReviewTeamMember
from .visits import chosen_focus_area_ids, cycle_focus_areas, lines_of_enquiry, self_review_of


@dataclass
class FindingRow:
    focus_area: FocusArea
    finding: Finding | None
    chosen: bool  # one of the school's chosen focus areas

    @property
    def written(self) -> bool:
        return self.finding is not None and bool(
            self.finding.strengths.strip() or self.finding.areas_for_development.strip()
        )


def report_of(review: Review) -> ReportDraft | None:
    if "_report" not in review.__dict__:
        review.__dict__["_report"] = (
            ReportDraft.objects.filter(review=review).select_related("factual_accuracy_responded_by").first()
        )
    return review.__dict__["_report"]


def findings_overview(review: Review) -> list[FindingRow]:
    """Every focus area of the cycle with its finding: the school's chosen areas first, then the rest."""
    if "_findings_overview" not in review.__dict__:
        chosen = set(chosen_focus_area_ids(review))
        findings = {f.focus_area_id: f for f in Finding.objects.filter(review=review).select_related("updated_by")}
        rows = [FindingRow(area, findings.get(area.pk), area.pk in chosen) for area in cycle_focus_areas(review)]
        rows.sort(key=lambda row: not row.chosen)  # stable: keeps the cycle's order within each part
        review.__dict__["_findings_overview"] = rows
    return review.__dict__["_findings_overview"]


@dataclass
class ReportContent:
    review: Review
    is_final: bool
    visit_days: list[datetime.date]
    lead_reviewer: ReviewTeamMember | None
    reviewers: list[ReviewTeamMember]
    focus_areas: list[FocusArea]
    lines_of_enquiry: list[str]
    report: ReportDraft | None
    findings: list[FindingRow]
    uses_grades: bool
    school_response: str


def report_content(review: Review) -> ReportContent:
    """The report in reading order: context, focus and lines of enquiry, findings per area, the area of excellence,
    recommendations, next steps and the school's response (once given)."""
    team = list(
        ReviewTeamMember.objects.filter(review=review)
        .select_related("user", "school")
        .order_by("-is_lead", "user__last_name", "user__first_name")
    )
    self_review = self_review_of(review) if _self_review_shared(review) else None
    report = report_of(review)
    return ReportContent(
        review=review,
        is_final=review.status in (ReviewStatus.FINAL, ReviewStatus.SHARED),
        visit_days=[day.date for day in review.visit_days.all()],
        lead_reviewer=next((seat for seat in team if seat.is_lead), None),
        reviewers=[seat for seat in team if not seat.is_lead],
        focus_areas=list(self_review.focus_areas.all()) if self_review else [],
        lines_of_enquiry=lines_of_enquiry(self_review),
        report=report,
        findings=[row for row in findings_overview(review) if row.written],
        uses_grades=review.cycle.uses_grades,
        school_response=report.school_response if report and report.factual_accuracy_responded_at else "",
    )


def _self_review_shared(review: Review) -> bool:
    self_review = self_review_of(review)
    return self_review is not None and self_review.shared_at is not None
