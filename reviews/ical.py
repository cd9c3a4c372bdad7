"""iCalendar (RFC 5545): a person's private feed and one visit's .ics download.

The feed holds the person's peer review visits and what every other app adds for them through its contribution
(`CalendarSource` in partnership/tenancy/contributions.py: board meetings, CPD sessions), so that an app above
reviews in the layers adds to the feed without reviews importing it.

Each visit day is one all-day event. Its UID names the review and the day's place in the visit ("day 1 of 2"), so
when a visit is rescheduled the same events move to the new dates, with a higher SEQUENCE and a new LAST-MODIFIED;
calendar apps that subscribe to the feed update them, and drop the events of a cancelled visit.
"""

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from partnership.accounts.models import User
from partnership.tenancy.contributions import CalendarEntry, CalendarSource, calendar_sources
from partnership.tenancy.hosts import partnership_url
from partnership.tenancy.models import Partnership

from .models import Review

CONTENT_TYPE = "text/calendar; charset=utf-8"
REFRESH_INTERVAL = datetime.timedelta(hours=4)


def school_address(review: Review) -> str:
    school = review.school
    parts = [school.name, school.street, school.locality, school.town, school.postcode]
    return ", ".join(part.strip() for part in parts if part and part.strip())


def _uid_domain(partnership: Partnership) -> str:
    return f"{partnership.slug}.{settings.PORTAL_DOMAIN}"


def _calendar(partnership: Partnership, name: str, description: str = "") -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", f"-//{partnership.name}//Partnership portal//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-caldesc", description or f"Peer review visits in {partnership.name}")
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", REFRESH_INTERVAL)
    return calendar


def _role_of(review: Review, user: User | None) -> str:
    if user is None:
        return ""
    for seat in review.team.all():
        if seat.user_id == user.pk:
            return "You are the lead reviewer." if seat.is_lead else "You are a reviewer."
    return "The visit is to your school."


def visit_events(review: Review, partnership: Partnership, *, for_user: User | None = None) -> list[Event]:
    """The events of one visit (a review loaded with selectors.scheduling.with_calendar_details)."""
    days = sorted(day.date for day in review.visit_days.all())
    url = partnership_url(partnership, reverse("review_detail", args=[review.pk]))
    modified = getattr(review, "scheduled_at", None) or review.status_changed_at
    sequence = max(getattr(review, "schedule_versions", 1) - 1, 0)
    stamp = timezone.now()
    description = "\n".join(
        line
        for line in (
            f"Peer review of {review.school.name} ({review.cycle.name}).",
            _role_of(review, for_user),
            f"Open the review: {url}",
        )
        if line
    )
    events = []
    for number, day in enumerate(days, start=1):
        event = Event()
        event.add("uid", f"review-{review.pk}-day-{number}@{_uid_domain(partnership)}")
        event.add("dtstamp", stamp)
        event.add("dtstart", day)
        event.add("dtend", day + datetime.timedelta(days=1))
        suffix = f" (day {number} of {len(days)})" if len(days) > 1 else ""
        event.add("summary", f"Peer review visit: {review.school.name}{suffix}")
        event.add("location", school_address(review))
        event.add("description", description)
        event.add("url", url)
        event.add("sequence", sequence)
        event.add("last-modified", modified)
        event.add("created", review.created_at)
        event.add("status", "CONFIRMED")
        event.add("transp", "OPAQUE")
        events.append(event)
    return events


def entry_event(entry: CalendarEntry, partnership: Partnership) -> Event:
    """An event another app added to the feed."""
    event = Event()
    event.add("uid", f"{entry.uid}@{_uid_domain(partnership)}")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", entry.start)
    event.add("dtend", entry.end)
    event.add("summary", f"Cancelled: {entry.summary}" if entry.cancelled else entry.summary)
    if entry.location:
        event.add("location", entry.location)
    if entry.description:
        event.add("description", entry.description)
    if entry.url:
        event.add("url", entry.url)
    event.add("sequence", entry.sequence)
    if entry.last_modified:
        event.add("last-modified", entry.last_modified)
    if entry.created:
        event.add("created", entry.created)
    event.add("status", "CANCELLED" if entry.cancelled else "CONFIRMED")
    event.add("transp", "TRANSPARENT" if entry.cancelled else "OPAQUE")
    return event


def calendar_bytes(
    reviews: Iterable[Review],
    partnership: Partnership,
    *,
    name: str,
    for_user: User | None = None,
    sources: Iterable[CalendarSource] = (),
    description: str = "",
) -> bytes:
    calendar = _calendar(partnership, name, description)
    for review in reviews:
        for event in visit_events(review, partnership, for_user=for_user):
            calendar.add_component(event)
    for source in sources:
        for entry in source.entries(for_user, partnership):
            calendar.add_component(entry_event(entry, partnership))
    return calendar.to_ical()


def person_feed(user: User, partnership: Partnership, reviews: Iterable[Review]) -> bytes:
    """The person's visits and everything the apps add for them (their board meetings, their CPD sessions)."""
    sources = calendar_sources()
    kinds = ", ".join(["peer review visits", *(source.name for source in sources)])
    return calendar_bytes(
        reviews,
        partnership,
        name=f"{partnership.name} calendar",
        for_user=user,
        sources=sources,
        description=f"Your {kinds} in {partnership.name}",
    )


def visit_download(review: Review, partnership: Partnership, *, for_user: User | None = None) -> bytes:
    return calendar_bytes([review], partnership, name=f"Peer review visit: {review.school.name}", for_user=for_user)


def feed_url(user: User, partnership: Partnership) -> str:
    return partnership_url(partnership, reverse("calendar_feed", args=[user.calendar_token]))
