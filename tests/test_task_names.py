"""Celery finds every task by itself, under the name it had when it was queued: a message already in Redis, the
beat schedule and the `pdf` route all name tasks by these strings, so renaming one would drop queued work."""

import json
import os
import subprocess
import sys
from pathlib import Path

from partnership.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[1]

# The names tasks were queued under before reviews/tasks.py and reviews/tasks_reports.py became a package.
QUEUED_NAMES = {
    "partnership.accounts.tasks.send_invitation",
    "partnership.accounts.tasks.send_unsent_invitations",
    "reviews.tasks.create_reminders",
    "reviews.tasks.propose_review_groups",
    "reviews.tasks.send_daily_reminders",
    "reviews.tasks.send_notification_email",
    "reviews.tasks.send_unsent_notification_emails",
    "reviews.tasks_reports.render_report",
    "reviews.tasks_reports.resend_stalled_reports",
    "partnership.privacy.tasks.apply_every_retention_schedule",
    "partnership.privacy.tasks.apply_retention_schedule",
    "cpd.tasks.expire_booking",
    "cpd.tasks.expire_due_bookings",
    "cpd.tasks.send_offer_email",
    "cpd.tasks.send_booking_email",
    "cpd.tasks.render_finance_pdf",
    "cpd.tasks.remind_booked_people",
    "cpd.tasks.send_booking_reminders",
    "cpd.tasks.render_certificates",
    "cpd.tasks.render_pending_certificates",
    "cpd.tasks.render_record",
    "cpd.tasks.send_impact_reminders",
    "cpd.tasks.send_impact_reminder_email",
    "governance.tasks.assemble_pack",
    "governance.tasks.notify_pack_published",
    "governance.tasks.notify_meeting_changed",
    "governance.tasks.notify_meeting_cancelled",
    "governance.tasks.notify_minutes_circulated",
    "governance.tasks.remind_action_owners",
    "governance.tasks.send_action_reminders",
    "improvement.tasks.remind_grant_reports",
    "improvement.tasks.render_annual_report",
    "improvement.tasks.send_grant_reminders",
    "improvement.tasks.remind_support_next_steps",
    "improvement.tasks.send_support_reminders",
}

# What a worker does at start: set Django up, then let Celery's autodiscovery import each app's tasks.
WORKER_START = """
import json
import django
django.setup()
from partnership.celery import app
app.loader.import_default_modules()
print(json.dumps(sorted(name for name in app.tasks if not name.startswith("celery."))))
"""


def test_a_starting_worker_registers_every_task_under_its_queued_name():
    result = subprocess.run(
        [sys.executable, "-c", WORKER_START],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "partnership.settings"},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    registered = set(json.loads(result.stdout.strip().splitlines()[-1]))
    assert registered >= QUEUED_NAMES, f"missing: {sorted(QUEUED_NAMES - registered)}"


def test_the_beat_schedule_and_the_pdf_route_name_registered_tasks():
    for entry in celery_app.conf.beat_schedule.values():
        assert entry["task"] in QUEUED_NAMES
    assert celery_app.amqp.router.route({}, "reviews.tasks_reports.render_report")["queue"].name == "pdf"
    assert celery_app.amqp.router.route({}, "cpd.tasks.render_finance_pdf")["queue"].name == "pdf"
    assert celery_app.amqp.router.route({}, "improvement.tasks.render_annual_report")["queue"].name == "pdf"
