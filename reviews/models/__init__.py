"""Peer review: cycles, the partnership calendar, enrolment, review groups, reviews and their workflow,
visits, evidence, findings and the report draft."""

from .calendar import ClosureDay, Term
from .cycles import Cycle, Enrolment, FocusArea, GradingScale, ReviewerTraining
from .findings import Finding, ReportDraft
from .grouping_runs import GroupingRun
from .groups import ReviewGroup, ReviewGroupMember
from .reviews import Review, ReviewEvent, ReviewStatus, ReviewTeamMember, VisitDay, VisitProposal
from .visits import Activity, ActivityKind, Attachment, EvidenceNote, SelfReview

__all__ = [
    "Activity",
    "ActivityKind",
    "Attachment",
    "ClosureDay",
    "Cycle",
    "Enrolment",
    "EvidenceNote",
    "Finding",
    "FocusArea",
    "GradingScale",
    "GroupingRun",
    "ReportDraft",
    "Review",
    "ReviewEvent",
    "ReviewGroup",
    "ReviewGroupMember",
    "ReviewStatus",
    "ReviewTeamMember",
    "ReviewerTraining",
    "SelfReview",
    "Term",
    "VisitDay",
    "VisitProposal",
]
