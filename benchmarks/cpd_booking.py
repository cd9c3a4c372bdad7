"""200 people booking the 30 places of one session at once, from 16 concurrent database connections.

    DATABASE_URL=postgres://.../yours python benchmarks/cpd_booking.py [--people 200] [--places 30] [--connections 16]

Each run makes a fresh event with one session in the partnership `cpd-bench` (built on the first run: 20 schools,
each person a headteacher of one, so their bookings need no approval and take a place at once). Each connection
is a process of its own (as the web's worker processes are: threads in one process would measure Python's
global lock, not the booking), booking its share of the people through the booking service (lock the session
row, re-count, write); the processes start together. Prints places held (must equal the places), the waiting
list (the rest), errors, places oversold, the median and p95 time of one booking, and ends with the line the
issue asks for. `--connections 1` gives the time of one booking with nobody queueing on the lock.

Besides the time of each booking it prints how long each held the session's lock (from the locking query's answer
to the commit): with everyone queueing on that lock, the p95 is about the number of connections times that.

Then it times the programme page (`/cpd/`, plain, filtered to free places, and to the events the person can book)
through the full middleware stack with a year's programme of 300 events in a partnership of 600 schools, and
prints its median and its number of queries.
"""

import argparse
import datetime
import multiprocessing
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnership.settings")
os.environ["DEBUG"] = "0"
os.environ.setdefault("SECRET_KEY", "benchmark-only-" + "x" * 60)
os.environ["SECURE_SSL_REDIRECT"] = "0"

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from cpd.models import HOLDING_STATES, Booking, BookingState, Event, EventKind, EventStatus, Session  # noqa: E402
from cpd.services.bookings import booking_request  # noqa: E402
from partnership.accounts.models import User  # noqa: E402
from partnership.tenancy.models import Membership, Partnership  # noqa: E402
from partnership.tenancy.roles import Role  # noqa: E402
from partnership.tenancy.scoping import partnership_scope  # noqa: E402
from schools.models import School  # noqa: E402

SLUG = "cpd-bench"
PROGRAMME_EVENTS = 300
SCHOOLS = 600


def ensure_programme(partnership: Partnership) -> None:
    """A year's programme of 300 events (one session each, spread over the year ahead) besides the runs' courses."""
    with partnership_scope(partnership), transaction.atomic():
        have_schools = School.objects.count()
        School.objects.bulk_create(
            School(
                partnership=partnership,
                urn=910000 + n,
                name=f"Programme School {n}",
                phase=School.Phase.PRIMARY if n % 5 else School.Phase.SECONDARY,
            )
            for n in range(have_schools, SCHOOLS)
        )
        have = Event.objects.filter(title__startswith="Programme event").count()
        today = timezone.localdate()
        events = Event.objects.bulk_create(
            Event(
                partnership=partnership,
                kind=EventKind.COURSE if n % 4 else EventKind.BRIEFING,
                title=f"Programme event {n}",
                description="A course of the partnership's programme.",
                status=EventStatus.PUBLISHED,
                capacity=20 + n % 30,
                minimum=0,
                is_free=n % 4 == 0,
                price_sla=Decimal(0) if n % 4 == 0 else Decimal(40),
                price_non_sla=Decimal(0) if n % 4 == 0 else Decimal(80),
                booking_deadline=timezone.now() + datetime.timedelta(days=1 + n % 360),
            )
            for n in range(have, PROGRAMME_EVENTS)
        )
        Session.objects.bulk_create(
            Session(
                partnership=partnership,
                event=event,
                date=today + datetime.timedelta(days=2 + n % 360),
                starts_at=datetime.time(9, 30),
                ends_at=datetime.time(15, 30),
                venue="Partnership Centre",
            )
            for n, event in enumerate(events, start=have)
        )


def programme_page_times(partnership: Partnership, user: User, runs: int = 15) -> tuple[float, int]:
    """The median time of the programme page (first page, then filtered to free places) through the full middleware
    stack, and its number of queries."""
    from django.conf import settings
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.ALLOWED_HOSTS = ["*"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    client = Client(HTTP_HOST=f"{partnership.slug}.{settings.PORTAL_DOMAIN}")
    client.force_login(user)
    times = []
    paths = ("/cpd/", "/cpd/?free_places=on", "/cpd/?audience=mine")
    for n in range(runs):
        path = paths[n % len(paths)]
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as queries:
        client.get("/cpd/")
    return statistics.median(times), len(queries)


def ensure_people(count: int) -> tuple[Partnership, list[User]]:
    partnership, _ = Partnership.objects.get_or_create(slug=SLUG, defaults={"name": "CPD benchmark partnership"})
    with partnership_scope(partnership), transaction.atomic():
        schools = list(School.objects.order_by("urn")[:20])
        for n in range(len(schools), 20):
            schools.append(School.objects.create(partnership=partnership, urn=900000 + n, name=f"Bench School {n}"))
        have = set(Membership.objects.filter(role=Role.HEADTEACHER).values_list("user__email", flat=True))
        for n in range(count):
            email = f"bench{n}@{SLUG}.example"
            if email in have:
                continue
            user = User.objects.filter(email=email).first() or User.objects.create_user(
                email, None, first_name="Bench", last_name=f"Person {n}"
            )
            Membership.objects.create(
                partnership=partnership,
                user=user,
                role=Role.HEADTEACHER,
                school=schools[n % len(schools)],
                started_on=datetime.date(2026, 9, 1),
            )
        users = list(User.objects.filter(email__endswith=f"@{SLUG}.example").order_by("pk")[:count])
    return partnership, users


def fresh_session(partnership: Partnership, places: int) -> Session:
    with partnership_scope(partnership), transaction.atomic():
        now = timezone.now()
        # A day of its own for each run: the same people booking the same day again would be a clash.
        day = (now + datetime.timedelta(days=14 + Event.objects.count())).date()
        event = Event.objects.create(
            partnership=partnership,
            kind=EventKind.COURSE,
            title=f"Benchmark course {now:%Y-%m-%d %H:%M:%S}",
            status=EventStatus.PUBLISHED,
            capacity=places,
            minimum=0,
            price_sla=Decimal(40),
            price_non_sla=Decimal(80),
            booking_deadline=now + datetime.timedelta(days=7),
        )
        return Session.objects.create(
            partnership=partnership,
            event=event,
            date=day,
            starts_at=datetime.time(9, 30),
            ends_at=datetime.time(15, 30),
            venue="Partnership Centre",
        )


_barrier = None


def _ready(barrier) -> None:
    global _barrier
    _barrier = barrier


def _book_all(partnership_id: int, session_id: int, user_ids: list[int]) -> tuple[list[float], list[str], list[float]]:
    """One process, one connection: book each person in turn, timing each booking and how long it held the lock."""
    times, errors, held_for = [], [], []
    locked_at: list[float] = []

    def note_the_lock(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if "FOR UPDATE" in sql:
            locked_at.append(time.perf_counter())
        return result

    with partnership_scope(partnership_id):
        partnership = Partnership.objects.get(pk=partnership_id)
        session = Session.objects.get(pk=session_id)
        people = list(User.objects.filter(pk__in=user_ids))
        connection.ensure_connection()  # connected before the start, so the timing is of bookings only
        _barrier.wait(timeout=120)
        with connection.execute_wrapper(note_the_lock):
            for user in people:
                locked_at.clear()
                started = time.perf_counter()
                try:
                    booking_request(session=session, user=user, booked_by=user, partnership=partnership)
                except Exception as error:  # noqa: BLE001 - counted and printed, never hidden
                    errors.append(repr(error))
                    continue
                finished = time.perf_counter()
                times.append((finished - started) * 1000)
                if locked_at:
                    held_for.append((finished - locked_at[0]) * 1000)
    connection.close()
    return times, errors, held_for


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--places", type=int, default=30)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()

    partnership, users = ensure_people(args.people)
    session = fresh_session(partnership, args.places)
    connection.close()  # each process opens its own connection after the fork
    ids = [user.pk for user in users]
    share = [ids[n :: args.connections] for n in range(args.connections)]
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(args.connections)
    began = time.perf_counter()
    with context.Pool(args.connections, initializer=_ready, initargs=(barrier,)) as pool:
        results = pool.starmap(_book_all, [(partnership.pk, session.pk, part) for part in share])
    wall = time.perf_counter() - began
    times = [t for part_times, _, _ in results for t in part_times]
    errors = [e for _, part_errors, _ in results for e in part_errors]
    held_for = [t for _, _, part_held in results for t in part_held]

    with partnership_scope(partnership):
        states = list(Booking.objects.filter(session=session).values_list("state", flat=True))
    held = sum(state in HOLDING_STATES for state in states)
    waiting = sum(state == BookingState.WAITING for state in states)
    oversold = max(held - args.places, 0)
    p95 = statistics.quantiles(times, n=20)[18] if len(times) >= 20 else max(times, default=0)
    ensure_programme(partnership)
    with partnership_scope(partnership):
        events, schools = Event.objects.count(), School.objects.count()
    median, queries = programme_page_times(partnership, users[0])
    print(f"programme page ({events} events, {schools} schools): median {median:.0f} ms, {queries} queries")
    print(f"{args.people} people, {args.places} places, {args.connections} connections, {wall:.2f} s in all")
    print(f"places held: {held} (must equal {args.places})")
    print(f"waiting list: {waiting} (must equal {args.people - args.places})")
    print(f"errors: {len(errors)}{': ' + errors[0] if errors else ''}")
    print(f"booking time: median {statistics.median(times) if times else 0:.0f} ms, p95 {p95:.0f} ms")
    if held_for:
        held_p95 = statistics.quantiles(held_for, n=20)[18] if len(held_for) >= 20 else max(held_for)
        print(f"session lock held: median {statistics.median(held_for):.1f} ms, p95 {held_p95:.1f} ms")
    print(
        f"cpd booking: {held} held of {args.places}, {waiting} waiting, {len(errors)} errors, {oversold} oversold, "
        f"p95 {p95:.0f} ms"
    )


if __name__ == "__main__":
    main()
