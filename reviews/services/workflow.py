"""The review workflow: grouped -> scheduled -> visited -> draft -> factual-accuracy check -> final -> shared.

Each step is a service that checks the review is in the right state, records who made the step and when
(ReviewEvent) and computes the deadlines the step starts, in working days. Who may make each step is decided
in reviews/permissions.py, which views check before calling these.
"""

import datetime

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from partnership.accounts.models import User

from ..calendar import SchoolCalendar, calendar_for_partnership
from ..models import ReportDraft, Review, ReviewStatus
from ..selectors.reviews import last_visit_day
from .events import review_event_record
from .locks import lock_review
from .notifications import notify_report_shared

MAX_REPLY_LENGTH = 10_000  # each of the school's factual-accuracy comments and its right to reply

ALLOWED_STEPS: dict[str, set[str]] = {
    ReviewStatus.GROUPED: {ReviewStatus.SCHEDULED},
    ReviewStatus.SCHEDULED: {ReviewStatus.VISITED, ReviewStatus.GROUPED},
    ReviewStatus.VISITED: {ReviewStatus.DRAFT, ReviewStatus.FACTUAL_ACCURACY},
    ReviewStatus.DRAFT: {ReviewStatus.FACTUAL_ACCURACY},
    ReviewStatus.FACTUAL_ACCURACY: {ReviewStatus.FINAL},
    ReviewStatus.FINAL: {ReviewStatus.SHARED},
    ReviewStatus.SHARED: set(),
}


def review_step(*, review: Review, to_status: str, actor: User | None, note: str = "") -> Review:
    """Move a (locked) review to its next state and record the step. Callers hold the review row lock."""
    if to_status not in ALLOWED_STEPS[review.status]:
        raise ValidationError(
            f"This review is {review.get_status_display().lower()}; it cannot move to "
            f"'{ReviewStatus(to_status).label.lower()}' from here."
        )
    review_event_record(review=review, actor=actor, note=note, to_status=to_status)
    review.status = to_status
    review.status_changed_at = timezone.now()
    return review


@transaction.atomic
def review_mark_visited(
    *, review: Review, actor: User, today: datetime.date | None = None, calendar: SchoolCalendar | None = None
) -> Review:
    review = lock_review(review)
    today = today or timezone.localdate()
    last_day = last_visit_day(review)
    if last_day is None:
        raise ValidationError("The visit has no agreed dates yet.")
    if last_day > today:
        raise ValidationError(f"The visit ends on {last_day:%A %d %B %Y}; mark it as visited after that day.")
    calendar = calendar or calendar_for_partnership()
    review_step(review=review, to_status=ReviewStatus.VISITED, actor=actor)
    review.report_due_on = calendar.add_working_days(last_day, review.cycle.report_due_working_days)
    review.impact_visit_on = last_day + relativedelta(months=review.cycle.impact_visit_months)
    review.save(update_fields=["status", "status_changed_at", "report_due_on", "impact_visit_on"])
    return review


@transaction.atomic
def review_start_draft(*, review: Review, actor: User) -> Review:
    """The first save of findings or the report moves a visited review into drafting."""
    review = lock_review(review)
    if review.status == ReviewStatus.VISITED:
        review_step(review=review, to_status=ReviewStatus.DRAFT, actor=actor)
        review.save(update_fields=["status", "status_changed_at"])
    return review


@transaction.atomic
def review_submit_draft(
    *, review: Review, actor: User, today: datetime.date | None = None, calendar: SchoolCalendar | None = None
) -> Review:
    """The lead reviewer sends the draft to the school's headteacher for the factual-accuracy check."""
    review = lock_review(review)
    missing = [
        f.focus_area.name
        for f in review.findings.select_related("focus_area")
        if not (f.strengths.strip() or f.areas_for_development.strip())
    ]
    if not review.findings.exists():
        raise ValidationError("Write the findings for at least one focus area before sending the draft.")
    if missing:
        raise ValidationError(
            f"These focus areas have no strengths or areas for development yet: {', '.join(missing)}."
        )
    if review.cycle.uses_grades and review.findings.filter(grade="").exists():
        raise ValidationError("This cycle uses grades: give every focus area a grade before sending the draft.")
    calendar = calendar or calendar_for_partnership()
    review_step(review=review, to_status=ReviewStatus.FACTUAL_ACCURACY, actor=actor)
    review.factual_accuracy_due_on = calendar.add_working_days(
        today or timezone.localdate(), review.cycle.factual_accuracy_working_days
    )
    review.save(update_fields=["status", "status_changed_at", "factual_accuracy_due_on"])
    return review


@transaction.atomic
def review_respond_to_factual_accuracy(*, review: Review, actor: User, comments: str, school_response: str) -> Review:
    """The reviewed school's headteacher replies: factual corrections (or none) and the school's right to reply."""
    review = lock_review(review)
    if review.status != ReviewStatus.FACTUAL_ACCURACY:
        raise ValidationError("The draft is not waiting for a factual-accuracy check.")
    too_long = {
        name: f"Keep this to {MAX_REPLY_LENGTH:,} characters or fewer."
        for name, text in (("comments", comments), ("school_response", school_response))
        if len(text.strip()) > MAX_REPLY_LENGTH
    }
    if too_long:
        raise ValidationError(too_long)
    report, _ = ReportDraft.objects.get_or_create(review=review, defaults={"partnership_id": review.partnership_id})
    report.factual_accuracy_comments = comments.strip()
    report.school_response = school_response.strip()
    report.factual_accuracy_responded_at = timezone.now()
    report.factual_accuracy_responded_by = actor
    report.version += 1
    report.save()
    review_event_record(
        review=review,
        actor=actor,
        note="Factual-accuracy check returned" + (" with comments" if comments.strip() else ""),
    )
    return review


@transaction.atomic
def review_finalise(*, review: Review, actor: User, today: datetime.date | None = None) -> Review:
    review = lock_review(review)
    report = ReportDraft.objects.filter(review=review).first()
    responded = report is not None and report.factual_accuracy_responded_at is not None
    window_over = review.factual_accuracy_due_on is not None and (today or timezone.localdate()) > (
        review.factual_accuracy_due_on
    )
    if review.status == ReviewStatus.FACTUAL_ACCURACY and not responded and review.factual_accuracy_due_on is None:
        raise ValidationError("The school has not replied to the draft yet; finalise after it replies.")
    if review.status == ReviewStatus.FACTUAL_ACCURACY and not (responded or window_over):
        raise ValidationError(
            f"The school has until {review.factual_accuracy_due_on:%A %d %B %Y} to check the draft; "
            "finalise after it replies or after that day."
        )
    review_step(review=review, to_status=ReviewStatus.FINAL, actor=actor)
    review.save(update_fields=["status", "status_changed_at"])
    return review


@transaction.atomic
def review_share_with_governors(*, review: Review, actor: User) -> Review:
    review = lock_review(review)
    review_step(review=review, to_status=ReviewStatus.SHARED, actor=actor)
    review.save(update_fields=["status", "status_changed_at"])
    notify_report_shared(review=review, actor=actor)
    return review
