"""The kinds of email the review workflow sends that a person may turn off (declared in reviews/portal.py).

Whatever kind is turned off still shows on the person's home page, under "What needs your attention"."""

from .models.notifications import NotificationKind

EMAIL_REVIEW_UPDATES = "review_updates"
EMAIL_REVIEW_REMINDERS = "review_reminders"
EMAIL_REPORT_SHARED = "report_shared"

TOPIC_OF_KIND = {
    NotificationKind.DATES_PROPOSED: EMAIL_REVIEW_UPDATES,
    NotificationKind.DATES_ACCEPTED: EMAIL_REVIEW_UPDATES,
    NotificationKind.OTHER_DATES_ASKED: EMAIL_REVIEW_UPDATES,
    NotificationKind.VISIT_RESCHEDULED: EMAIL_REVIEW_UPDATES,
    NotificationKind.SELF_REVIEW_DUE: EMAIL_REVIEW_REMINDERS,
    NotificationKind.VISIT_SOON: EMAIL_REVIEW_REMINDERS,
    NotificationKind.REPORT_OVERDUE: EMAIL_REVIEW_REMINDERS,
    NotificationKind.FACTUAL_ACCURACY_OVERDUE: EMAIL_REVIEW_REMINDERS,
    NotificationKind.REPORT_SHARED: EMAIL_REPORT_SHARED,
}
