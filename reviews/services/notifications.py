"""Notifications: what a person needs to know or do, on their home page and by email.

Every notification is recorded in the database first; its email is sent by a Celery task enqueued when the
transaction commits (robustly: if Redis is down the notification stays unsent and the beat task
`send_unsent_notification_emails` sends it later). The daily reminders (self-review due, visit soon, report and
factual-accuracy check overdue) run per partnership from Celery beat; each occasion has a dedupe key so a person
is reminded once however often the task runs.
"""

import datetime
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from partnership.accounts.models import User
from partnership.accounts.selectors import wants_email
from partnership.common.text import long_date
from partnership.tenancy.hosts import partnership_url
from partnership.tenancy.roles import Role
from partnership.tenancy.scoping import active_partnership_id

from ..calendar import SchoolCalendar, calendar_for_partnership
from ..email_topics import TOPIC_OF_KIND
from ..models import Notification, NotificationKind, ReviewStatus, VisitProposal
from ..selectors.notifications import (
    EMAIL_GIVE_UP_AFTER,
    Occasion,
    reminder_occasions,
    school_user_ids,
    team_user_ids,
)
from ..wording import days_label, review_path

logger = logging.getLogger(__name__)


# Who is told -------------------------------------------------------------------------------------------------------


# Creating and sending ----------------------------------------------------------------------------------------------


def notifications_create(occasions: Iterable[Occasion], *, email: bool = True) -> list[Notification]:
    """Record each occasion once per person (existing dedupe keys are skipped) and, if `email`, enqueue the emails
    for when the transaction commits. Returns the notifications made now."""
    occasions = [o for o in occasions if o.user_ids]
    if not occasions:
        return []
    active = set(
        User.objects.filter(pk__in={uid for o in occasions for uid in o.user_ids}, is_active=True).values_list(
            "pk", flat=True
        )
    )
    existing = set(
        Notification.objects.filter(dedupe_key__in={o.dedupe_key for o in occasions}).values_list(
            "user_id", "dedupe_key"
        )
    )
    partnership_id = active_partnership_id()
    new = [
        Notification(
            partnership_id=partnership_id,
            user_id=user_id,
            kind=o.kind,
            review=o.review,
            message=o.message,
            url=o.url,
            dedupe_key=o.dedupe_key,
        )
        for o in occasions
        for user_id in sorted(o.user_ids & active)
        if (user_id, o.dedupe_key) not in existing
    ]
    try:
        with transaction.atomic():
            created = Notification.objects.bulk_create(new)
    except IntegrityError:
        # Someone else recorded some of them at the same moment: keep the ones that are still new.
        created = []
        for notification in new:
            try:
                with transaction.atomic():
                    notification.save()
            except IntegrityError:
                continue
            created.append(notification)
    if email:
        for notification in created:
            _enqueue_email(notification)
    return created


def _enqueue_email(notification: Notification) -> None:
    from ..tasks import send_notification_email

    partnership_id, notification_id = notification.partnership_id, notification.pk
    # robust: if the broker is down the notification stays unsent and the beat sweep sends it later.
    transaction.on_commit(
        lambda: send_notification_email.delay(partnership_id=partnership_id, notification_id=notification_id),
        robust=True,
    )


def notification_email_send(*, notification_id: int) -> bool:
    """Email one notification unless it has been emailed, read (done) or its person is inactive. Returns whether
    an email left. A failure to send raises, leaving the notification unsent for a retry."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("user", "partnership", "review__school")
            .filter(pk=notification_id, emailed_at__isnull=True, read_at__isnull=True)
            .first()
        )
        if notification is None or not notification.user.is_active:
            return False
        if not wants_email(notification.user, TOPIC_OF_KIND.get(notification.kind, "")):
            # Turned off on "Your account": it stays on the person's home page; the sweep does not try again.
            notification.emailed_at = timezone.now()
            notification.email_declined = True
            notification.save(update_fields=["emailed_at", "email_declined"])
            return False
        partnership = notification.partnership
        context = {
            "notification": notification,
            "partnership": partnership,
            "person": notification.user,
            "url": partnership_url(partnership, notification.url or "/"),
            "home_url": partnership_url(partnership, "/"),
        }
        subject = notification.get_kind_display()
        if notification.review is not None:
            subject = f"{subject}: {notification.review.school.name}"
        message = EmailMultiAlternatives(
            subject=f"{subject} - {partnership.name}",
            body=render_to_string("reviews/scheduling/email/notification.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[notification.user.email],
        )
        message.attach_alternative(render_to_string("reviews/scheduling/email/notification.html", context), "text/html")
        message.send()
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return True


def notification_emails_send_unsent(*, now: datetime.datetime | None = None) -> int:
    """Send the active partnership's unsent emails now, one by one; one that fails stays unsent for the sweep."""
    sent = 0
    now = now or timezone.now()
    ids = list(
        Notification.objects.filter(
            emailed_at__isnull=True, read_at__isnull=True, created_at__gte=now - EMAIL_GIVE_UP_AFTER
        ).values_list("pk", flat=True)
    )
    for notification_id in ids:
        try:
            sent += notification_email_send(notification_id=notification_id)
        except OSError:
            logger.exception("Could not email notification %s; the sweep will try again", notification_id)
    return sent


# Reading and marking done ------------------------------------------------------------------------------------------


def notification_mark_done(*, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_done(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


def notifications_resolve(notifications: QuerySet[Notification]) -> int:
    """Mark items done for everybody once what they asked for has happened (e.g. someone answered the dates)."""
    return notifications.filter(read_at__isnull=True).update(read_at=timezone.now())


# Events of scheduling ----------------------------------------------------------------------------------------------


def proposal_key(proposal: VisitProposal, event: str) -> str:
    return f"proposal-{proposal.pk}:{event}"


def notify_dates_proposed(
    *, proposal: VisitProposal, actor: User, replaced_days: list[datetime.date] | None = None
) -> list[Notification]:
    review = proposal.review
    school = review.school.name
    proposer = actor.get_full_name() or actor.email
    dates = days_label(proposal.days)
    if replaced_days:
        kind = NotificationKind.VISIT_RESCHEDULED
        message = (
            f"{proposer} has asked to move the peer review visit to {school} from {days_label(replaced_days)} "
            f"to {dates}. The review team needs to accept the new dates or ask for others."
        )
        recipients = team_user_ids(review) | school_user_ids(review, (Role.HEADTEACHER, Role.SENIOR_LEADER))
    else:
        kind = NotificationKind.DATES_PROPOSED
        message = (
            f"{proposer} has proposed {dates} for the peer review visit to {school}. "
            "Accept the dates or ask for others."
        )
        recipients = team_user_ids(review) | school_user_ids(review)
    if proposal.note:
        message += f' Their note: "{proposal.note}"'
    return notifications_create(
        [
            Occasion(
                kind=kind,
                review=review,
                message=message,
                url=review_path(review, "visit-dates"),
                dedupe_key=proposal_key(proposal, "proposed"),
                user_ids=frozenset(recipients - {actor.pk}),
            )
        ]
    )


def notify_dates_answered(*, proposal: VisitProposal, actor: User) -> list[Notification]:
    review = proposal.review
    responder = actor.get_full_name() or actor.email
    dates = days_label(proposal.days)
    if proposal.status == VisitProposal.Status.ACCEPTED:
        kind, event = NotificationKind.DATES_ACCEPTED, "accepted"
        message = f"{responder} has accepted {dates} for the peer review visit to {review.school.name}."
        if review.self_review_due_on:
            message += f" The school's self-review is due on {long_date(review.self_review_due_on)}."
    else:
        kind, event = NotificationKind.OTHER_DATES_ASKED, "declined"
        message = (
            f"{responder} has asked for other dates than {dates} for the peer review visit to "
            f'{review.school.name}: "{proposal.response_note}"'
        )
    notifications_resolve(Notification.objects.filter(dedupe_key=proposal_key(proposal, "proposed")))
    recipients = team_user_ids(review) | school_user_ids(review)
    return notifications_create(
        [
            Occasion(
                kind=kind,
                review=review,
                message=message,
                url=review_path(review, "visit-dates"),
                dedupe_key=proposal_key(proposal, event),
                user_ids=frozenset(recipients - {actor.pk}),
            )
        ]
    )


def notify_report_shared(*, review, actor: User) -> list[Notification]:
    """Tell the school's governors that its final report is shared with them, with the days it was agreed and
    shared (called by review_share_with_governors, in its transaction)."""
    from ..models import ReviewEvent

    agreed = (
        ReviewEvent.objects.filter(review=review, to_status=ReviewStatus.FINAL).order_by("-at").values_list("at")[:1]
    )
    agreed_on = agreed[0][0] if agreed else None
    shared_on = review.status_changed_at or timezone.now()
    message = (
        f"The final report of {review.school.name}'s peer review ({review.cycle.name}) has been shared with its "
        f"governors on {long_date(timezone.localdate(shared_on))}"
        + (f"; it was agreed on {long_date(timezone.localdate(agreed_on))}." if agreed_on else ".")
        + " You can download it from the Reports page."
    )
    recipients = school_user_ids(review, (Role.GOVERNOR,))
    return notifications_create(
        [
            Occasion(
                kind=NotificationKind.REPORT_SHARED,
                review=review,
                message=message,
                url=reverse("reports_index"),
                dedupe_key=f"report-shared:review-{review.pk}",
                user_ids=frozenset(recipients - {actor.pk}),
            )
        ]
    )


# Daily reminders ---------------------------------------------------------------------------------------------------


def reminders_resolve(*, today: datetime.date) -> int:
    """Reminders whose occasion has passed are done for everybody: the report went in, the visit happened."""
    stale = Q(kind=NotificationKind.REPORT_OVERDUE) & ~Q(review__status__in=[ReviewStatus.VISITED, ReviewStatus.DRAFT])
    stale |= Q(kind=NotificationKind.FACTUAL_ACCURACY_OVERDUE) & (
        ~Q(review__status=ReviewStatus.FACTUAL_ACCURACY)
        | Q(review__report__factual_accuracy_responded_at__isnull=False)
    )
    stale |= Q(kind__in=[NotificationKind.VISIT_SOON, NotificationKind.SELF_REVIEW_DUE]) & ~Q(
        review__status=ReviewStatus.SCHEDULED
    )
    stale |= Q(kind=NotificationKind.SELF_REVIEW_DUE, review__self_review__shared_at__isnull=False)
    return notifications_resolve(Notification.objects.filter(stale))


@transaction.atomic
def reminders_create(
    *, today: datetime.date | None = None, calendar: SchoolCalendar | None = None
) -> list[Notification]:
    """The active partnership's reminders for today, each recorded once; their emails are sent by the caller."""
    today = today or timezone.localdate()
    calendar = calendar or calendar_for_partnership()
    reminders_resolve(today=today)
    return notifications_create(reminder_occasions(today=today, calendar=calendar), email=False)
