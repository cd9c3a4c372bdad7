"""Uploaded board documents: judged by their content (reviews' document check: the magic bytes of a PDF, the parts
of an Office package), stored under a random name, never served from a public address."""

import hashlib
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models.fields.files import FieldFile

from reviews.documents import DocumentType, detect_document_type

MAX_BYTES = getattr(settings, "GOVERNANCE_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)


def checked_document(uploaded: UploadedFile, *, field: str = "file") -> DocumentType:
    if uploaded.size > MAX_BYTES:
        raise ValidationError({field: f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB. Make it smaller."})
    if uploaded.size == 0:
        raise ValidationError({field: "The file is empty."})
    try:
        document_type = detect_document_type(uploaded, uploaded.name)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from None
    uploaded.seek(0)
    return document_type


def sha256_of(uploaded: UploadedFile) -> str:
    digest = hashlib.sha256()
    uploaded.seek(0)
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return digest.hexdigest()


def store_file(field: FieldFile, uploaded: UploadedFile, document_type: DocumentType) -> None:
    # A random stored name: nothing a person typed reaches the file system.
    field.save(f"{uuid.uuid4().hex}{document_type.extension}", uploaded, save=False)
