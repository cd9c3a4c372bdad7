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
    AgendaChange,
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


def _changeable(meeting: Meeting) -> None:
    """The agenda and its papers change until the meeting starts (after publishing, each change is recorded)."""
    _editable(meeting)
    if meeting.starts_at <= timezone.now():
        raise ValidationError("The meeting has started: its agenda and papers can no longer change.")


def _record_change(meeting: Meeting, text: str, actor: User | None) -> AgendaChange | None:
    """Once members have the pack, a change to it is recorded on the meeting and emailed to them (after commit)."""
    if meeting.status != Meeting.Status.PUBLISHED:
        return None
    change = AgendaChange.objects.create(
        partnership_id=meeting.partnership_id, meeting=meeting, text=text[:500], made_by=actor
    )
    transaction.on_commit(lambda: _enqueue_change_notice(change))
    return change


def _enqueue_change_notice(change: AgendaChange) -> None:
    from ..tasks import notify_meeting_changed_task

    notify_meeting_changed_task.delay(partnership_id=change.partnership_id, change_id=change.pk)


def _item_fields(title: str, purpose: str, presenter: str, school=None, trust=None) -> tuple[str, str, str]:
    if school is not None and trust is not None:
        raise ValidationError({"trust": "Choose the school or the trust the item is about, not both."})
    title = title.strip()
    if not title:
        raise ValidationError({"title": "Enter the item's title."})
    if purpose not in Purpose.values:
        raise ValidationError({"purpose": "Choose whether the item is for decision, discussion or information."})
    return title, purpose, presenter.strip()


@transaction.atomic
def agenda_item_add(
    *,
    meeting: Meeting,
    title: str,
    purpose: str,
    presenter: str = "",
    school=None,
    trust=None,
    actor: User | None = None,
) -> AgendaItem:
    _editable(meeting)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    title, purpose, presenter = _item_fields(title, purpose, presenter, school, trust)
    if meeting.status == Meeting.Status.PUBLISHED:
        _changeable(meeting)
    number = (meeting.items.aggregate(last=Max("number"))["last"] or 0) + 1
    item = AgendaItem.objects.create(
        partnership_id=meeting.partnership_id,
        meeting=meeting,
        number=number,
        title=title,
        purpose=purpose,
        presenter=presenter,
        school=school,
        trust=trust,
    )
    _record_change(meeting, f"Item {number} added: {title}.", actor)
    return item


@transaction.atomic
def agenda_item_update(
    *,
    item: AgendaItem,
    title: str,
    purpose: str,
    presenter: str = "",
    school=None,
    trust=None,
    actor: User | None = None,
) -> AgendaItem:
    meeting = Meeting.objects.select_for_update().get(pk=item.meeting_id)
    _changeable(meeting)
    title, purpose, presenter = _item_fields(title, purpose, presenter, school, trust)
    if item.is_matters_arising and (school is not None or trust is not None):
        raise ValidationError({"school": "Matters arising are about the body's actions, not one school or trust."})
    moved = (school.pk if school is not None else None) != item.school_id
    if moved and item.papers.filter(review_content=True).exists():
        raise ValidationError(
            {"school": "A paper for this item holds the school's review content: withdraw it before changing this."}
        )
    before = (item.title, item.purpose, item.presenter, item.school_id, item.trust_id)
    item.title, item.purpose, item.presenter, item.school, item.trust = title, purpose, presenter, school, trust
    if before == (item.title, item.purpose, item.presenter, item.school_id, item.trust_id):
        return item
    item.save(update_fields=["title", "purpose", "presenter", "school", "trust"])
    _record_change(meeting, f"Item {item.number} changed: now {title} ({item.get_purpose_display().lower()}).", actor)
    return item


@transaction.atomic
def agenda_item_remove(*, item: AgendaItem, actor: User | None = None) -> None:
    """Take an item off the agenda with its papers; the items after it move up. Matters arising stays: it carries
    the body's open actions."""
    meeting = Meeting.objects.select_for_update().get(pk=item.meeting_id)
    _changeable(meeting)
    if item.is_matters_arising:
        raise ValidationError("Matters arising carries the body's open actions: it stays on the agenda.")
    if item.decisions.exists():
        raise ValidationError("A decision is recorded on this item: it stays on the agenda.")
    files = [paper.file.name for paper in item.papers.all()]
    number, title = item.number, item.title
    item.delete()
    # One at a time, lowest first, so each moves into the number just freed (the numbers are unique).
    for later in AgendaItem.objects.filter(meeting=meeting, number__gt=number).order_by("number"):
        AgendaItem.objects.filter(pk=later.pk).update(number=later.number - 1)
    _delete_files_after_commit(files)
    _record_change(meeting, f"Item {number} removed: {title}. The items after it move up.", actor)


def _delete_files_after_commit(names: list[str]) -> None:
    def delete() -> None:
        for name in names:
            if name:
                Paper._meta.get_field("file").storage.delete(name)

    transaction.on_commit(delete)


@transaction.atomic
def paper_update(*, paper: Paper, title: str, review_content: bool, actor: User | None = None) -> Paper:
    meeting = Meeting.objects.select_for_update().get(pk=paper.item.meeting_id)
    _changeable(meeting)
    title = title.strip()
    if not title:
        raise ValidationError({"title": "Enter the paper's title."})
    _check_review_content(paper.item, review_content)
    if (paper.title, paper.review_content) == (title, review_content):
        return paper
    old = paper.title
    paper.title, paper.review_content = title[:200], review_content
    paper.save(update_fields=["title", "review_content"])
    renamed = f"‘{old}’ is now ‘{paper.title}’" if old != paper.title else f"‘{paper.title}’ changed"
    _record_change(meeting, f"Item {paper.item.number}: paper {renamed}.", actor)
    return paper


@transaction.atomic
def paper_remove(*, paper: Paper, actor: User | None = None) -> None:
    meeting = Meeting.objects.select_for_update().get(pk=paper.item.meeting_id)
    _changeable(meeting)
    number, title, name = paper.item.number, paper.title, paper.file.name
    paper.delete()
    _delete_files_after_commit([name])
    _record_change(meeting, f"Item {number}: paper ‘{title}’ withdrawn.", actor)


def _check_review_content(item: AgendaItem, review_content: bool) -> None:
    if review_content and item.school_id is None:
        raise ValidationError(
            {"review_content": "Only a paper for an item about a named school can hold that school's review content."}
        )


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, reason: str = "", actor: User | None = None) -> Meeting:
    """Cancel a meeting that has not started; members who had the pack are told (after commit)."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError("The meeting is already cancelled.")
    if meeting.starts_at <= timezone.now():
        raise ValidationError("The meeting has started: it can no longer be cancelled.")
    was_published = meeting.status == Meeting.Status.PUBLISHED
    meeting.status = Meeting.Status.CANCELLED
    meeting.cancelled_at = timezone.now()
    meeting.cancelled_reason = reason.strip()[:300]
    meeting.save(update_fields=["status", "cancelled_at", "cancelled_reason"])
    if was_published:
        transaction.on_commit(lambda: _enqueue_cancel_notice(meeting))
    return meeting


def _enqueue_cancel_notice(meeting: Meeting) -> None:
    from ..tasks import notify_meeting_cancelled_task

    notify_meeting_cancelled_task.delay(partnership_id=meeting.partnership_id, meeting_id=meeting.pk)


def paper_upload(
    *, item: AgendaItem, title: str, uploaded: UploadedFile, actor: User, review_content: bool = False
) -> Paper:
    _editable(item.meeting)
    if item.meeting.status == Meeting.Status.PUBLISHED:
        _changeable(item.meeting)
    _check_review_content(item, review_content)
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
        review_content=review_content,
        uploaded_by=actor,
    )
    store_file(paper.file, uploaded, document_type)
    try:
        with transaction.atomic():
            paper.save()
            _record_change(item.meeting, f"Item {item.number}: new paper ‘{paper.title}’.", actor)
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


def email_members(meeting: Meeting, subject: str, template: str, context: dict | None = None) -> int:
    """Email each member in post on the meeting's day; returns how many were sent."""
    day = timezone.localdate(meeting.starts_at)
    members = [
        m for m in BodyMembership.objects.filter(body_id=meeting.body_id).select_related("user") if m.in_post_on(day)
    ]
    partnership = meeting.body.partnership
    url = partnership_url(partnership, reverse("governance_meeting", args=[meeting.pk]))
    starts = timezone.localtime(meeting.starts_at)
    messages = [
        (
            f"{subject} {meeting.body.name} on {starts:%-d %B %Y}",
            render_to_string(
                template,
                {
                    "member": m,
                    "meeting": meeting,
                    "starts": starts,
                    "url": url,
                    "partnership": partnership,
                    **(context or {}),
                },
            ),
            settings.DEFAULT_FROM_EMAIL,
            [m.user.email],
        )
        for m in members
        if m.user.email and wants_email(m.user, EMAIL_BOARD_PAPERS)
    ]
    return send_mass_mail(messages)


def pack_published_notify(*, meeting: Meeting) -> int:
    """Email each member in post on the meeting's day that the pack is ready; returns how many were sent."""
    return email_members(meeting, "Papers for", "governance/email/pack_published.txt")


def meeting_changed_notify(*, change: AgendaChange) -> int:
    return email_members(
        change.meeting, "Change to the papers for", "governance/email/meeting_changed.txt", {"change": change}
    )


def meeting_cancelled_notify(*, meeting: Meeting) -> int:
    return email_members(meeting, "Cancelled:", "governance/email/meeting_cancelled.txt")


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
