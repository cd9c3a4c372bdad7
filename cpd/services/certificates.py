"""Certificates: released to each person marked present (or late) at every session of an event, on closed
registers only, so what a certificate says rests on a settled record. Issued certificates never change: a
correction revokes one (with a reason) and releases a new one."""

import datetime
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from partnership.accounts.models import User

from ..models import ATTENDED_MARKS, Attendance, BookingState, Certificate, Event, Session
from .evaluations import certificate_gate

# No 0/O or 1/I: a code read aloud or typed from paper is not misread.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_code() -> str:
    """16 random characters (80 bits) in groups of four: unguessable, and unique by the database's constraint."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def _attended_everything(event: Event) -> dict[int, int | None]:
    """{user id: school id} of everyone marked present or late, on a closed register, at every session."""
    sessions = Session.objects.filter(event=event).count()
    if not sessions:
        return {}
    rows = (
        Attendance.objects.filter(
            booking__event=event,
            booking__state=BookingState.CONFIRMED,
            mark__in=ATTENDED_MARKS,
            register__closed_at__isnull=False,
        )
        .values("booking__user_id")
        .annotate(sessions=Count("booking__session_id", distinct=True), school=Max("booking__school_id"))
        .filter(sessions=sessions)
    )
    return {row["booking__user_id"]: row["school"] for row in rows}


def certificates_release(
    *, event: Event, by: User, now: datetime.datetime | None = None, only: User | None = None
) -> list[Certificate]:
    """A certificate for everyone (or `only` this person) who attended every session and has no valid one yet.
    Running it again releases only what is new."""
    now = now or timezone.now()
    with transaction.atomic():
        # The event's row serialises releases: two coordinators pressing at once issue each certificate once.
        event = Event.objects.select_for_update().get(pk=event.pk)
        eligible = certificate_gate(event, _attended_everything(event))
        if only is not None:
            eligible = {only.pk: eligible[only.pk]} if only.pk in eligible else {}
        if not eligible:
            raise ValidationError(
                "Nobody is eligible for a certificate yet: a certificate goes to each person marked present at every "
                "session of the event, once every session's register is closed (and, where the partnership asks, "
                "once they have completed the on-the-day evaluation)."
            )
        holders = set(
            Certificate.objects.filter(event=event, revoked_at__isnull=True).values_list("user_id", flat=True)
        )
        completed_on = Session.objects.filter(event=event).aggregate(last=Max("date"))["last"]
        people = User.objects.in_bulk([user_id for user_id in eligible if user_id not in holders])
        if not people:
            raise ValidationError(
                "Everyone eligible already holds a certificate for this event: nothing new to release."
            )
        made = [
            Certificate(
                partnership_id=event.partnership_id,
                event=event,
                user=person,
                school_id=eligible[person.pk],
                code=new_code(),
                person_name=str(person)[:300],
                event_title=event.title,
                completed_on=completed_on,
                issued_at=now,
                issued_by=by,
            )
            for person in people.values()
        ]
        Certificate.objects.bulk_create(made)
    return made


def certificate_issue(*, event: Event, user: User, by: User, now: datetime.datetime | None = None) -> Certificate:
    """One person's certificate, refused with the reason when they were not marked present at every session."""
    if user.pk not in _attended_everything(event):
        raise ValidationError(
            f"{user} was not marked present at every session of {event.title} (on closed registers): no certificate."
        )
    if user.pk not in certificate_gate(event, {user.pk: None}):
        raise ValidationError(f"{user} has not completed the on-the-day evaluation of {event.title} yet.")
    existing = Certificate.objects.filter(event=event, user=user, revoked_at__isnull=True).first()
    if existing is not None:
        return existing
    return certificates_release(event=event, by=by, now=now, only=user)[0]


def certificate_revoke(
    *, certificate: Certificate, by: User, reason: str, now: datetime.datetime | None = None
) -> Certificate:
    if not reason.strip():
        raise ValidationError({"reason": "Say why the certificate is revoked: the reason is kept with it."})
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if certificate.revoked_at is not None:
            raise ValidationError("This certificate is already revoked.")
        certificate.revoked_at, certificate.revoked_by = now or timezone.now(), by
        certificate.revoked_reason = reason.strip()[:300]
        certificate.save(update_fields=["revoked_at", "revoked_by", "revoked_reason"])
    return certificate
