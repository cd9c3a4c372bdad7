"""Emails of brokered support's next steps: the same steps as the home page's "Support and grants: next steps"
(improvement/selectors/support.py `support_next_steps`), each emailed once to those who take it, unless they
turned these emails off on "Emails you get". Run once a day per partnership by a beat task
(improvement/tasks.py), inside that partnership's scope."""

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Model
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from partnership.accounts.models import User
from partnership.accounts.selectors import wants_email
from partnership.tenancy.hosts import partnership_url
from partnership.tenancy.models import Membership
from partnership.tenancy.roles import Role

from ..email_topics import EMAIL_SUPPORT_REMINDERS
from ..models import SupportAgreement, SupportRequest, SupportStatus
from ..selectors.support import AGREE, COMMITTED, EVALUATE, MIDPOINT

# A request is brokered within a week or so; after that the coordinators are reminded it still waits.
REMIND_AGREE_AFTER_DAYS = 7


def _people(role: str, school_ids: Iterable[int] | None = None) -> dict[int, list[User]]:
    """The current holders of `role` (at these schools, for a school role), by school id (0 for partnership-wide)."""
    memberships = Membership.objects.filter(role=role, ended_on__isnull=True).select_related("user")
    if school_ids is not None:
        memberships = memberships.filter(school_id__in=list(school_ids))
    found: dict[int, list[User]] = {}
    for membership in memberships.order_by("user_id"):
        found.setdefault(membership.school_id or 0, []).append(membership.user)
    return found


def _send(
    request: SupportRequest, step: str, due_on: datetime.date | None, people: list[User], today: datetime.date
) -> int:
    """One email to each person who wants it (each their own: they never see who else was told)."""
    url = partnership_url(request.partnership, reverse("improvement_support", args=[request.pk]))
    subject = f"Support for {request.school.name}: {step[0].lower()}{step[1:]}"
    sent, seen = 0, set()
    for person in people:
        if person.pk in seen or not person.email or not wants_email(person, EMAIL_SUPPORT_REMINDERS):
            continue  # turned off on "Emails you get": the step still shows on their home page
        seen.add(person.pk)
        message = render_to_string(
            "improvement/email/support_next_step.txt",
            {
                "request": request,
                "step": step,
                "due_on": due_on,
                "overdue": due_on is not None and due_on < today,
                "partnership": request.partnership,
                "person": person,
                "url": url,
            },
        )
        send_mail(subject, message, settings.DEFAULT_FROM_EMAIL, [person.email])
        sent += 1
    return sent


def _once(model: type[Model], pk: int, field: str) -> bool:
    """Claim the row's reminder (locked; False when it was already sent): call inside a transaction."""
    locked = model.objects.select_for_update().filter(pk=pk, **{f"{field}__isnull": True}).first()
    if locked is None:
        return False
    setattr(locked, field, timezone.now())
    locked.save(update_fields=[field])
    return True


def support_reminders_send(*, today: datetime.date | None = None) -> int:
    """Email each next step once: a request still waiting for its agreement after a week (the coordinators), the
    mid-point review once half the agreed time has passed (the coordinators, the school's headteacher and the
    system leader), the evaluation once the support has ended (the coordinators and the school's headteacher).
    A step is marked reminded in the same transaction as its emails, so a mail server that refuses leaves it to
    be sent the next day. Returns how many emails went."""
    today = today or timezone.localdate()
    waiting = list(
        SupportRequest.objects.filter(
            status=SupportStatus.REQUESTED,
            agree_reminded_at__isnull=True,
            requested_at__lt=timezone.now() - datetime.timedelta(days=REMIND_AGREE_AFTER_DAYS),
        ).select_related("school", "partnership")
    )
    open_agreements = list(
        SupportAgreement.objects.filter(request__status__in=COMMITTED)
        .filter(midpoint_reminded_at__isnull=True, midpoint_review__isnull=True, ends_on__gt=today)
        .select_related("request__school", "request__partnership", "leader__user")
    )
    due_midpoint = [a for a in open_agreements if a.midpoint_on <= today]
    ended = list(
        SupportAgreement.objects.filter(
            request__status__in=COMMITTED, evaluation_reminded_at__isnull=True, ends_on__lte=today
        ).select_related("request__school", "request__partnership")
    )
    if not (waiting or due_midpoint or ended):
        return 0
    coordinators = [user for users in _people(Role.COORDINATOR).values() for user in users]
    heads = _people(Role.HEADTEACHER, {a.request.school_id for a in [*due_midpoint, *ended]})
    sent = 0
    for request in waiting:
        with transaction.atomic():
            if _once(SupportRequest, request.pk, "agree_reminded_at"):
                sent += _send(request, AGREE, None, coordinators, today)
    for agreement in due_midpoint:
        people = [*coordinators, *heads.get(agreement.request.school_id, []), agreement.leader.user]
        with transaction.atomic():
            if _once(SupportAgreement, agreement.pk, "midpoint_reminded_at"):
                sent += _send(agreement.request, MIDPOINT, agreement.midpoint_on, people, today)
    for agreement in ended:
        people = [*coordinators, *heads.get(agreement.request.school_id, [])]
        with transaction.atomic():
            if _once(SupportAgreement, agreement.pk, "evaluation_reminded_at"):
                sent += _send(agreement.request, EVALUATE, agreement.ends_on, people, today)
    return sent
