"""The programme page at county scale: 600 schools and a year's programme of 300 events, with bookings on them.
Its queries stay bounded whatever the filter, and are the same as with a handful of events."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from cpd.models import Booking, BookingState, Event, EventKind, EventStatus, PriceBand, Session
from partnership.tenancy.rls import all_partnerships
from partnership.tenancy.roles import Role
from schools.models import School

from .factories import person

pytestmark = pytest.mark.django_db

SCHOOLS, EVENTS = 600, 300


@pytest.fixture
def county(partnership_a):
    today = timezone.localdate()
    with all_partnerships(True):
        schools = School.objects.bulk_create(
            School(partnership=partnership_a, urn=700000 + n, name=f"School {n}", phase=School.Phase.PRIMARY)
            for n in range(SCHOOLS)
        )
        events = Event.objects.bulk_create(
            Event(
                partnership=partnership_a,
                kind=EventKind.COURSE if n % 3 else EventKind.BRIEFING,
                title=f"Course {n}",
                status=EventStatus.PUBLISHED,
                capacity=5,
                audience_phases=[School.Phase.PRIMARY] if n % 2 else [],
                audience_roles=[Role.HEADTEACHER] if n % 7 == 0 else [],
                price_sla=Decimal(40),
                price_non_sla=Decimal(80),
                booking_deadline=timezone.now() + datetime.timedelta(days=1 + n),
            )
            for n in range(EVENTS)
        )
        sessions = Session.objects.bulk_create(
            Session(
                partnership=partnership_a,
                event=event,
                date=today + datetime.timedelta(days=2 + n),
                starts_at=datetime.time(9, 30),
                ends_at=datetime.time(15, 30),
                venue="Centre",
            )
            for n, event in enumerate(events)
        )
    heads = [person(partnership_a, schools[n], Role.HEADTEACHER) for n in range(10)]
    now = timezone.now()
    with all_partnerships(True):
        Booking.objects.bulk_create(
            Booking(
                partnership=partnership_a,
                event_id=session.event_id,
                session=session,
                user=head,
                school=schools[n],
                booked_by=head,
                state=BookingState.CONFIRMED,
                needs_approval=False,
                price_band=PriceBand.NON_SLA,
                price=Decimal(80),
                created_at=now,
                updated_at=now,
            )
            for session in sessions[:60]
            for n, head in enumerate(heads[:5])
        )
    return heads[0]


@pytest.mark.parametrize(
    "query", ["", "?free_places=on", "?audience=mine", "?phase=primary&q=Course", "?page=5", "?audience=headteacher"]
)
def test_the_programme_at_county_scale_has_bounded_queries(
    query, county, partnership_a, client_at, django_assert_max_num_queries
):
    client = client_at(partnership_a, county)
    with django_assert_max_num_queries(12):
        page = client.get(f"/cpd/{query}")
    assert page.status_code == 200
    assert page.context["page"].paginator.count > 0
