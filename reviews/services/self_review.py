"""The reviewed school's self-review: its focus, lines of enquiry, SEF and SIP summaries and documents.

The school's head and senior leaders write it before the visit (reviews/permissions.py can_edit_self_review) and
share it with the review team, who see it only from then on. Documents are PDF, DOCX or XLSX, checked by content
(reviews/services/documents.py), kept in private storage with their SHA-256, and downloaded only through a view
that checks permission and records each download (AttachmentDownload).
"""

import hashlib
import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from partnership.accounts.models import User
from partnership.audit.services import AuditAction, audit_record

from ..documents import detect_document_type
from ..models import Attachment, AttachmentDownload, FocusArea, Review, ReviewStatus, SelfReview
from .archived import ensure_not_archived
from .concurrency import EditConflict
from .events import review_event_record

MAX_LINES_OF_ENQUIRY = 2
MAX_LINE_LENGTH = 500
MAX_SUMMARY_LENGTH = 10_000


def _check_still_editable(review: Review) -> None:
    ensure_not_archived(review.cycle)
    if review.has_reached(ReviewStatus.VISITED):
        raise ValidationError("The visit has happened: the self-review and its documents can no longer be changed.")


@transaction.atomic
def self_review_save(
    *,
    review: Review,
    actor: User,
    focus_area_ids: list[int],
    lines_of_enquiry: list[str],
    self_evaluation_summary: str,
    improvement_plan_summary: str,
    share: bool = False,
    version: int | None = None,
    check_only: bool = False,
) -> SelfReview | None:
    """Save the self-review as a draft, or save it and share it with the review team (`share=True`).

    `version` is the version the person's form was loaded at (0 before anything was saved): when another of the
    school's leaders saved in between, EditConflict is raised and nothing changes. None skips the check.
    `check_only`: raise what would be refused, save nothing (the page checks before asking to confirm sharing).
    """
    _check_still_editable(review)
    errors: dict[str, str] = {}
    focus_areas = list(FocusArea.objects.filter(cycle_id=review.cycle_id, pk__in=set(focus_area_ids)))
    if len(focus_areas) != len(set(focus_area_ids)):
        errors["focus_areas"] = "Choose focus areas from this cycle's list."
    lines = [line.strip() for line in lines_of_enquiry if line.strip()]
    if len(lines) > MAX_LINES_OF_ENQUIRY:
        errors["line_of_enquiry_1"] = "Write one or two lines of enquiry."
    if any(len(line) > MAX_LINE_LENGTH for line in lines):
        errors["line_of_enquiry_1"] = f"Keep each line of enquiry to {MAX_LINE_LENGTH} characters or fewer."
    sef, sip = self_evaluation_summary.strip(), improvement_plan_summary.strip()
    for name, text in (("self_evaluation_summary", sef), ("improvement_plan_summary", sip)):
        if len(text) > MAX_SUMMARY_LENGTH:
            errors[name] = f"Keep the summary to {MAX_SUMMARY_LENGTH:,} characters or fewer: attach the full document."
    if share:
        if not focus_areas and "focus_areas" not in errors:
            errors["focus_areas"] = "Choose at least one focus area before sharing the self-review."
        if not lines and "line_of_enquiry_1" not in errors:
            errors["line_of_enquiry_1"] = "Write at least one line of enquiry before sharing the self-review."
        if not sef:
            errors["self_evaluation_summary"] = "Enter a summary of your self-evaluation before sharing."
        if not sip:
            errors["improvement_plan_summary"] = "Enter a summary of your improvement plan before sharing."
    if errors:
        raise ValidationError(errors)
    if check_only:
        return None

    self_review, _ = SelfReview.objects.select_for_update().get_or_create(
        review=review, defaults={"partnership_id": review.partnership_id, "version": 0}
    )
    if version is not None and self_review.version != version:
        raise EditConflict(self_review)
    self_review.version += 1
    self_review.lines_of_enquiry = "\n".join(lines)
    self_review.self_evaluation_summary = sef
    self_review.improvement_plan_summary = sip
    self_review.updated_by = actor
    first_share = share and self_review.shared_at is None
    if first_share:
        self_review.shared_at = timezone.now()
    self_review.save()
    self_review.focus_areas.set(focus_areas)
    if first_share:
        review_event_record(review=review, actor=actor, note="Self-review shared with the review team")
    return self_review


def _safe_name(name: str) -> str:
    name = PurePath(name.replace("\\", "/")).name
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '"<>|:*?')
    if len(name) > 200:
        stem, suffix = PurePath(name).stem, PurePath(name).suffix
        name = stem[: 200 - len(suffix)] + suffix
    return name or "document"


def _sha256(file: UploadedFile) -> str:
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    return digest.hexdigest()


def attachment_add(*, review: Review, actor: User, uploaded_file: UploadedFile, kind: str) -> Attachment:
    """Check a document (size, then type by content) and keep it in private storage with its SHA-256."""
    _check_still_editable(review)
    if kind not in Attachment.Kind.values:
        raise ValidationError({"kind": "Choose what kind of document this is."})
    name = _safe_name(uploaded_file.name or "")
    limit = settings.REVIEW_ATTACHMENT_MAX_BYTES
    if uploaded_file.size > limit:
        raise ValidationError(
            {
                "file": f"‘{name}’ is {filesizeformat(uploaded_file.size)}: "
                f"documents must be {filesizeformat(limit)} or smaller."
            }
        )
    try:
        document_type = detect_document_type(uploaded_file, name)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from None
    attachment = Attachment(
        partnership_id=review.partnership_id,
        review=review,
        kind=kind,
        original_name=name,
        content_type=document_type.content_type,
        size=uploaded_file.size,
        sha256=_sha256(uploaded_file),
        uploaded_by=actor,
    )
    uploaded_file.seek(0)
    # A random stored name: nothing a person typed reaches the file system.
    attachment.file.save(f"{uuid.uuid4().hex}{document_type.extension}", uploaded_file, save=False)
    try:
        with transaction.atomic():
            attachment.save()
    except BaseException:
        attachment.file.storage.delete(attachment.file.name)
        raise
    return attachment


@transaction.atomic
def attachment_delete(*, attachment: Attachment, actor: User) -> None:
    """Remove a document before the visit; the stored file goes once the deletion is committed."""
    _check_still_editable(attachment.review)
    storage, stored_name = attachment.file.storage, attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(stored_name))


def attachment_download_record(
    *, attachment: Attachment, user: User, ip_address: str | None, user_agent: str
) -> AttachmentDownload:
    audit_record(
        action=AuditAction.DOCUMENT_DOWNLOADED,
        partnership=attachment.partnership_id,
        actor=user,
        subject=f"{attachment.original_name} for the review of {attachment.review.school}"[:300],
    )
    return AttachmentDownload.objects.create(
        partnership_id=attachment.partnership_id,
        review_id=attachment.review_id,
        attachment=attachment,
        file_name=attachment.original_name,
        sha256=attachment.sha256,
        user=user,
        ip_address=ip_address or None,
        user_agent=user_agent[:300],
    )
