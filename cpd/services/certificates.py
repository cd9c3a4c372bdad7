"""Certificates: released to each person marked present (or late) at every session of an event, on closed
registers only, so what a certificate says rests on a settled record. Issued certificates never change: a
correction revokes one (with a reason) and reissues it under a new code, both recorded.

Each certificate's PDF is rendered once by a worker on the `pdf` queue (`cpd.tasks.render_certificates`, queued
when the transaction that released it commits) and stored through the default storage; downloads read the stored
file. A batch lost with the broker is picked up by the beat task `cpd.tasks.render_pending_certificates`."""

import datetime
import hashlib
import logging
import secrets

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count, Max, QuerySet
from django.utils import timezone

from partnership.accounts.models import User

from ..models import ATTENDED_MARKS, Attendance, BookingState, Certificate, Event, Session
from .evaluations import certificate_gate

logger = logging.getLogger(__name__)

# Certificates per render task: a conference's 500 become 20 messages, shared out among the pdf workers.
RENDER_BATCH = 25
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
        transaction.on_commit(lambda: certificates_enqueue_render([c.pk for c in made], event.partnership_id))
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


def certificate_reissue(
    *, certificate: Certificate, by: User, reason: str, now: datetime.datetime | None = None
) -> Certificate:
    """A correction: the certificate is revoked with the reason and a new one issued under a new code, naming the
    person as they are now recorded (the usual correction is a misspelt name). Both stay on record; the old code
    verifies as revoked. Refused, with nothing changed, if the person no longer has every session marked."""
    now = now or timezone.now()
    if not reason.strip():
        raise ValidationError({"reason": "Say why the certificate is reissued: the reason is kept with it."})
    with transaction.atomic():
        # The event's row first, as a release takes it: a reissue and a release never cross.
        event = Event.objects.select_for_update().get(pk=certificate.event_id)
        old = Certificate.objects.select_for_update().select_related("user").get(pk=certificate.pk)
        if old.revoked_at is not None:
            raise ValidationError("This certificate is already revoked: it cannot be reissued again.")
        if old.user_id not in _attended_everything(event):
            raise ValidationError(
                f"{old.person_name} is no longer marked present at every session of {event.title}: revoke the "
                "certificate instead of reissuing it."
            )
        certificate_revoke(certificate=old, by=by, reason=reason, now=now)
        new = Certificate.objects.create(
            partnership_id=old.partnership_id,
            event=event,
            user=old.user,
            school_id=old.school_id,
            code=new_code(),
            person_name=str(old.user)[:300],
            event_title=event.title,
            completed_on=old.completed_on,
            issued_at=now,
            issued_by=by,
            replaces=old,
        )
        transaction.on_commit(lambda: certificates_enqueue_render([new.pk], new.partnership_id))
    return new


def certificate_file_name(certificate: Certificate) -> str:
    """Where a certificate's PDF is stored: by partnership and event, named by its code (unique, never reused)."""
    return f"certificates/{certificate.partnership_id}/{certificate.event_id}/{certificate.code}.pdf"


def certificate_render(*, certificate_id: int, partnership) -> bool:
    """Lay out one certificate's PDF and store it. False when there is nothing to do (already stored, revoked or
    gone), so a message delivered twice renders once."""
    from reviews.reports.storage import write_atomically

    from ..certificates_pdf import certificate_pdf

    certificate = Certificate.objects.filter(pk=certificate_id).first()
    if certificate is None or certificate.is_rendered or not certificate.is_valid:
        return False
    pdf = certificate_pdf(certificate, partnership=partnership)
    name = write_atomically(default_storage, certificate_file_name(certificate), pdf)
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate_id)
        if locked.is_rendered or not locked.is_valid:
            return False
        locked.pdf.name = name
        locked.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
        locked.rendered_at = timezone.now()
        locked.save(update_fields=["pdf", "pdf_sha256", "rendered_at"])
    return True


def certificates_enqueue_render(certificate_ids: list[int], partnership_id: int) -> bool:
    """Hand certificates to the `pdf` queue in batches. False (nothing lost: the rows wait unrendered for the beat
    task) when the broker cannot be reached."""
    from reviews.tasks.reports import pdf_queue

    from ..tasks import render_certificates

    try:
        for start in range(0, len(certificate_ids), RENDER_BATCH):
            batch = certificate_ids[start : start + RENDER_BATCH]
            render_certificates.apply_async(
                kwargs={"partnership_id": partnership_id, "certificate_ids": batch}, queue=pdf_queue()
            )
    except Exception:  # the certificates are issued; their PDFs follow when the beat task finds them
        logger.exception("Could not queue the PDFs of %d certificate(s)", len(certificate_ids))
        return False
    return True


def certificates_unrendered(*, older_than: datetime.timedelta = datetime.timedelta(minutes=5)) -> QuerySet:
    """Valid certificates still without their PDF some minutes after issue: their message was lost."""
    return Certificate.objects.filter(
        revoked_at__isnull=True, rendered_at__isnull=True, issued_at__lt=timezone.now() - older_than
    )
