"""What a review document really is, judged by its content (never by its name or the browser's content type).

A PDF starts with `%PDF-`. A DOCX or XLSX is a ZIP package whose `[Content_Types].xml` declares its main part
(`word/document.xml` as a WordprocessingML document, `xl/workbook.xml` as a SpreadsheetML workbook) and holds that
part. Everything else is refused with a message that says what the file is and what to do; so is a file whose name
says one type while its content is another (a PDF called .docx), and a macro-enabled Office file.
"""

import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO

import filetype
from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class DocumentType:
    extension: str
    content_type: str
    label: str


PDF = DocumentType(".pdf", "application/pdf", "a PDF")
DOCX = DocumentType(
    ".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "a Word document (.docx)"
)
XLSX = DocumentType(
    ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "an Excel workbook (.xlsx)"
)
ALLOWED = {t.extension: t for t in (PDF, DOCX, XLSX)}
ALLOWED_DESCRIPTION = "a PDF, a Word document (.docx) or an Excel workbook (.xlsx)"

# The main part's content type in [Content_Types].xml, for the packages we accept and the ones we name when refusing.
MAIN_PARTS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
}
REFUSED_PACKAGES = {
    "application/vnd.ms-word.document.macroenabled.main+xml": "a macro-enabled Word document (.docm)",
    "application/vnd.ms-word.template.macroenabledtemplate.main+xml": "a macro-enabled Word template (.dotm)",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml": "a Word template (.dotx)",
    "application/vnd.ms-excel.sheet.macroenabled.main+xml": "a macro-enabled Excel workbook (.xlsm)",
    "application/vnd.ms-excel.sheet.binary.macroenabled.main": "a binary Excel workbook (.xlsb)",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml": "an Excel template (.xltx)",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": "a PowerPoint file (.pptx)",
}
# How filetype's names read to a person, for the message that says what a refused file is.
DESCRIPTIONS = {
    "exe": "a Windows program",
    "elf": "a program",
    "doc": "an old-format Word or Office file (.doc)",
    "xls": "an old-format Excel file (.xls)",
    "ppt": "an old-format PowerPoint file (.ppt)",
    "zip": "a ZIP archive",
    "rar": "a RAR archive",
    "7z": "a 7-Zip archive",
    "gz": "a compressed archive",
    "png": "a PNG image",
    "jpg": "a JPEG image",
    "gif": "a GIF image",
    "heic": "a HEIC photo",
    "odt": "an OpenDocument text file (.odt)",
    "ods": "an OpenDocument spreadsheet (.ods)",
    "rtf": "a rich text file (.rtf)",
    "mp4": "a video",
    "mp3": "an audio file",
}
OLD_OFFICE_HINT = " Open it in Word or Excel and save it as .docx or .xlsx, or as a PDF."
CONTENT_TYPES_LIMIT = 1024 * 1024  # [Content_Types].xml is a few kilobytes; more is not an Office document.
_OVERRIDE = re.compile(rb"<(?:\w+:)?Override\b([^>]*)>", re.IGNORECASE)
_ATTRIBUTE = re.compile(rb"""(\w+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _overrides(content_types_xml: bytes) -> dict[str, str]:
    """PartName -> ContentType (lower case) from the Override elements of [Content_Types].xml."""
    parts = {}
    for match in _OVERRIDE.finditer(content_types_xml):
        attributes = {
            name.decode("ascii", "replace").lower(): (double or single).decode("utf-8", "replace")
            for name, double, single in _ATTRIBUTE.findall(match.group(1))
        }
        if "partname" in attributes and "contenttype" in attributes:
            parts[attributes["partname"].lstrip("/")] = attributes["contenttype"].strip().lower()
    return parts


OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Office 97-2003 (.doc, .xls, .ppt) compound files


def _describe(head: bytes) -> str:
    kind = filetype.guess(head)
    if head.startswith(OLE_SIGNATURE) and (kind is None or kind.extension not in DESCRIPTIONS):
        return "an old-format Office file (.doc, .xls or .ppt)"
    if kind is None:
        if head[:5].lower() in (b"<!doc", b"<html"):
            return "a web page"
        return "not a document we can recognise"
    return DESCRIPTIONS.get(kind.extension, f"a .{kind.extension} file")


def _office_package(file: IO[bytes], name: str) -> DocumentType:
    try:
        with zipfile.ZipFile(file) as package:
            try:
                info = package.getinfo("[Content_Types].xml")
            except KeyError:
                raise ValidationError(
                    f"‘{name}’ is a ZIP archive, not {ALLOWED_DESCRIPTION}. Upload the document itself.",
                    code="not_office",
                ) from None
            if info.file_size > CONTENT_TYPES_LIMIT:
                raise ValidationError(f"‘{name}’ is not a Word or Excel document we can read.", code="not_office")
            parts = _overrides(package.read(info))
            names = set(package.namelist())
    except zipfile.BadZipFile:
        raise ValidationError(
            f"‘{name}’ looks damaged: it could not be opened as a Word or Excel document. Save it again and retry.",
            code="damaged",
        ) from None
    for part, content_type in parts.items():
        if content_type in MAIN_PARTS and part in names:
            return MAIN_PARTS[content_type]
    for content_type in parts.values():
        if content_type in REFUSED_PACKAGES:
            raise ValidationError(
                f"‘{name}’ is {REFUSED_PACKAGES[content_type]}: only {ALLOWED_DESCRIPTION} can be uploaded. "
                "Save it as .docx or .xlsx (without macros), or as a PDF.",
                code="wrong_type",
            )
    raise ValidationError(
        f"‘{name}’ is not {ALLOWED_DESCRIPTION}: it is a ZIP package without a Word or Excel document in it.",
        code="not_office",
    )


def detect_document_type(file: IO[bytes], name: str) -> DocumentType:
    """The type of an uploaded document from its bytes; raise ValidationError (with a specific message) otherwise.

    `file` must be seekable; it is left at its start.
    """
    file.seek(0)
    head = file.read(8192)
    file.seek(0)
    if not head:
        raise ValidationError(f"‘{name}’ is empty. Choose the document again.", code="empty")
    if head.startswith(b"%PDF-"):
        detected = PDF
    elif head.startswith(b"PK\x03\x04"):
        detected = _office_package(file, name)
        file.seek(0)
    else:
        what = _describe(head)
        hint = OLD_OFFICE_HINT if what.startswith("an old-format") else ""
        if what.startswith("not "):
            message = f"‘{name}’ is {what}: only {ALLOWED_DESCRIPTION} can be uploaded."
        else:
            message = f"‘{name}’ is {what}, not {ALLOWED_DESCRIPTION}.{hint}"
        raise ValidationError(message, code="wrong_type")
    extension = PurePath(name).suffix.lower()
    if extension != detected.extension:
        if extension in ALLOWED:
            message = (
                f"‘{name}’ is {detected.label}, but its name ends {extension}. Rename it to end "
                f"{detected.extension}, or choose the file you meant."
            )
        else:
            message = (
                f"‘{name}’ is {detected.label}: give it a name that ends {detected.extension} and upload it again."
            )
        raise ValidationError(message, code="name_mismatch")
    return detected
