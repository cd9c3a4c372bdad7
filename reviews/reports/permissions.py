"""Who may download which report, and who may see who downloaded it. Built on reviews/permissions.py.

- A draft goes to those who may see the review (the school's headteacher and senior leaders, the review team,
  coordinators), never to governors.
- The final report goes to the same people once the review is final, and to the school's governors once it is
  shared with them; governors get the current final version only, never an earlier one.
- The record of downloads is for the reviewed school's headteacher and the coordinators.
"""

from partnership.accounts.models import User
from partnership.tenancy.models import Partnership
from partnership.tenancy.permissions import has_role, is_coordinator
from partnership.tenancy.roles import Role

from ..models import Review
from ..models.reports import ReportKind, ReportRender
from ..permissions import (
    can_view_draft_report,
    can_view_final_report,
    can_view_review,
    is_headteacher_of_reviewed_school,
)


def can_download_kind(user: User, review: Review, kind: str) -> bool:
    if kind == ReportKind.DRAFT:
        return can_view_draft_report(user, review)
    return can_view_final_report(user, review)


def can_download_render(user: User, render: ReportRender, *, latest_final_version: int | None) -> bool:
    """`latest_final_version`: the newest ready final version of the review. People who may not open the review
    (governors) may have that version or a newer one being prepared, never an earlier one."""
    review = render.review
    if not can_download_kind(user, review, render.kind):
        return False
    return can_view_review(user, review) or render.version >= (latest_final_version or 0)


def can_view_report_downloads(user: User, review: Review) -> bool:
    return is_coordinator(user, review.partnership) or is_headteacher_of_reviewed_school(user, review)


def can_prepare_cycle_reports(user: User, partnership: Partnership) -> bool:
    return is_coordinator(user, partnership)


def can_use_reports_page(user: User, partnership: Partnership) -> bool:
    return has_role(user, partnership, Role.COORDINATOR, Role.HEADTEACHER, Role.SENIOR_LEADER, Role.GOVERNOR)
