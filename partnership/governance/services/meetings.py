"""Meetings: scheduling, the agenda and its papers, publishing the pack, apologies, attendance and interests declared
in items. Open actions are carried to each new agenda as matters arising."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mass_mail
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from partnership.accounts.models import User
from partnership.accounts.selectors import wants_email
from partnership.audit.services import AuditAction, audit_record
from partnership.governance.email_topics import EMAIL_BOARD_PAPERS
from partnership.tenancy.hosts import partnership_url

from ..files import checked_document, sha256_of, store_file
from ..models import (
    Action,
    AgendaItem,
    Attendance,
    Body,
    BodyMembership,
    ItemInterest,
    Meeting,
    Paper,
    PaperDownload,
    Purpose,
)

CLEAR_DAYS = 7


def clear_days_before(meeting: Meeting, on: datetime.date) -> int:
    """Whole days between publishing and the meeting, neither day counted."""
    return (timezone.localdate(meeting.starts_at) - on).days - 1


@transaction.atomic
def meeting_schedule(*, body: Body, starts_at: datetime.datetime, place: str) -> Meeting:
    """A new meeting, its agenda opened with apologies, the last minutes and matters arising (the body's open
    actions, carried automatically)."""
    if starts_at <= timezone.now():
        raise ValidationError({"starts_at": "The meeting must be in the future."})
    place = place.strip()
    if not place:
        raise ValidationError({"place": "Enter where the meeting is (a room, an address or 'Online')."})
    if Meeting.objects.filter(body=body, starts_at=starts_at).exists():
        raise ValidationError({"starts_at": f"{body} already meets at that time."})
    meeting = Meeting.objects.create(partnership_id=body.partnership_id, body=body, starts_at=starts_at, place=place)
    standing = [
        ("Welcome and apologies", Purpose.INFORMATION, False),
        ("Minutes of the last meeting", Purpose.DECISION, False),
        ("Matters arising", Purpose.DISCUSSION, True),
    ]
    for number, (title, purpose, arising) in enumerate(standing, start=1):
        item = AgendaItem.objects.create(
            partnership_id=body.partnership_id,
            meeting=meeting,
            number=number,
            title=title,
            purpose=purpose,
            presenter="Chair",
            is_matters_arising=arising,
        )
        if arising:
            item.carried_actions.set(Action.objects.filter(body=body, status=Action.Status.OPEN))
    return meeting


def _editable(meeting: Meeting) -> None:
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError("The meeting is cancelled.")


@transaction.atomic
def agenda_item_add(*, meeting: Meeting, title: str, purpose: str, presenter: str = "", school=None) -> AgendaItem:
    _editable(meeting)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    title = title.strip()
    if not title:
        raise ValidationError({"title": "Enter the item's title."})
    if purpose not in Purpose.values:
        raise ValidationError({"purpose": "Choose whether the item is for decision, discussion or information."})
    number = (meeting.items.aggregate(last=Max("number"))["last"] or 0) + 1
    return AgendaItem.objects.create(
        partnership_id=meeting.partnership_id,
        meeting=meeting,
        number=number,
        title=title,
        purpose=purpose,
        presenter=presenter.strip(),
        school=school,
    )


def paper_upload(*, item: AgendaItem, title: str, uploaded: UploadedFile, actor: User) -> Paper:
    _editable(item.meeting)
    title = title.strip() or uploaded.name
    document_type = checked_document(uploaded)
    digest = sha256_of(uploaded)
    if Paper.objects.filter(item=item, sha256=digest).exists():
        raise ValidationError({"file": f"That file is already a paper for item {item.number}."})
    paper = Paper(
        partnership_id=item.partnership_id,
        item=item,
        title=title[:200],
        original_name=uploaded.name[:255],
        content_type=document_type.content_type,
        size=uploaded.size,
        sha256=digest,
        uploaded_by=actor,
    )
    store_file(paper.file, uploaded, document_type)
    try:
        with transaction.atomic():
            paper.save()
    except BaseException:
        paper.file.storage.delete(paper.file.name)
        raise
    return paper


@dataclass(frozen=True)
class PublishResult:
    meeting: Meeting
    clear_days: int

    @property
    def short_notice(self) -> bool:
        return self.clear_days < CLEAR_DAYS


@transaction.atomic
def meeting_publish(*, meeting: Meeting, now: datetime.datetime | None = None) -> PublishResult:
    """Publish the pack to the body's members. Later than 7 clear days is allowed; the page warns first."""
    now = now or timezone.now()
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError("A cancelled meeting's pack cannot be published.")
    if meeting.starts_at <= now:
        raise ValidationError("The meeting has started: its pack can no longer be published.")
    if meeting.status == Meeting.Status.DRAFT:
        meeting.status = Meeting.Status.PUBLISHED
        meeting.published_at = now
        meeting.save(update_fields=["status", "published_at"])
        transaction.on_commit(lambda: _enqueue_notice(meeting))
    return PublishResult(meeting, clear_days_before(meeting, timezone.localdate(now)))


def _enqueue_notice(meeting: Meeting) -> None:
    from ..tasks import notify_pack_published_task

    notify_pack_published_task.delay(partnership_id=meeting.partnership_id, meeting_id=meeting.pk)


def pack_published_notify(*, meeting: Meeting) -> int:
    """Email each member in post on the meeting's day that the pack is ready; returns how many were sent."""
    day = timezone.localdate(meeting.starts_at)
    members = [
        m for m in BodyMembership.objects.filter(body_id=meeting.body_id).select_related("user") if m.in_post_on(day)
    ]
    partnership = meeting.body.partnership
    url = partnership_url(partnership, reverse("governance_meeting", args=[meeting.pk]))
    starts = timezone.localtime(meeting.starts_at)
    subject = f"Papers for {meeting.body.name} on {starts:%-d %B %Y}"
    messages = [
        (
            subject,
            render_to_string(
                "governance/email/pack_published.txt",
                {"member": m, "meeting": meeting, "starts": starts, "url": url, "partnership": partnership},
            ),
            settings.DEFAULT_FROM_EMAIL,
            [m.user.email],
        )
        for m in members
        if m.user.email and wants_email(m.user, EMAIL_BOARD_PAPERS)
    ]
    return send_mass_mail(messages)


def _seat(meeting: Meeting, user: User) -> BodyMembership:
    day = timezone.localdate(meeting.starts_at)
    for seat in BodyMembership.objects.filter(body_id=meeting.body_id, user=user):
        if seat.in_post_on(day):
            return seat
    raise ValidationError("You are not a member of this body on the day of the meeting.")


@transaction.atomic
def apologies_send(*, meeting: Meeting, user: User, note: str = "") -> Attendance:
    if meeting.status != Meeting.Status.PUBLISHED:
        raise ValidationError("Apologies can be sent once the meeting's pack is published.")
    if meeting.starts_at <= timezone.now():
        raise ValidationError("The meeting has started: tell the clerk instead.")
    seat = _seat(meeting, user)
    attendance, _ = Attendance.objects.update_or_create(
        partnership_id=meeting.partnership_id,
        meeting=meeting,
        membership=seat,
        defaults={"status": Attendance.Status.APOLOGIES, "apologies_note": note.strip()[:300]},
    )
    return attendance


@transaction.atomic
def attendance_record(*, meeting: Meeting, statuses: dict[int, str]) -> list[Attendance]:
    """`statuses` maps each BodyMembership id to present, apologies or absent."""
    if meeting.status != Meeting.Status.PUBLISHED:
        raise ValidationError("Attendance is recorded for a meeting whose pack is published.")
    if timezone.localdate(meeting.starts_at) > timezone.localdate():
        raise ValidationError("Attendance is recorded on the day of the meeting, not before.")
    day = timezone.localdate(meeting.starts_at)
    seats = {m.pk: m for m in BodyMembership.objects.filter(body_id=meeting.body_id) if m.in_post_on(day)}
    unknown = set(statuses) - set(seats)
    if unknown:
        raise ValidationError("Someone in the list is not a member of this body on the day of the meeting.")
    if any(value not in Attendance.Status.values for value in statuses.values()):
        raise ValidationError("Choose present, apologies or absent for each member.")
    saved = []
    for membership_id, status in statuses.items():
        attendance, _ = Attendance.objects.update_or_create(
            partnership_id=meeting.partnership_id,
            meeting=meeting,
            membership=seats[membership_id],
            defaults={"status": status},
        )
        saved.append(attendance)
    return saved


def item_interest_declare(*, item: AgendaItem, membership: BodyMembership, note: str) -> ItemInterest:
    if membership.body_id != item.meeting.body_id:
        raise ValidationError("Only a member of this body declares an interest in its items.")
    note = note.strip()
    if not note:
        raise ValidationError({"note": "Say what the interest is."})
    try:
        with transaction.atomic():
            return ItemInterest.objects.create(
                partnership_id=item.partnership_id, item=item, membership=membership, note=note[:300]
            )
    except IntegrityError:
        raise ValidationError("That member has already declared an interest in this item.") from None


def paper_download_record(*, paper: Paper, user: User) -> PaperDownload:
    audit_record(
        action=AuditAction.DOCUMENT_DOWNLOADED,
        partnership=paper.partnership_id,
        actor=user,
        subject=f"Board paper {paper.original_name} for {paper.item.meeting}"[:300],
        detail={"kind": "board paper", "paper": paper.pk, "meeting": paper.item.meeting_id},
    )
    return PaperDownload.objects.create(
        partnership_id=paper.partnership_id,
        paper=paper,
        meeting_id=paper.item.meeting_id,
        file_name=paper.original_name,
        user=user,
    )


def pack_download_record(*, meeting: Meeting, user: User, file_name: str) -> PaperDownload:
    audit_record(
        action=AuditAction.DOCUMENT_DOWNLOADED,
        partnership=meeting.partnership_id,
        actor=user,
        subject=f"Meeting pack for {meeting}"[:300],
        detail={"kind": "meeting pack", "meeting": meeting.pk},
    )
    return PaperDownload.objects.create(
        partnership_id=meeting.partnership_id, paper=None, meeting=meeting, file_name=file_name, user=user
    )
