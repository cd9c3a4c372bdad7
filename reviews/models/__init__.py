"""Peer review: cycles, the partnership calendar, enrolment, review groups, reviews and their workflow,
visits, evidence, findings and the report draft."""

from .audit import AttachmentDownload
from .calendar import ClosureDay, Term
from .cycles import Cycle, Enrolment, FocusArea, GradingScale, ReviewerTraining
from .findings import Finding, ReportDraft
from .grouping_runs import GroupingRun
from .groups import ReviewGroup, ReviewGroupMember
from .notifications import Notification, NotificationKind
from .reports import RenderStatus, ReportBatch, ReportBatchItem, ReportDownload, ReportKind, ReportRender
from .reviews import Review, ReviewEvent, ReviewStatus, ReviewTeamMember, VisitDay, VisitProposal
from .visits import Activity, ActivityKind, Attachment, EvidenceNote, SelfReview

__all__ = [
    "Activity",
    "ActivityKind",
    "Attachment",
    "AttachmentDownload",
    "ClosureDay",
    "Cycle",
    "Enrolment",
    "EvidenceNote",
    "Finding",
    "FocusArea",
    "GradingScale",
    "GroupingRun",
    "Notification",
    "NotificationKind",
    "RenderStatus",
    "ReportBatch",
    "ReportBatchItem",
    "ReportDownload",
    "ReportDraft",
    "ReportKind",
    "ReportRender",
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
