"""Data for the self-review, visit, evidence and findings tests: real small documents and quick model helpers."""

import datetime
import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter

from reviews.models import Activity, ActivityKind, EvidenceNote, FocusArea, Review

CT_DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
CT_XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
CT_DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"


def pdf_bytes() -> bytes:
    """A real one-page PDF, written by pypdf."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": "Self-evaluation summary"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _package(main_part: str, main_content_type: str, main_xml: str, extra: dict[str, str] | None = None) -> bytes:
    """A minimal Office Open XML package: [Content_Types].xml, the package relationships and the main part."""
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{main_part}" ContentType="{main_content_type}"/>'
        "</Types>"
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        f'officeDocument" Target="{main_part}"/></Relationships>'
    )
    buffer = io.BytesIO()
    parts = {"[Content_Types].xml": content_types, "_rels/.rels": rels, main_part: main_xml, **(extra or {})}
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, text in parts.items():
            # A fixed timestamp: the same document is the same bytes, whenever it is made.
            package.writestr(zipfile.ZipInfo(name, date_time=(2026, 9, 1, 0, 0, 0)), text, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    return _package(
        "word/document.xml",
        CT_DOCX_MAIN,
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>School improvement plan</w:t></w:r></w:p></w:body></w:document>",
    )


def xlsx_bytes() -> bytes:
    return _package(
        "xl/workbook.xml",
        CT_XLSX_MAIN,
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheets><sheet name="Data" sheetId="1" r:id="rId1" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"/></sheets></workbook>',
        extra={"xl/worksheets/sheet1.xml": "<worksheet/>"},
    )


def docm_bytes() -> bytes:
    return _package("word/document.xml", CT_DOCM_MAIN, "<w:document/>", extra={"word/vbaProject.bin": "macro"})


def plain_zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("notes.txt", "not an office document")
    return buffer.getvalue()


EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"This program cannot be run"
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32
OLE_DOC_BYTES = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def add_activity(
    review: Review,
    date: datetime.date,
    starts: str = "09:00",
    ends: str = "10:00",
    kind: str = ActivityKind.LEARNING_WALK,
    title: str = "",
) -> Activity:
    return Activity.objects.create(
        partnership_id=review.partnership_id,
        review=review,
        kind=kind,
        title=title,
        date=date,
        starts_at=datetime.time.fromisoformat(starts),
        ends_at=datetime.time.fromisoformat(ends),
    )


def add_note(
    review: Review,
    author,
    text: str = "Pupils explained their reasoning confidently.",
    activity=None,
    focus_areas: list[FocusArea] | None = None,
) -> EvidenceNote:
    note = EvidenceNote.objects.create(
        partnership_id=review.partnership_id,
        review=review,
        activity=activity,
        text=text,
        author=author,
        updated_by=author,
    )
    if focus_areas:
        note.focus_areas.set(focus_areas)
    return note
