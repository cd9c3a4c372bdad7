"""Board meetings in a person's calendar feed: the meetings of every body on which they hold a seat on the
meeting's day. Members see a meeting once its pack is published, the clerk while it is prepared (as on its page);
a cancelled meeting stays, marked cancelled, so subscribed calendars drop it from the day."""

import datetime

from django.urls import reverse
from django.utils import timezone

from partnership.accounts.models import User
from partnership.tenancy.contributions import CalendarEntry
from partnership.tenancy.hosts import partnership_url
from partnership.tenancy.models import Partnership

from .models import BodyMembership, Meeting

# The portal records when a meeting starts, not when it ends: calendars show it as this long.
SHOWN_LENGTH = datetime.timedelta(hours=2)
# Meetings further back than this are left out of the feed (a calendar keeps what it has already shown).
PAST_SHOWN = datetime.timedelta(days=400)


def meeting_entries(user: User, partnership: Partnership) -> list[CalendarEntry]:
    """Two queries: the person's seats (every term) and the meetings of those bodies."""
    seats = list(BodyMembership.objects.filter(user=user))
    if not seats:
        return []
    meetings = (
        Meeting.objects.filter(body_id__in={seat.body_id for seat in seats})
        .filter(starts_at__gte=timezone.now() - PAST_SHOWN)
        .select_related("body")
        .order_by("starts_at", "pk")
    )
    entries = []
    for meeting in meetings:
        day = timezone.localdate(meeting.starts_at)
        seat = next((s for s in seats if s.body_id == meeting.body_id and s.in_post_on(day)), None)
        if seat is None:
            continue  # not on the body on the meeting's day
        if meeting.status == Meeting.Status.DRAFT and not seat.is_clerk:
            continue  # members see it once the pack is published
        if meeting.status == Meeting.Status.CANCELLED and meeting.published_at is None and not seat.is_clerk:
            continue  # cancelled before members ever saw it
        url = partnership_url(partnership, reverse("governance_meeting", args=[meeting.pk]))
        role = "You are the clerk." if seat.is_clerk else f"You sit on it ({seat.get_position_display().lower()})."
        state = {
            Meeting.Status.DRAFT: "The agenda is being prepared.",
            Meeting.Status.PUBLISHED: "The pack is published.",
            Meeting.Status.CANCELLED: "The meeting is cancelled.",
        }[meeting.status]
        entries.append(
            CalendarEntry(
                uid=f"meeting-{meeting.pk}",
                summary=f"{meeting.body.name} meeting",
                start=meeting.starts_at,
                end=meeting.starts_at + SHOWN_LENGTH,
                location=meeting.place,
                description=f"{role} {state}\nOpen the meeting: {url}",
                url=url,
                sequence=1 if meeting.status == Meeting.Status.CANCELLED else 0,
                last_modified=meeting.cancelled_at or meeting.published_at or meeting.created_at,
                created=meeting.created_at,
                cancelled=meeting.status == Meeting.Status.CANCELLED,
            )
        )
    return entries
