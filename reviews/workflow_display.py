"""How the workflow reads on a review's page: each step, done or not, with its date or deadline."""

import datetime
from dataclasses import dataclass

from partnership.common.text import long_date

from .models import Review, ReviewEvent, ReviewStatus, VisitProposal
from .models.reviews import STATUS_ORDER
from .wording import days_label


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


# The workflow's history in words (issue 12: never status codes such as `factual_accuracy`).
STEP_WORDS = {
    ReviewStatus.GROUPED: "Placed in a review group",
    ReviewStatus.SCHEDULED: "Visit dates agreed",
    ReviewStatus.VISITED: "Visit marked as done",
    ReviewStatus.DRAFT: "Started writing the report",
    ReviewStatus.FACTUAL_ACCURACY: "Draft sent to the school for its factual-accuracy check",
    ReviewStatus.FINAL: "Report finalised",
    ReviewStatus.SHARED: "Final report shared with governors",
}


@dataclass(frozen=True)
class HistoryLine:
    at: datetime.datetime
    who: str
    words: str


def event_in_words(event: ReviewEvent) -> str:
    if event.note:
        return event.note
    if event.to_status == event.from_status == ReviewStatus.FACTUAL_ACCURACY:
        return "The school replied to the factual-accuracy check"
    if event.to_status in STEP_WORDS:
        return STEP_WORDS[event.to_status]
    label = ReviewStatus(event.to_status).label if event.to_status in ReviewStatus.values else "a new stage"
    return f"Moved to {label.lower()}"


def _who(user) -> str:
    return (user.get_full_name() or user.email) if user is not None else "The portal"


def history_for(review: Review) -> list[HistoryLine]:
    """Every workflow step and every proposal of visit dates (and its answer), oldest first. Two queries."""
    lines = [
        HistoryLine(event.at, _who(event.actor), event_in_words(event))
        for event in review.events.select_related("actor")
    ]
    for proposal in VisitProposal.objects.filter(review=review).select_related("proposed_by", "responded_by"):
        days = days_label(proposal.days)
        lines.append(HistoryLine(proposal.proposed_at, _who(proposal.proposed_by), f"Visit dates proposed: {days}"))
        if proposal.responded_at:
            answer = {
                VisitProposal.Status.ACCEPTED: f"Visit dates accepted: {days}",
                VisitProposal.Status.DECLINED: f"Other dates asked for instead of {days}",
                VisitProposal.Status.WITHDRAWN: f"Proposed dates withdrawn: {days}",
            }.get(proposal.status, f"Proposed dates answered: {days}")
            lines.append(HistoryLine(proposal.responded_at, _who(proposal.responded_by), answer))
    return sorted(lines, key=lambda line: line.at)


def what_happens_next(review: Review, *, responded: bool = False) -> str:
    """One sentence for every stage: what happens next, who does it and by when (issue 12: never empty)."""
    status = review.status
    if status == ReviewStatus.GROUPED:
        ends = review.cycle.visit_window_ends_on
        return (
            "The school's headteacher proposes one to three visit days"
            + (f" before {long_date(ends)}, the end of the cycle's visit window" if ends else "")
            + "; the lead reviewer then accepts them or asks for others."
        )
    if status == ReviewStatus.SCHEDULED:
        days = [day.date for day in review.visit_days.all()]
        due = review.self_review_due_on
        return (
            (f"The visit is on {days_label(days)}. " if days else "")
            + "Before it, the school's headteacher shares the self-review with the review team"
            + (f" by {long_date(due)}" if due else "")
            + ". After the last day, the review team marks the visit as done."
        )
    if status in (ReviewStatus.VISITED, ReviewStatus.DRAFT):
        due = review.report_due_on
        return (
            "The lead reviewer writes the findings and sends the draft report to the school"
            + (f" by {long_date(due)}" if due else "")
            + "."
        )
    if status == ReviewStatus.FACTUAL_ACCURACY:
        if responded:
            return "The school has replied. The partnership's coordinator finalises the report next."
        due = review.factual_accuracy_due_on
        return (
            "The school's headteacher checks the draft for factual accuracy and replies"
            + (f" by {long_date(due)}" if due else "")
            + "; the partnership's coordinator then finalises the report."
        )
    if status == ReviewStatus.FINAL:
        return (
            "The school's headteacher or the partnership's coordinator shares the final report with the school's "
            "governors, as soon as the school is ready; each governor is then sent an email."
        )
    if status == ReviewStatus.SHARED:
        impact = review.impact_visit_on
        return "Nothing more is needed for this review" + (
            f": the impact visit is due around {impact:%B %Y}." if impact else "."
        )
    return "The partnership's coordinator decides the next step."
