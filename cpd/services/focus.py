"""Tagging an event with the focus areas of the peer reviews it serves (the needs set beside the programme)."""

from django.core.exceptions import ValidationError
from django.db import transaction

from partnership.accounts.models import User
from reviews.models import FocusArea

from ..models import Event, EventFocusArea, EventStatus


def focus_area_names() -> list[str]:
    """Every focus area name of the partnership's cycles, newest cycle's order first, each once."""
    rows = FocusArea.objects.order_by("-cycle__academic_year_start", "position", "name").values_list("name", flat=True)
    return list(dict.fromkeys(rows))


def event_focus_areas_set(*, event: Event, names: list[str], by: User) -> list[str]:
    """Make the event's tags exactly `names` (setting the same tags twice changes nothing). A new name that is no
    focus area of the partnership's cycles, or a cancelled event, is refused and nothing changes."""
    if event.status == EventStatus.CANCELLED:
        raise ValidationError("This event is cancelled: its focus areas can no longer be changed.")
    wanted = list(dict.fromkeys(name.strip() for name in names if name and name.strip()))
    current = set(EventFocusArea.objects.filter(event=event).values_list("name", flat=True))
    # A tag the event already has may stay even if no cycle uses the name any more (a focus area renamed).
    known = set(focus_area_names()) | current
    unknown = [name for name in wanted if name not in known]
    if unknown:
        raise ValidationError(
            {"names": f"Not a focus area of any review cycle: {', '.join(unknown)}. Choose from the list."}
        )
    with transaction.atomic():
        EventFocusArea.objects.filter(event=event).exclude(name__in=wanted).delete()
        EventFocusArea.objects.bulk_create(
            [
                EventFocusArea(partnership_id=event.partnership_id, event=event, name=name, tagged_by=by)
                for name in wanted
                if name not in current
            ],
            ignore_conflicts=True,  # the same tags sent twice at once: the unique constraint keeps one of each
        )
    return sorted(wanted)
