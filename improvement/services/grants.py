"""Writes for grants the partnership gives and work it commissions: the record, its terms, the report back, and the
reminder before a report is due."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from partnership.accounts.models import User
from partnership.tenancy.hosts import partnership_url
from partnership.tenancy.models import Membership, Partnership
from partnership.tenancy.roles import Role
from schools.models import Cluster

from ..models import Grant, GrantKind
from ..wording import current_academic_year

REMIND_DAYS_BEFORE = 14


def _terms_errors(
    *,
    kind: str,
    party: str,
    purpose: str,
    amount: Decimal,
    starts_on: datetime.date,
    ends_on: datetime.date,
    report_due_on: datetime.date | None,
) -> dict[str, str]:
    errors = {}
    if kind not in GrantKind.values:
        errors["kind"] = "Choose a grant or commissioned work."
    if not party.strip():
        errors["party"] = "Enter who receives the grant or provides the work."
    if not purpose.strip():
        errors["purpose"] = "Enter what it is for."
    if amount < 0:
        errors["amount"] = "The amount cannot be negative."
    if ends_on < starts_on:
        errors["ends_on"] = "It ends on or after the day it starts."
    if report_due_on is not None and report_due_on < starts_on:
        errors["report_due_on"] = "The report is due on or after the day it starts."
    return errors


def grant_create(
    *,
    partnership: Partnership,
    kind: str,
    party: str,
    cluster: Cluster | None,
    purpose: str,
    amount: Decimal,
    conditions: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    report_due_on: datetime.date | None,
    actor: User | None,
) -> Grant:
    terms = {
        "kind": kind,
        "party": party,
        "purpose": purpose,
        "amount": amount,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "report_due_on": report_due_on,
    }
    errors = _terms_errors(**terms)
    if errors:
        raise ValidationError(errors)
    return Grant.objects.create(
        partnership=partnership,
        cluster=cluster,
        conditions=conditions.strip(),
        year=current_academic_year(starts_on),
        created_by=actor,
        **{**terms, "party": party.strip(), "purpose": purpose.strip()},
    )


def grant_update(
    *,
    grant: Grant,
    kind: str,
    party: str,
    cluster: Cluster | None,
    purpose: str,
    amount: Decimal,
    conditions: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    report_due_on: datetime.date | None,
) -> Grant:
    """Change the terms. A new report date earns a new reminder."""
    errors = _terms_errors(
        kind=kind,
        party=party,
        purpose=purpose,
        amount=amount,
        starts_on=starts_on,
        ends_on=ends_on,
        report_due_on=report_due_on,
    )
    if grant.reported_on is not None and starts_on > grant.reported_on:
        errors["starts_on"] = f"The report came back on {grant.reported_on:%-d %B %Y}: it cannot start after that."
    if errors:
        raise ValidationError(errors)
    if report_due_on != grant.report_due_on:
        grant.reminded_at = None
    grant.kind, grant.party, grant.cluster, grant.purpose = kind, party.strip(), cluster, purpose.strip()
    grant.amount, grant.conditions, grant.starts_on, grant.ends_on = amount, conditions.strip(), starts_on, ends_on
    grant.report_due_on, grant.year = report_due_on, current_academic_year(starts_on)
    grant.save()
    return grant


def grant_report(
    *,
    grant: Grant,
    reported_on: datetime.date,
    spend: Decimal,
    impact: str,
    today: datetime.date | None = None,
) -> Grant:
    """The report back: what was spent and the impact. It may be corrected later; never before the grant began."""
    today = today or timezone.localdate()
    errors = {}
    if reported_on < grant.starts_on:
        errors["reported_on"] = f"It started on {grant.starts_on:%-d %B %Y}: a report cannot come before that."
    elif reported_on > today:
        errors["reported_on"] = "Record the report once it has come back."
    if spend < 0:
        errors["spend"] = "The spend cannot be negative."
    if not impact.strip():
        errors["impact"] = "Enter the impact reported."
    if errors:
        raise ValidationError(errors)
    grant.reported_on, grant.spend, grant.impact = reported_on, spend, impact.strip()
    grant.save(update_fields=["reported_on", "spend", "impact", "updated_at"])
    return grant


def grant_reminders_send(*, today: datetime.date | None = None) -> int:
    """Remind the coordinators, once per report date, of each report due within two weeks (or overdue) and not
    yet back; returns how many grants were reminded of."""
    today = today or timezone.localdate()
    due = list(
        Grant.objects.filter(
            reported_on__isnull=True,
            reminded_at__isnull=True,
            report_due_on__isnull=False,
            report_due_on__lte=today + datetime.timedelta(days=REMIND_DAYS_BEFORE),
        )
        .select_related("partnership")
        .order_by("report_due_on", "pk")
    )
    if not due:
        return 0
    coordinators = list(
        Membership.objects.filter(role=Role.COORDINATOR, ended_on__isnull=True)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
        .distinct()
    )
    sent = 0
    for grant in due:
        with transaction.atomic():
            locked = Grant.objects.select_for_update().filter(pk=grant.pk, reminded_at__isnull=True).first()
            if locked is None:
                continue
            if coordinators:
                send_mail(
                    subject=f"Report due {grant.report_due_on:%-d %B %Y}: {grant.party}",
                    message=render_to_string(
                        "improvement/email/grant_report_due.txt",
                        {
                            "grant": grant,
                            "partnership": grant.partnership,
                            "overdue": grant.report_due_on < today,
                            "url": partnership_url(grant.partnership, reverse("improvement_grant", args=[grant.pk])),
                        },
                    ),
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    recipient_list=coordinators,
                )
            locked.reminded_at = timezone.now()
            locked.save(update_fields=["reminded_at"])
            sent += 1
    return sent
