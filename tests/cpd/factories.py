"""Small builders for CPD tests: a published event with one session, and people at schools."""

import datetime
from decimal import Decimal

from django.utils import timezone

from cpd.models import Event, EventKind, EventStatus, Session, Workshop
from partnership.tenancy.rls import all_partnerships
from partnership.tenancy.roles import Role
from tests.factories import MembershipFactory, SchoolFactory, UserFactory

NOW = timezone.make_aware(datetime.datetime(2027, 1, 10, 9, 0))


def person(partnership, school=None, role=Role.STAFF, **user):
    school = school or SchoolFactory(partnership=partnership)
    member = MembershipFactory(partnership=partnership, user=UserFactory(**user), role=role, school=school)
    return member.user


def coordinator(partnership):
    return MembershipFactory(partnership=partnership, user=UserFactory(), role=Role.COORDINATOR).user


def event_with_session(
    partnership, *, capacity=2, kind=EventKind.COURSE, workshops=(), day=None, start=(9, 30), end=(15, 0), **fields
):
    day = day or (NOW + datetime.timedelta(days=20)).date()
    with all_partnerships(True):
        event = Event.objects.create(
            partnership=partnership,
            kind=kind,
            title=fields.pop("title", "Phonics refresher"),
            status=fields.pop("status", EventStatus.PUBLISHED),
            capacity=capacity,
            minimum=0,
            price_sla=Decimal("40"),
            price_non_sla=Decimal("80"),
            booking_deadline=fields.pop("deadline", NOW + datetime.timedelta(days=10)),
            **fields,
        )
        session = Session.objects.create(
            partnership=partnership,
            event=event,
            date=day,
            starts_at=datetime.time(*start),
            ends_at=datetime.time(*end),
            venue="Centre",
        )
        for title, places in workshops:
            Workshop.objects.create(partnership=partnership, session=session, title=title, capacity=places)
    return event, session
