"""Deleting stored files together with their records (see StoredFileDeletion)."""

from django.core.files.storage import default_storage
from django.db import transaction

from .models import StoredFileDeletion


def files_delete_with_records(names: list[str], *, partnership_id: int) -> None:
    """Call inside the transaction that deletes the records: the files go once it commits (or at the next run,
    if the process dies between the commit and the deletion)."""
    names = [name for name in names if name]
    if not names:
        return
    StoredFileDeletion.objects.bulk_create(
        [StoredFileDeletion(partnership_id=partnership_id, name=name) for name in names]
    )
    transaction.on_commit(stored_files_delete_pending)


def stored_files_delete_pending() -> int:
    """Delete every file whose record has gone, then its note. Safe to repeat: a missing file counts as gone."""
    deleted = 0
    for note in StoredFileDeletion.objects.order_by("pk"):
        default_storage.delete(note.name)
        note.delete()
        deleted += 1
    return deleted
