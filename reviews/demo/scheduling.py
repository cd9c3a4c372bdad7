"""Demo data for scheduling: visit dates waiting for head@<slug>.example's review team, a booked visit of their own
school, and the notifications these make. Safe to run again: what exists is left alone.

Runs inside the partnership's scope (partnership/portal/demo.py). If the partnership has no review cycle yet, a
small one is made (the current academic year) with one triad around head@'s school; if reviews exist, it uses them.
"""

import datetime
import logging

from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils import timezone

from partnership.accounts.models import User
from partnership.tenancy.models import Membership, Partnership
from partnership.tenancy.roles import Role
from schools.models import School

from ..calendar import SchoolCalendar, calendar_for_partnership
from ..models import (
    Cycle,
    Enrolment,
    FocusArea,
    Notification,
    Review,
    ReviewGroup,
    ReviewGroupMember,
    ReviewStatus,
    ReviewTeamMember,
    VisitProposal,
)
from ..models.cycles import DEFAULT_FOCUS_AREAS
from ..selectors.reviews import current_cycle
from ..services import notifications, scheduling

logger = logging.getLogger(__name__)


def _in_christmas_holidays(day: datetime.date) -> bool:
    return (day.month, day.day) >= (12, 19) or (day.month, day.day) <= (1, 4)


def _school_days(start: datetime.date, count: int, cycle: Cycle, calendar: SchoolCalendar) -> list[datetime.date]:
    """The first working days from `start` in the visit window (avoiding Christmas, in case no terms are entered)."""
    days, day = [], max(start, cycle.visit_window_starts_on)
    while len(days) < count and day <= cycle.visit_window_ends_on:
        if calendar.is_working_day(day) and not _in_christmas_holidays(day):
            days.append(day)
        day += datetime.timedelta(days=1)
    return days if len(days) == count else []


def _demo_cycle(partnership: Partnership, today: datetime.date) -> Cycle:
    start = today.year if today.month >= 7 else today.year - 1
    trusts = School.objects.exclude(trust=None).values("trust").distinct().count()
    cycle, created = Cycle.objects.get_or_create(
        partnership=partnership,
        name=f"Peer review {start}/{(start + 1) % 100:02d}",
        defaults={
            "academic_year_start": start,
            "visit_window_starts_on": datetime.date(start, 9, 15),
            "visit_window_ends_on": datetime.date(start + 1, 7, 16),
            # A partnership of one trust (Riverside) cannot keep trusts apart.
            "separate_trusts": trusts > 1,
        },
    )
    if created:
        FocusArea.objects.bulk_create(
            FocusArea(partnership=partnership, cycle=cycle, name=name, description=description, position=index)
            for index, (name, description) in enumerate(DEFAULT_FOCUS_AREAS)
        )
    return cycle


def _heads_by_school() -> dict[int, User]:
    return {
        m.school_id: m.user
        for m in Membership.objects.filter(role=Role.HEADTEACHER, ended_on__isnull=True).select_related("user")
    }


def _same_body(a: School, b: School) -> bool:
    return bool((a.trust_id and a.trust_id == b.trust_id) or (a.federation_id and a.federation_id == b.federation_id))


def _demo_triad(cycle: Cycle, home: School) -> None:
    """A group of head@'s school and two more, reviewing each other by rotation, each review led by a head."""
    heads = _heads_by_school()
    grouped = set(ReviewGroupMember.objects.filter(cycle=cycle).values_list("school_id", flat=True))
    partners: list[School] = []
    for school in School.objects.exclude(status=School.Status.CLOSED).exclude(pk=home.pk).order_by("urn"):
        if school.pk in grouped or school.pk not in heads or school.phase != home.phase:
            continue
        if cycle.separate_trusts and any(_same_body(school, other) for other in [home, *partners]):
            continue
        partners.append(school)
        if len(partners) == 2:
            break
    if len(partners) < 2 or home.pk not in heads:
        return
    triad = [home, *partners]
    number = (ReviewGroup.objects.filter(cycle=cycle).aggregate(n=Max("number"))["n"] or 0) + 1
    group = ReviewGroup.objects.create(partnership=cycle.partnership, cycle=cycle, number=number)
    for position, school in enumerate(triad):
        Enrolment.objects.get_or_create(partnership=cycle.partnership, cycle=cycle, school=school)
        ReviewGroupMember.objects.create(
            partnership=cycle.partnership, group=group, cycle=cycle, school=school, position=position
        )
    # Rotation: each school is reviewed by the one before it (A by C, B by A, C by B).
    for index, school in enumerate(triad):
        reviewer_school = triad[index - 1]
        review = Review.objects.create(partnership=cycle.partnership, cycle=cycle, group=group, school=school)
        ReviewTeamMember.objects.create(
            partnership=cycle.partnership,
            review=review,
            user=heads[reviewer_school.pk],
            school=reviewer_school,
            is_lead=True,
        )


def _seat_head_on_a_grouped_review(untouched, head: User, home: School, *, separate_trusts: bool) -> Review | None:
    """When the cycle's demo teams leave head@ no review waiting for dates, head@ joins one as a reviewer."""
    candidates = untouched.exclude(school=home).select_related("school")
    if separate_trusts and home.trust_id:
        candidates = candidates.exclude(school__trust_id=home.trust_id)
    review = candidates.order_by("school__name").first()
    if review is not None:
        ReviewTeamMember.objects.get_or_create(
            partnership=review.partnership, review=review, user=head, defaults={"school": home}
        )
    return review


def _try(action, what: str):
    try:
        return action()
    except ValidationError as error:
        logger.warning("Demo scheduling: could not %s: %s", what, "; ".join(error.messages))
        return None


def ensure_demo_scheduling(partnership: Partnership, *, today: datetime.date | None = None) -> None:
    today = today or timezone.localdate()
    head = User.objects.filter(email=f"head@{partnership.slug}.example").first()
    seat = Membership.objects.filter(user=head, role=Role.HEADTEACHER, ended_on__isnull=True).first() if head else None
    if seat is None:
        return
    home = seat.school
    cycle = current_cycle() or _demo_cycle(partnership, today)
    if not Review.objects.filter(cycle=cycle, school=home).exists():
        _demo_triad(cycle, home)
    calendar = calendar_for_partnership()
    untouched = Review.objects.filter(cycle=cycle, status=ReviewStatus.GROUPED, visit_proposals__isnull=True)

    # Dates proposed by another school, waiting for head@'s review team to answer.
    waiting = untouched.filter(team__user=head).select_related("school").first()
    if waiting is None and not VisitProposal.objects.filter(review__team__user=head, status="proposed").exists():
        waiting = _seat_head_on_a_grouped_review(untouched, head, home, separate_trusts=cycle.separate_trusts)
    if waiting is not None:
        proposer = _heads_by_school().get(waiting.school_id)
        days = _school_days(today + datetime.timedelta(days=21), 2, cycle, calendar)
        if proposer and days:
            _try(
                lambda: scheduling.visit_dates_propose(
                    review=waiting,
                    actor=proposer,
                    days=days,
                    note="We would like the second day to include our governors' meeting.",
                    calendar=calendar,
                ),
                "propose dates for the review head@ sits on",
            )

    # head@'s own school: dates proposed and accepted, the self-review due within the week.
    own = untouched.filter(school=home).first()
    lead = ReviewTeamMember.objects.filter(review=own, is_lead=True).select_related("user").first() if own else None
    if own is not None and lead is not None:
        days = _school_days(today + datetime.timedelta(days=18), 2, cycle, calendar)
        if days:
            proposal = _try(
                lambda: scheduling.visit_dates_propose(review=own, actor=head, days=days, calendar=calendar),
                "propose dates for head@'s school",
            )
            if proposal is not None:
                _try(
                    lambda: scheduling.visit_dates_accept(proposal=proposal, actor=lead.user, calendar=calendar),
                    "accept dates for head@'s school",
                )
    notifications.reminders_create(today=today, calendar=calendar)
    # Demo people have made-up addresses: record their notifications as sent rather than emailing them.
    Notification.objects.filter(review__cycle=cycle, emailed_at__isnull=True).update(emailed_at=timezone.now())
