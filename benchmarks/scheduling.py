"""Scheduling at county scale: reminders, date checks, a busy person's feed and home page section.

Builds a partnership of 600 schools with 600 reviews at every stage inside one transaction, measures, then rolls
everything back (nothing is left in the database). Prints seconds and query counts.

    DATABASE_URL=postgres://... python benchmarks/scheduling.py
"""

import datetime
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnership.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from partnership.accounts.models import User  # noqa: E402
from partnership.tenancy.models import Membership, Partnership  # noqa: E402
from partnership.tenancy.roles import Role  # noqa: E402
from partnership.tenancy.scoping import partnership_scope  # noqa: E402
from reviews import ical  # noqa: E402
from reviews.calendar import SchoolCalendar  # noqa: E402
from reviews.models import (  # noqa: E402
    Cycle,
    Review,
    ReviewGroup,
    ReviewStatus,
    ReviewTeamMember,
    VisitDay,
    VisitProposal,
)
from reviews.selectors.scheduling import attention_items, visit_date_problems, visits_of_person  # noqa: E402
from reviews.services import notifications, scheduling  # noqa: E402
from schools.models import School  # noqa: E402

SCHOOLS = 600
TODAY = timezone.localdate()
CALENDAR = SchoolCalendar()


class Rollback(Exception):  # noqa: N818
    pass


def measure(label: str, action):
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = action()
        seconds = time.perf_counter() - started
    print(f"{label:<58} {seconds * 1000:8.1f} ms {len(queries):5d} queries")
    return result


def build() -> tuple[Partnership, list[Review], User, User]:
    partnership = Partnership.objects.create(slug=f"bench-{os.getpid()}", name="Benchmark County Partnership")
    with partnership_scope(partnership):
        schools = School.objects.bulk_create(
            School(partnership=partnership, urn=900000 + n, name=f"Bench School {n}", phase="primary")
            for n in range(SCHOOLS)
        )
        heads = User.objects.bulk_create(
            User(email=f"bench-{os.getpid()}-head{n}@example.org", first_name="Head", last_name=str(n))
            for n in range(SCHOOLS)
        )
        coordinator = User.objects.create(email=f"bench-{os.getpid()}-coordinator@example.org")
        Membership.objects.bulk_create(
            [
                Membership(partnership=partnership, user=h, role=Role.HEADTEACHER, school=s, started_on=TODAY)
                for h, s in zip(heads, schools, strict=True)
            ]
            + [Membership(partnership=partnership, user=coordinator, role=Role.COORDINATOR, started_on=TODAY)]
        )
        cycle = Cycle.objects.create(
            partnership=partnership,
            name="Benchmark cycle",
            academic_year_start=TODAY.year,
            visit_window_starts_on=TODAY - datetime.timedelta(days=120),
            visit_window_ends_on=TODAY + datetime.timedelta(days=240),
        )
        groups = ReviewGroup.objects.bulk_create(
            ReviewGroup(partnership=partnership, cycle=cycle, number=n + 1) for n in range(SCHOOLS // 3)
        )
        statuses = [
            ReviewStatus.GROUPED,
            ReviewStatus.SCHEDULED,
            ReviewStatus.SCHEDULED,
            ReviewStatus.VISITED,
            ReviewStatus.DRAFT,
            ReviewStatus.FACTUAL_ACCURACY,
        ]
        reviews = Review.objects.bulk_create(
            Review(
                partnership=partnership,
                cycle=cycle,
                group=groups[n // 3],
                school=schools[n],
                status=statuses[n % len(statuses)],
                self_review_due_on=TODAY + datetime.timedelta(days=n % 20 - 10),
                report_due_on=TODAY - datetime.timedelta(days=n % 15),
                factual_accuracy_due_on=TODAY - datetime.timedelta(days=n % 9),
            )
            for n in range(SCHOOLS)
        )
        # Rotation inside each triad; the head of school 1 also sits on 30 more teams (a busy reviewer).
        seats = [
            ReviewTeamMember(
                partnership=partnership,
                review=review,
                user=heads[(n // 3) * 3 + (n + 2) % 3],
                school=schools[(n // 3) * 3 + (n + 2) % 3],
                is_lead=True,
            )
            for n, review in enumerate(reviews)
        ]
        busy = heads[1]
        seats += [
            ReviewTeamMember(partnership=partnership, review=review, user=busy)
            for review in reviews[30:420:13]
            if review.school_id != schools[1].pk
        ]
        ReviewTeamMember.objects.bulk_create(seats)
        days = []
        for n, review in enumerate(reviews):
            if review.status == ReviewStatus.GROUPED:
                continue
            offset = n % 40 - 20 if review.status == ReviewStatus.SCHEDULED else -(n % 60) - 20
            days += [
                VisitDay(partnership=partnership, review=review, date=TODAY + datetime.timedelta(days=offset + d))
                for d in range(2)
            ]
        VisitDay.objects.bulk_create(days, ignore_conflicts=True)
    return partnership, reviews, busy, coordinator


def main() -> None:
    print(f"Scheduling benchmark: {SCHOOLS} schools and reviews (figures are noisy on a shared machine)")
    try:
        with transaction.atomic():
            partnership, reviews, busy, coordinator = measure("build the county", build)
            with partnership_scope(partnership):
                made = measure(
                    "reminders, first run of the day",
                    lambda: notifications.reminders_create(today=TODAY, calendar=CALENDAR),
                )
                print(f"  {len(made)} reminders made")
                again = measure(
                    "reminders, second run (all already made)",
                    lambda: notifications.reminders_create(today=TODAY, calendar=CALENDAR),
                )
                assert again == []
                grouped = next(r for r in reviews if r.status == ReviewStatus.GROUPED)
                grouped = Review.objects.select_related("cycle", "school").get(pk=grouped.pk)
                day = next(d for d in (TODAY + datetime.timedelta(days=n) for n in range(30, 60)) if d.weekday() < 5)
                measure(
                    "check one proposed day (every rule)",
                    lambda: visit_date_problems(
                        review=grouped, days=[day], viewer=coordinator, today=TODAY, calendar=CALENDAR
                    ),
                )
                proposal = measure(
                    "propose dates (checks, records, notifies)",
                    lambda: scheduling.visit_dates_propose(
                        review=grouped, actor=coordinator, days=[day], today=TODAY, calendar=CALENDAR
                    ),
                )
                measure(
                    "accept dates (locks, checks again, books, notifies)",
                    lambda: scheduling.visit_dates_accept(
                        proposal=VisitProposal.objects.get(pk=proposal.pk),
                        actor=coordinator,
                        today=TODAY,
                        calendar=CALENDAR,
                    ),
                )
                feed = measure(
                    "a busy reviewer's feed (selector + iCalendar)",
                    lambda: ical.person_feed(busy, partnership, visits_of_person(busy, partnership)),
                )
                print(f"  {feed.count(b'BEGIN:VEVENT')} events, {len(feed) / 1024:.0f} KiB")
                items = measure(
                    "the coordinator's home page section",
                    lambda: attention_items(coordinator, today=TODAY),
                )
                print(f"  {items['total']} unread items, {len(items['items'])} shown")
            raise Rollback
    except Rollback:
        print("Rolled back: nothing was left in the database.")


if __name__ == "__main__":
    main()
