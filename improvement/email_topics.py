"""The kinds of email school improvement sends that a person may turn off (declared in its portal.py)."""

EMAIL_SUPPORT_REMINDERS = "support_reminders"
