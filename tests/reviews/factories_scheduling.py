"""Helpers for scheduling tests: open visit windows, school days, and reviews booked through the services."""

import datetime

from partnership.accounts.models import User
from partnership.tenancy.scoping import partnership_scope
from reviews.calendar import SchoolCalendar
from reviews.models import Review, ReviewStatus, VisitProposal
from reviews.services import scheduling
from tests.factories import SchoolFactory, member
from tests.reviews.factories import ReviewFactory, ReviewGroupFactory, TeamMemberFactory, review_scenario

NO_TERMS = SchoolCalendar()


def school_days(start: datetime.date, count: int, calendar: SchoolCalendar = NO_TERMS) -> list[datetime.date]:
    """The first `count` working days on or after `start` (weekdays that are not bank holidays)."""
    days, day = [], start
    while len(days) < count:
        if calendar.is_working_day(day):
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


def open_window(review: Review, starts_on: datetime.date, days: int = 365) -> None:
    """Give the review's cycle a visit window from `starts_on` (tests that use today's date need one that is open)."""
    with partnership_scope(review.partnership_id):
        cycle = review.cycle
        cycle.visit_window_starts_on = starts_on
        cycle.visit_window_ends_on = starts_on + datetime.timedelta(days=days)
        cycle.save(update_fields=["visit_window_starts_on", "visit_window_ends_on"])


def book(review: Review, days: list[datetime.date], proposer: User, accepter: User, **kwargs) -> VisitProposal:
    """Propose and accept the days through the services, as people would."""
    proposal = scheduling.visit_dates_propose(review=review, actor=proposer, days=days, **kwargs)
    return scheduling.visit_dates_accept(proposal=proposal, actor=accepter, **kwargs)


def other_review(scenario, *, name: str = "Marlpit Lane Primary School", team: list[User] = (), status=None) -> Review:
    """Another review in the scenario's cycle, of a new school, with the given people on its team."""
    group = ReviewGroupFactory(cycle=scenario.review.cycle, partnership=scenario.partnership)
    school = SchoolFactory(partnership=scenario.partnership, name=name)
    review = ReviewFactory(group=group, school=school, status=status or ReviewStatus.GROUPED)
    for index, user in enumerate(team):
        TeamMemberFactory(review=review, user=user, is_lead=index == 0)
    return review


def head_of(review: Review) -> User:
    from partnership.tenancy.roles import Role

    return member(review.partnership, Role.HEADTEACHER, school=review.school)


__all__ = ["book", "head_of", "open_window", "other_review", "review_scenario", "school_days"]


def date_fields(name: str, day: datetime.date | None) -> dict[str, str]:
    """What a browser sends for a GOV.UK date input (day, month and year boxes) holding `day`."""
    if day is None:
        return {f"{name}_day": "", f"{name}_month": "", f"{name}_year": ""}
    return {f"{name}_day": str(day.day), f"{name}_month": str(day.month), f"{name}_year": str(day.year)}


def proposal_form(*days: datetime.date, note: str = "", **extra: str) -> dict[str, str]:
    """The visit-dates form with `days` in its first boxes."""
    form = {"note": note, **extra}
    for index, day in enumerate(days, start=1):
        form.update(date_fields(f"day_{index}", day))
    return form
