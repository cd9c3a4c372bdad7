"""Celery tasks of the peer review. Celery's autodiscovery imports this package, which imports every module
of tasks so that all of them are registered. Each task's name is its old dotted path (`reviews.tasks.*`,
`reviews.tasks_reports.*`) so that messages already queued, the beat schedule and the `pdf` route still
find it.
"""

from .grouping import propose_review_groups
from .notifications import (
    create_reminders,
    send_daily_reminders,
    send_notification_email,
    send_unsent_notification_emails,
)
from .reports import render_report_task, resend_stalled_reports

__all__ = [
    "create_reminders",
    "propose_review_groups",
    "render_report_task",
    "resend_stalled_reports",
    "send_daily_reminders",
    "send_notification_email",
    "send_unsent_notification_emails",
]
