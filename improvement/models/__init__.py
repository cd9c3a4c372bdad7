"""School improvement after the review: action plans and impact visits, the partnership's categories of support,
system leaders and the school-to-school support brokered from them."""

from .after_review import Action, ActionPlan, ActionProgress, ActionStatus, ImpactVisit, Progress
from .annual_report import AnnualReportForeword, AnnualReportPdf, PdfStatus
from .categories import Category, SchoolCategory
from .grants import Grant, GrantKind
from .self_evaluation import LEVELS, Strand, StrandRating
from .support import (
    Designation,
    Impact,
    LeaderConflict,
    SupportAgreement,
    SupportChange,
    SupportEvaluation,
    SupportMidpointReview,
    SupportRequest,
    SupportStatus,
    SupportVisit,
    SystemLeader,
)

__all__ = [
    "LEVELS",
    "Action",
    "ActionPlan",
    "ActionProgress",
    "ActionStatus",
    "AnnualReportForeword",
    "AnnualReportPdf",
    "Category",
    "Designation",
    "Grant",
    "GrantKind",
    "Impact",
    "ImpactVisit",
    "LeaderConflict",
    "PdfStatus",
    "Progress",
    "SchoolCategory",
    "Strand",
    "StrandRating",
    "SupportAgreement",
    "SupportChange",
    "SupportEvaluation",
    "SupportMidpointReview",
    "SupportRequest",
    "SupportStatus",
    "SupportVisit",
    "SystemLeader",
]
