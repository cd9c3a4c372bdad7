"""How the workflow reads on a review's page: each step, done or not, with its date or deadline."""

from dataclasses import dataclass

from .models import Review, ReviewStatus
from .models.reviews import STATUS_ORDER


@dataclass(frozen=True)
class Step:
    label: str
    state: str  # done, current, to do
    detail: str = ""


def steps_for(review: Review) -> list[Step]:
    current = STATUS_ORDER.index(review.status)
    details = {
        ReviewStatus.SCHEDULED: ", ".join(f"{d.date:%d %b %Y}" for d in review.visit_days.all()),
        ReviewStatus.DRAFT: f"due {review.report_due_on:%d %b %Y}" if review.report_due_on else "",
        ReviewStatus.FACTUAL_ACCURACY: (
            f"due {review.factual_accuracy_due_on:%d %b %Y}" if review.factual_accuracy_due_on else ""
        ),
    }
    steps = []
    for index, status in enumerate(STATUS_ORDER):
        state = "done" if index < current else "current" if index == current else "to do"
        steps.append(Step(ReviewStatus(status).label, state, details.get(status, "")))
    return steps
