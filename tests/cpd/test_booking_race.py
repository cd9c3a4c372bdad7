"""Many people taking the last places at once, through real concurrent database connections (one per thread),
with approvals and cancellations interleaved: never more places held than capacity, nobody lost from the queue."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from cpd.models import HOLDING_STATES, Booking, BookingState
from cpd.services.bookings import booking_approve, booking_cancel, booking_request
from partnership.tenancy.roles import Role
from tests.factories import SchoolFactory

from .factories import NOW, event_with_session, person

CAPACITY = 5
NEWCOMERS = 16


@pytest.mark.django_db(transaction=True)
def test_the_last_places_are_never_oversold_and_nobody_leaves_the_queue(partnership_a, scope_of):
    school = SchoolFactory(partnership=partnership_a)
    head = person(partnership_a, school, Role.HEADTEACHER)
    teachers = [person(partnership_a, school) for _ in range(2)]
    early = [person(partnership_a, role=Role.HEADTEACHER) for _ in range(3)]
    newcomers = [person(partnership_a, role=Role.HEADTEACHER) for _ in range(NEWCOMERS)]
    _, session = event_with_session(partnership_a, capacity=CAPACITY)
    with scope_of(partnership_a):
        confirmed = [
            booking_request(session=session, user=p, booked_by=p, partnership=partnership_a, now=NOW) for p in early
        ]
        requests = [
            booking_request(session=session, user=t, booked_by=t, partnership=partnership_a, now=NOW) for t in teachers
        ]
    assert [b.state for b in confirmed + requests] == ["confirmed"] * 3 + ["requested"] * 2

    barrier = threading.Barrier(NEWCOMERS + 4)
    errors: list[str] = []
    later = NOW + datetime.timedelta(hours=1)

    def run(work):
        try:
            with scope_of(partnership_a):
                barrier.wait(timeout=30)
                work()
        except ValidationError as refusal:
            errors.append(str(refusal))
        except Exception as error:  # noqa: BLE001 - a deadlock or an integrity error must fail the test, not the thread
            errors.append(repr(error))
        finally:
            connection.close()

    work = [
        *(
            (lambda p=p: booking_request(session=session, user=p, booked_by=p, partnership=partnership_a, now=later))
            for p in newcomers
        ),
        *((lambda b=b: booking_approve(booking=b, by=head, now=later)) for b in requests),
        *(
            (lambda b=b, p=p: booking_cancel(booking=b, by=p, now=later))
            for b, p in zip(confirmed[:2], early[:2], strict=False)
        ),
    ]
    threads = [threading.Thread(target=run, args=(item,)) for item in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    with scope_of(partnership_a):
        rows = list(Booking.objects.filter(session=session).values_list("user_id", "state"))
    held = sum(state in HOLDING_STATES for _, state in rows)
    waiting = sum(state == BookingState.WAITING for _, state in rows)
    assert held == CAPACITY  # never oversold, and no place left empty while people wait
    everyone = {p.pk for p in [*early, *teachers, *newcomers]}
    assert {user for user, _ in rows} == everyone  # every person has their booking
    assert len(rows) == len(everyone)
    cancelled = sum(state == BookingState.CANCELLED for _, state in rows)
    assert (cancelled, held + waiting) == (2, len(everyone) - 2)  # nobody lost: each has a place or is queued
