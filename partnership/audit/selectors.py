import datetime

from django.db.models import QuerySet
from django.utils import timezone

from .models import AuditEvent


def audit_events(
    *,
    partnership=None,
    action: str | None = None,
    person: str | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[AuditEvent]:
    """The log, newest first. Callers pass their partnership; only the platform view passes none (all)."""
    events = AuditEvent.objects.select_related("partnership", "actor")
    if partnership is not None:
        events = events.filter(partnership=partnership)
    if action:
        events = events.filter(action=action)
    if person:
        events = events.filter(actor_email__icontains=person)
    zone = timezone.get_current_timezone()
    if date_from:
        events = events.filter(at__gte=datetime.datetime.combine(date_from, datetime.time.min, zone))
    if date_to:
        events = events.filter(
            at__lt=datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time.min, zone)
        )
    return events.order_by("-at", "-pk")
