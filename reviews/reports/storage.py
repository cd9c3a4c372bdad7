"""Storing rendered reports through Django's storage API, never leaving a half-written file under a real name.

On a local filesystem (FileSystemStorage, the default) the bytes go to a temporary file in the same folder,
are flushed and fsync'd, and are then renamed over the final name with `os.replace`, which is atomic: a worker
killed at any moment leaves either no file or the whole file under the final name (and at worst a stray
`.partial` file that nothing refers to). Writing the same name again replaces the file, so a render that is
repeated after a crash produces one file, not two.

On object storage (S3 through django-storages: S3_BUCKET in settings) an upload is atomic by nature: the object
appears whole or not at all. There any earlier object of that name is deleted and the file saved under its final
name (tests/test_object_storage.py runs this against a real S3-compatible server).
"""

import os
import secrets
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import Storage

PARTIAL_SUFFIX = ".partial"


def report_file_name(*, partnership_id: int, review_id: int, kind: str, version: int, content_hash: str) -> str:
    """A name that depends only on what is rendered, so a repeated render lands on the same file."""
    return f"reports/{partnership_id}/{review_id}/{kind}-v{version}-{content_hash[:16]}.pdf"


def _local_path(storage: Storage, name: str) -> Path | None:
    try:
        return Path(storage.path(name))
    except NotImplementedError:
        return None


def write_atomically(storage: Storage, name: str, data: bytes) -> str:
    """Store `data` under exactly `name` (replacing what was there) so that no reader ever sees part of it."""
    path = _local_path(storage, name)
    if path is None:
        if storage.exists(name):
            storage.delete(name)
        saved = storage.save(name, ContentFile(data))
        if saved != name:
            raise OSError(f"The storage saved the report as {saved!r} instead of {name!r}; configure it to overwrite.")
        return saved
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}{PARTIAL_SUFFIX}")
    try:
        with open(temporary, "xb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        replace(temporary, path)
        _fsync_directory(path.parent)
    finally:
        temporary.unlink(missing_ok=True)
    return name


def replace(source: Path, target: Path) -> None:
    """The atomic step (a function of its own so that a test can stop a worker exactly here)."""
    os.replace(source, target)


def _fsync_directory(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
