"""Reads for the findings and the report draft as the review team writes them.

What a report says (on its page and in its PDF) is built in one place: reviews/reports/content.py.
"""

from dataclasses import dataclass

from ..models import Finding, FocusArea, ReportDraft, Review
from .visits import chosen_focus_area_ids, cycle_focus_areas


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
