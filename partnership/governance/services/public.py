"""What the partnership shows the public."""

from django.db import transaction

from partnership.tenancy.models import Partnership

from ..models import PublicPages


@transaction.atomic
def public_pages_update(*, partnership: Partnership, **choices: object) -> PublicPages:
    allowed = {f.name for f in PublicPages._meta.fields} - {"id", "partnership", "updated_at"}
    unknown = set(choices) - allowed
    if unknown:
        raise TypeError(f"not a public page setting: {sorted(unknown)}")
    pages, _ = PublicPages.objects.update_or_create(partnership=partnership, defaults=choices)
    return pages
