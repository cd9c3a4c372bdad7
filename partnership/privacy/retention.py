"""The core's own retention rule: the audit log."""

import datetime

from django.db import transaction
from django.utils import timezone

from partnership.audit.models import AuditEvent

from .registry import RetentionRule, register_retention


def _remove_old_audit_events(partnership, before: datetime.date, record) -> dict:
    cutoff = datetime.datetime.combine(before, datetime.time.min, timezone.get_current_timezone())
    with transaction.atomic():
        removed, _ = AuditEvent.objects.filter(partnership=partnership, at__lt=cutoff).delete()
        if removed:
            record("entries", {"entries": removed})
    return {"entries": removed}


def register() -> None:
    register_retention(
        RetentionRule(
            key="audit_log",
            label="Audit log entries",
            default_years=2,
            why="Long enough to look into a suspected breach or a complaint about access; not kept for ever.",
            age_of="from when the action happened",
            remove=_remove_old_audit_events,
        )
    )
