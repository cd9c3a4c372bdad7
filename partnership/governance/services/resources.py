"""The resources library: documents (versioned) and links, each for the public, the partnership's members, one
role or one CPD network, found by PostgreSQL full-text search over the title, the summary and the latest version's
text."""

import io
import re
import zipfile

from django.contrib.postgres.search import SearchVector
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from pypdf import PdfReader

from cpd.models import Network
from partnership.accounts.models import User
from partnership.tenancy.models import Partnership
from partnership.tenancy.roles import Role

from ..files import checked_document, sha256_of, store_file
from ..models import Resource, ResourceVersion

TEXT_LIMIT = 200_000  # enough to find a document by its words; a whole book's text is not needed
PDF_PAGES_READ = 60
_TAG = re.compile(r"<[^>]+>")


def parse_tags(text: str) -> list[str]:
    return sorted({tag.strip().lower()[:40] for tag in text.split(",") if tag.strip()})


def document_text(uploaded: UploadedFile, content_type: str) -> str:
    """The words of a PDF (its first pages) or of a Word document, for search; empty when none can be read."""
    uploaded.seek(0)
    data = uploaded.read()
    uploaded.seek(0)
    try:
        if content_type == "application/pdf":
            reader = PdfReader(io.BytesIO(data))
            return "\n".join((page.extract_text() or "") for page in reader.pages[:PDF_PAGES_READ])[:TEXT_LIMIT]
        if content_type.endswith("wordprocessingml.document"):
            with zipfile.ZipFile(io.BytesIO(data)) as package:
                xml = package.read("word/document.xml").decode("utf-8", "replace")
            return _TAG.sub(" ", xml)[:TEXT_LIMIT]
    except Exception:  # noqa: BLE001 - a document whose text cannot be read is still found by its title
        return ""
    return ""


def _refresh_search(resource: Resource) -> None:
    Resource.objects.filter(pk=resource.pk).update(
        search=SearchVector("title", weight="A", config="english")
        + SearchVector("summary", weight="B", config="english")
        + SearchVector("text", weight="C", config="english")
    )


def _audience(audience: str, role: str, network: Network | None) -> tuple[str, Network | None]:
    """The role and network the audience needs (only the one it names)."""
    if audience not in Resource.Audience.values:
        raise ValidationError({"audience": "Choose who the resource is for."})
    if audience == Resource.Audience.ROLE:
        if role not in Role.values:
            raise ValidationError({"role": "Choose the role the resource is for."})
        return role, None
    if audience == Resource.Audience.NETWORK:
        if network is None:
            raise ValidationError({"network": "Choose the network the resource is for."})
        return "", network
    return "", None


@transaction.atomic
def resource_create(
    *,
    partnership: Partnership,
    title: str,
    audience: str,
    actor: User,
    summary: str = "",
    url: str = "",
    role: str = "",
    network: Network | None = None,
    tags: list[str] | None = None,
    uploaded: UploadedFile | None = None,
) -> Resource:
    title = title.strip()
    if not title:
        raise ValidationError({"title": "Enter the resource's title."})
    if bool(url) == bool(uploaded):
        raise ValidationError({"url": "Give either a document to upload or a link, not both."})
    role, network = _audience(audience, role, network)
    resource = Resource.objects.create(
        partnership=partnership,
        title=title,
        summary=summary.strip(),
        url=url,
        audience=audience,
        role=role,
        network=network,
        tags=tags or [],
    )
    if uploaded is not None:
        resource_version_add(resource=resource, uploaded=uploaded, actor=actor)
    else:
        _refresh_search(resource)
    return resource


def resource_version_add(*, resource: Resource, uploaded: UploadedFile, actor: User) -> ResourceVersion:
    if resource.url:
        raise ValidationError({"file": "This resource is a link; add a new resource for a document."})
    document_type = checked_document(uploaded)
    digest = sha256_of(uploaded)
    with transaction.atomic():
        resource = Resource.objects.select_for_update().get(pk=resource.pk)
        if resource.versions.filter(sha256=digest).exists():
            raise ValidationError({"file": "That file is already a version of this resource."})
        version = ResourceVersion(
            partnership_id=resource.partnership_id,
            resource=resource,
            number=(resource.versions.aggregate(last=Max("number"))["last"] or 0) + 1,
            original_name=uploaded.name[:255],
            content_type=document_type.content_type,
            size=uploaded.size,
            sha256=digest,
            uploaded_by=actor,
        )
        store_file(version.file, uploaded, document_type)
        try:
            version.save()
            resource.text = document_text(uploaded, document_type.content_type)
            resource.save(update_fields=["text", "updated_at"])
            _refresh_search(resource)
        except BaseException:
            version.file.storage.delete(version.file.name)
            raise
    return version
