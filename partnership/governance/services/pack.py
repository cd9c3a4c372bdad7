"""The whole meeting pack as one PDF: the agenda, laid out by WeasyPrint as reviews' reports are (tagged PDF/UA-1,
our fonts, no network), followed by every PDF paper in agenda order, joined with pypdf. Office papers are listed on
the agenda and downloaded on their own, as are papers holding a school's review content (the pack goes to every
member; such a paper only to those who may see that school's review). A pack is keyed by the hash of what goes in,
so an unchanged pack is not assembled twice; a task on the `pdf` queue does the work (a web request never does)."""

import hashlib
import io
import logging
import time
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from pypdf import PdfReader, PdfWriter

from reviews.reports.render import PDF_VARIANT, render_html

from ..models import AgendaItem, Meeting, MeetingPack, Paper

logger = logging.getLogger(__name__)
PDF_QUEUE = "pdf"


def _papers(meeting: Meeting) -> list[Paper]:
    return list(
        Paper.objects.filter(item__meeting=meeting).select_related("item").order_by("item__number", "uploaded_at", "pk")
    )


def pack_inputs_sha256(meeting: Meeting, papers: list[Paper]) -> str:
    digest = hashlib.sha256()
    digest.update(f"{meeting.pk}|{meeting.starts_at.isoformat()}|{meeting.place}|{meeting.body.name}".encode())
    for item in meeting.items.order_by("number"):
        digest.update(f"|{item.number}|{item.title}|{item.presenter}|{item.purpose}".encode())
    for paper in papers:
        digest.update(f"|{paper.item_id}|{paper.title}|{paper.sha256}|{paper.review_content}".encode())
    return digest.hexdigest()


def pack_request(*, meeting: Meeting) -> MeetingPack:
    """The pack for the meeting as it stands: the one already made, or a new one handed to the worker."""
    if meeting.status == Meeting.Status.DRAFT:
        raise ValidationError("The pack can be put together once it is published.")
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError("The meeting is cancelled: its pack is no longer put together.")
    key = pack_inputs_sha256(meeting, _papers(meeting))
    existing = MeetingPack.objects.filter(meeting=meeting, inputs_sha256=key).first()
    if existing is not None and existing.status != MeetingPack.Status.FAILED:
        return existing
    try:
        with transaction.atomic():
            if existing is not None:
                existing.delete()
            pack = MeetingPack.objects.create(partnership_id=meeting.partnership_id, meeting=meeting, inputs_sha256=key)
            transaction.on_commit(lambda: _enqueue(pack))
    except IntegrityError:
        # A second click while the first was saving: the first one's pack is the pack.
        return MeetingPack.objects.get(meeting=meeting, inputs_sha256=key)
    return pack


def _enqueue(pack: MeetingPack) -> None:
    from ..tasks import assemble_pack_task

    assemble_pack_task.apply_async(kwargs={"partnership_id": pack.partnership_id, "pack_id": pack.pk}, queue=PDF_QUEUE)


@dataclass(frozen=True)
class AssembledPack:
    pdf: bytes
    page_count: int
    seconds: float


def agenda_pdf(meeting: Meeting, items: list[AgendaItem], papers: list[Paper]) -> bytes:
    by_item: dict[int, list[Paper]] = {}
    for paper in papers:
        by_item.setdefault(paper.item_id, []).append(paper)
    html = render_to_string(
        "pdf/governance_agenda.html",
        {
            "meeting": meeting,
            "body": meeting.body,
            "partnership": meeting.body.partnership,
            "items": [(item, by_item.get(item.pk, [])) for item in items],
            "starts_at": timezone.localtime(meeting.starts_at),
        },
    )
    return render_html(html).write_pdf(pdf_variant=PDF_VARIANT)


def assemble(meeting: Meeting, items: list[AgendaItem], papers: list[Paper]) -> AssembledPack:
    """Loads nothing from the database: the meeting (with its body and partnership), its items and papers are given."""
    started = time.perf_counter()
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(agenda_pdf(meeting, items, papers))))
    for paper in papers:
        if not paper.is_pdf or paper.review_content:
            continue
        with paper.file.open("rb") as handle:
            writer.append(PdfReader(io.BytesIO(handle.read())), outline_item=f"{paper.item.number}. {paper.title}")
    output = io.BytesIO()
    writer.write(output)
    page_count = len(writer.pages)
    writer.close()
    return AssembledPack(output.getvalue(), page_count, time.perf_counter() - started)


def pack_assemble(*, pack_id: int) -> MeetingPack | None:
    pack = MeetingPack.objects.select_related("meeting__body__partnership").filter(pk=pack_id).first()
    if pack is None or pack.status == MeetingPack.Status.READY:
        return pack
    meeting = pack.meeting
    try:
        assembled = assemble(meeting, list(meeting.items.order_by("number")), _papers(meeting))
    except Exception as error:  # a broken paper fails this pack, with a reason, not the worker
        logger.exception("Meeting pack %s failed", pack_id)
        pack.status = MeetingPack.Status.FAILED
        pack.error = f"{type(error).__name__}: {error}"[:300]
        pack.finished_at = timezone.now()
        pack.save(update_fields=["status", "error", "finished_at"])
        return pack
    pack.file.save(f"pack-{meeting.pk}-{pack.inputs_sha256[:12]}.pdf", ContentFile(assembled.pdf), save=False)
    pack.status = MeetingPack.Status.READY
    pack.page_count = assembled.page_count
    pack.finished_at = timezone.now()
    pack.save(update_fields=["file", "status", "page_count", "finished_at"])
    return pack
