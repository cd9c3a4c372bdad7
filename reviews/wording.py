"""How the peer review words things in its pages, messages and notifications. Nothing here reads or writes the
database."""

import datetime
from collections.abc import Iterable

from django.urls import reverse
from django.utils import timezone

from partnership.accounts.models import User
from partnership.common.text import and_join, long_date

from .models import Review, VisitProposal


def parse_grade_labels(text: str) -> list[str]:
    """One grade a line, best first; blank lines ignored."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def days_label(days: Iterable[datetime.date]) -> str:
    return and_join(long_date(day) for day in days)


def overdue_label(working_days: int) -> str:
    return f"{working_days} working day{'s' if working_days != 1 else ''} overdue"


def due_phrase(due: datetime.date, today: datetime.date) -> str:
    days = (due - today).days
    if days > 1:
        return f"is due on {long_date(due)} (in {days} days)"
    if days == 1:
        return f"is due tomorrow, {long_date(due)}"
    if days == 0:
        return f"is due today, {long_date(due)}"
    return f"was due on {long_date(due)}"


def answered_message(proposal: VisitProposal) -> str:
    """Why a proposal no longer waits for an answer, naming who answered and when."""
    who = person_name(proposal.responded_by) if proposal.responded_by else "Someone"
    when = timezone.localtime(proposal.responded_at) if proposal.responded_at else None
    at = f" at {when:%H:%M} on {when.day} {when:%B}" if when else ""
    if proposal.status == VisitProposal.Status.ACCEPTED:
        return f"{who} accepted these dates{at}: the visit is booked. Nothing else was changed."
    if proposal.status == VisitProposal.Status.DECLINED:
        return f"{who} asked for other dates{at}. Nothing else was changed."
    return "The school has withdrawn these dates, for example by proposing others. Nothing was changed."


def person_name(user: User) -> str:
    return user.get_full_name() or user.email


def review_path(review: Review, anchor: str = "") -> str:
    return reverse("review_detail", args=[review.pk]) + (f"#{anchor}" if anchor else "")
