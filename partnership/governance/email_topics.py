"""The kinds of email board governance sends that a person may turn off (declared in its portal.py)."""

EMAIL_BOARD_PAPERS = "board_papers"
EMAIL_ACTION_REMINDERS = "action_reminders"
