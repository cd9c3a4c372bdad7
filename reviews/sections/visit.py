"""The review page's sections for the review itself (listed in reviews/sections/__init__.py): what to do next, the
self-review, the visit programme, the evidence and the findings. Each context is a few bounded queries."""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from partnership.accounts.models import User

from ..models import Review, ReviewStatus
from ..permissions import (
    can_edit_self_review,
    can_finalise,
    can_mark_visited,
    can_plan_visit,
    can_record_evidence,
    can_respond_to_factual_accuracy,
    can_share_with_governors,
    can_submit_draft,
    can_view_review,
    can_write_findings,
    is_coordinator,
    is_lead_reviewer,
    leads_reviewed_school,
)
from ..selectors.findings import findings_overview, report_of
from ..selectors.visits import attachments_of, lines_of_enquiry, self_review_of, visit_counts
from ..workflow_display import what_happens_next


def _visit_counts(review: Review) -> dict[str, int]:
    if "_visit_counts" not in review.__dict__:
        review.__dict__["_visit_counts"] = visit_counts(review)
    return review.__dict__["_visit_counts"]


def next_steps_context(request: HttpRequest, review: Review) -> dict[str, Any]:
    user, today = request.user, timezone.localdate()
    days = [day.date for day in review.visit_days.all()]
    last_day = max(days) if days else None
    may_mark = can_mark_visited(user, review) and last_day is not None
    report = report_of(review) if review.has_reached(ReviewStatus.DRAFT) else None
    in_check = review.status == ReviewStatus.FACTUAL_ACCURACY
    return {
        "today": today,
        "mark_visited": may_mark and last_day <= today,
        "mark_visited_from": last_day if may_mark and last_day > today else None,
        "send_draft": can_submit_draft(user, review),
        "write_findings": can_write_findings(user, review),
        "respond": can_respond_to_factual_accuracy(user, review),
        "finalise": can_finalise(user, review),
        "share": can_share_with_governors(user, review),
        "report_due_on": review.report_due_on if review.status in (ReviewStatus.VISITED, ReviewStatus.DRAFT) else None,
        "report_overdue": bool(
            review.report_due_on
            and review.report_due_on < today
            and review.status in (ReviewStatus.VISITED, ReviewStatus.DRAFT)
        ),
        "accuracy_due_on": review.factual_accuracy_due_on if in_check else None,
        "accuracy_overdue": bool(
            in_check
            and review.factual_accuracy_due_on
            and review.factual_accuracy_due_on < today
            and not (report and report.factual_accuracy_responded_at)
        ),
        "responded": bool(report and report.factual_accuracy_responded_at),
        "report": report,
        "what_next": what_happens_next(review, responded=bool(report and report.factual_accuracy_responded_at)),
    }


def self_review_context(request: HttpRequest, review: Review) -> dict[str, Any]:
    self_review = self_review_of(review)
    shared = self_review is not None and self_review.shared_at is not None
    visible = leads_reviewed_school(request.user, review) or shared
    today = timezone.localdate()
    return {
        "self_review": self_review if visible else None,
        "shared": shared,
        "lines": lines_of_enquiry(self_review) if visible else [],
        "document_count": attachments_of(review).count() if visible else 0,
        "can_edit": can_edit_self_review(request.user, review),
        "due_on": review.self_review_due_on,
        "overdue": bool(review.self_review_due_on and review.self_review_due_on < today and not shared),
    }


def programme_context(request: HttpRequest, review: Review) -> dict[str, Any]:
    return {
        "activity_count": _visit_counts(review)["activities"],
        "has_days": bool(review.visit_days.all()),
        "can_plan": can_plan_visit(request.user, review),
    }


def evidence_context(request: HttpRequest, review: Review) -> dict[str, Any]:
    return {"note_count": _visit_counts(review)["notes"], "can_record": can_record_evidence(request.user, review)}


def findings_context(request: HttpRequest, review: Review) -> dict[str, Any]:
    report = report_of(review)
    user = request.user
    return {
        "rows": findings_overview(review),
        "report": report,
        "can_write": can_write_findings(user, review),
        "uses_grades": review.cycle.uses_grades,
        "sees_accuracy_comments": bool(report and report.factual_accuracy_responded_at)
        and (
            is_lead_reviewer(user, review)
            or is_coordinator(user, review.partnership)
            or leads_reviewed_school(user, review)
        ),
    }


def scheduled_and_visible(user: User, review: Review) -> bool:
    return review.has_reached(ReviewStatus.SCHEDULED) and can_view_review(user, review)


def visited_and_visible(user: User, review: Review) -> bool:
    return review.has_reached(ReviewStatus.VISITED) and can_view_review(user, review)
