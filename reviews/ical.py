"""iCalendar (RFC 5545) for visits: a person's private feed and one visit's .ics download.

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


def _calendar(partnership: Partnership, name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", f"-//{partnership.name}//Partnership portal//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-caldesc", f"Peer review visits in {partnership.name}")
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


def calendar_bytes(
    reviews: Iterable[Review], partnership: Partnership, *, name: str, for_user: User | None = None
) -> bytes:
    calendar = _calendar(partnership, name)
    for review in reviews:
        for event in visit_events(review, partnership, for_user=for_user):
            calendar.add_component(event)
    return calendar.to_ical()


def person_feed(user: User, partnership: Partnership, reviews: Iterable[Review]) -> bytes:
    return calendar_bytes(reviews, partnership, name=f"Peer review visits - {partnership.name}", for_user=user)


def visit_download(review: Review, partnership: Partnership, *, for_user: User | None = None) -> bytes:
    return calendar_bytes([review], partnership, name=f"Peer review visit: {review.school.name}", for_user=for_user)


def feed_url(user: User, partnership: Partnership) -> str:
    return partnership_url(partnership, reverse("calendar_feed", args=[user.calendar_token]))
