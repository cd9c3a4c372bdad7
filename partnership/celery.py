import os

from celery import Celery
from celery.schedules import crontab
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnership.settings")

app = Celery("partnership")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_queues = (Queue("default"), Queue("pdf"))
app.conf.task_routes = {
    "reviews.tasks_reports.render_*": {"queue": "pdf"},
    "cpd.tasks.render_finance_pdf": {"queue": "pdf"},
    "cpd.tasks.render_certificates": {"queue": "pdf"},
    "cpd.tasks.render_record": {"queue": "pdf"},
    "improvement.tasks.render_annual_report": {"queue": "pdf"},
}
app.conf.beat_schedule = {
    "send-unsent-invitations": {
        "task": "partnership.accounts.tasks.send_unsent_invitations",
        "schedule": 300.0,
    },
    "send-unsent-notification-emails": {
        "task": "reviews.tasks.send_unsent_notification_emails",
        "schedule": 300.0,
    },
    "send-daily-reminders": {
        "task": "reviews.tasks.send_daily_reminders",
        "schedule": crontab(hour=6, minute=30),
    },
    "apply-retention-schedules": {
        "task": "partnership.privacy.tasks.apply_every_retention_schedule",
        "schedule": crontab(hour=2, minute=15),
    },
    "send-grant-report-reminders": {
        "task": "improvement.tasks.send_grant_reminders",
        "schedule": crontab(hour=6, minute=50),
    },
    "send-support-reminders": {
        "task": "improvement.tasks.send_support_reminders",
        "schedule": crontab(hour=6, minute=55),
    },
    "send-action-reminders": {
        "task": "governance.tasks.send_action_reminders",
        "schedule": crontab(hour=6, minute=45),
    },
    "resend-stalled-reports": {
        "task": "reviews.tasks_reports.resend_stalled_reports",
        "schedule": 60.0,
    },
    # Each offer expires by its own task at its time; this catches what a lost message left, and expires
    # requests not approved by their booking deadline.
    "expire-due-cpd-bookings": {
        "task": "cpd.tasks.expire_due_bookings",
        "schedule": 300.0,
    },
    "send-cpd-booking-reminders": {
        "task": "cpd.tasks.send_booking_reminders",
        "schedule": crontab(hour=7, minute=5),
    },
    # Certificates' PDFs are queued as they are released; this re-queues any a lost message left unrendered.
    "render-pending-cpd-certificates": {
        "task": "cpd.tasks.render_pending_certificates",
        "schedule": 300.0,
    },
    # A CPD event's impact evaluation opens weeks after it: each person who attended is reminded once.
    "send-cpd-impact-reminders": {
        "task": "cpd.tasks.send_impact_reminders",
        "schedule": crontab(hour=7, minute=20),
    },
}
app.autodiscover_tasks()
