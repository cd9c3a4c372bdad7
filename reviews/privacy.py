"""What peer review holds about a person, and how long reviews are kept: registered with the core's data
protection (partnership/privacy) in ReviewsConfig.ready."""

import datetime

from django.db import transaction
from django.db.models import Q

from partnership.privacy.files import files_delete_with_records
from partnership.privacy.registry import (
    PersonalDataSource,
    RetentionRule,
    register_personal_data,
    register_retention,
)
from partnership.privacy.sources import replacement_address

from .models import (
    Attachment,
    AttachmentDownload,
    Cycle,
    EvidenceNote,
    Notification,
    RenderStatus,
    ReportDownload,
    ReportRender,
    Review,
    ReviewerTraining,
    ReviewEvent,
    ReviewTeamMember,
)
from .reports.hashing import content_hash


def _export(user, partnership) -> dict[str, list[dict]]:
    return {
        "reviews/review-team-seats.csv": [
            {
                "review": str(seat.review),
                "lead reviewer": seat.is_lead,
                "own school": str(seat.school or ""),
                "added": seat.added_at,
            }
            for seat in ReviewTeamMember.objects.filter(user=user).select_related(
                "review__school", "review__cycle", "school"
            )
        ],
        "reviews/reviewer-training.csv": [
            {"trained on": training.trained_on, "provider": training.provider, "notes": training.notes}
            for training in ReviewerTraining.objects.filter(user=user)
        ],
        "reviews/evidence-notes-written.csv": [
            {"review": str(note.review), "written": note.created_at, "text": note.text}
            for note in EvidenceNote.objects.filter(author=user).select_related("review__school", "review__cycle")
        ],
        "reviews/documents-uploaded.csv": [
            {"review": str(attachment.review), "document": attachment.original_name, "uploaded": attachment.uploaded_at}
            for attachment in Attachment.objects.filter(uploaded_by=user).select_related(
                "review__school", "review__cycle"
            )
        ],
        "reviews/review-steps-taken.csv": [
            {
                "review": str(event.review),
                "from": event.from_status,
                "to": event.to_status,
                "when": event.at,
                "note": event.note,
            }
            for event in ReviewEvent.objects.filter(actor=user).select_related("review__school", "review__cycle")
        ],
        "reviews/report-downloads.csv": [
            {
                "report": str(download.render),
                "when": download.downloaded_at,
                "address": download.ip_address,
                "browser": download.user_agent,
            }
            for download in ReportDownload.objects.filter(user=user).select_related(
                "render__review__school", "render__review__cycle"
            )
        ],
        "reviews/document-downloads.csv": [
            {
                "document": download.file_name,
                "when": download.at,
                "address": download.ip_address,
                "browser": download.user_agent,
            }
            for download in AttachmentDownload.objects.filter(user=user)
        ],
        "reviews/notifications.csv": [
            {"sent": notification.created_at, "message": notification.message, "read": notification.read_at}
            for notification in Notification.objects.filter(user=user)
        ],
    }


def _erase(user, partnership, replacement: str) -> int:
    """Downloads keep their record under the replacement; the person's notifications go; reports naming them on
    the review team are prepared again with the replacement (the old files are deleted with the change)."""
    changed = ReportDownload.objects.filter(user=user).update(
        user_name=replacement, user_email=replacement_address(user)
    )
    changed += Notification.objects.filter(user=user).delete()[0]
    names = {
        name
        for name in (" ".join(p for p in (user.title, user.get_full_name()) if p), user.get_full_name(), user.email)
        if name
    }
    reviews = ReviewTeamMember.objects.filter(user=user).values("review_id")
    renders = []
    for render in ReportRender.objects.filter(review_id__in=reviews).select_for_update():
        team = render.content.get("team", [])
        if not any(member.get("name") in names for member in team):
            continue
        for member in team:
            if member.get("name") in names:
                member["name"] = replacement
        render.content_hash = content_hash(render.content)
        files_delete_with_records([render.file.name] if render.file else [], partnership_id=partnership.pk)
        render.file, render.size, render.status, render.enqueued_at = "", None, RenderStatus.PENDING, None
        render.save(update_fields=["content", "content_hash", "file", "size", "status", "enqueued_at"])
        renders.append(render)
    if renders:
        from .services.reports import _enqueue_on_commit

        _enqueue_on_commit(renders)
    return changed + len(renders)


def _academic_year_ended_before(before: datetime.date) -> Q:
    """Cycles whose academic year (September to August) ended before the date."""
    last_ended = before.year - 1 if before < datetime.date(before.year, 9, 1) else before.year
    return Q(academic_year_start__lt=last_ended)


def _remove_old_cycles(partnership, before: datetime.date, record) -> dict:
    """Each cycle whose year ended before the date goes whole (its reviews, visits, evidence, findings, reports
    and their download records), in one transaction with the record of its removal; its stored files are deleted
    once that commits."""
    removed = {"cycles": 0, "reviews": 0, "files": 0}
    for cycle in Cycle.objects.filter(_academic_year_ended_before(before)).order_by("academic_year_start", "pk"):
        with transaction.atomic():
            reviews = Review.objects.filter(cycle=cycle)
            files = list(Attachment.objects.filter(review__in=reviews).values_list("file", flat=True))
            files += list(ReportRender.objects.filter(review__in=reviews).values_list("file", flat=True))
            files = [name for name in files if name]
            ReportDownload.objects.filter(review__in=reviews).delete()
            ReportRender.objects.filter(review__in=reviews).delete()
            count = reviews.count()
            reviews.delete()
            cycle.delete()
            files_delete_with_records(files, partnership_id=partnership.pk)
            record(cycle.name, {"reviews": count, "files": len(files)})
        removed["cycles"] += 1
        removed["reviews"] += count
        removed["files"] += len(files)
    return removed


def register() -> None:
    register_personal_data(PersonalDataSource(name="reviews", export=_export, erase=_erase))
    register_retention(
        RetentionRule(
            key="reviews",
            label="Peer review cycles with their reviews, reports and documents",
            default_years=6,
            why="Schools and the partnership refer back to past reviews; six years covers a school's inspection cycle.",
            age_of="from the end of the cycle's academic year",
            remove=_remove_old_cycles,
        )
    )
