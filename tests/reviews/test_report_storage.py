"""Reports are stored atomically: a worker stopped at any moment leaves no broken file, and a repeat makes one."""

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage

from reviews.reports import storage as report_storage
from reviews.reports.storage import PARTIAL_SUFFIX, report_file_name, write_atomically

ROOT = Path(__file__).resolve().parents[2]


def test_the_file_name_depends_only_on_what_is_rendered():
    name = report_file_name(partnership_id=3, review_id=7, kind="final", version=2, content_hash="ab" * 32)
    assert name == "reports/3/7/final-v2-abababababababab.pdf"


def test_a_write_lands_whole_under_its_name_and_a_repeat_replaces_it(tmp_path):
    storage = FileSystemStorage(location=tmp_path)
    name = "reports/1/2/final-v1-0123456789abcdef.pdf"
    assert write_atomically(storage, name, b"%PDF-first") == name
    assert write_atomically(storage, name, b"%PDF-second") == name
    folder = tmp_path / "reports" / "1" / "2"
    assert [path.name for path in folder.iterdir()] == ["final-v1-0123456789abcdef.pdf"]
    assert (folder / "final-v1-0123456789abcdef.pdf").read_bytes() == b"%PDF-second"


def test_a_failure_before_the_rename_leaves_no_file_at_all(tmp_path, monkeypatch):
    storage = FileSystemStorage(location=tmp_path)

    def interrupted(source, target):
        raise KeyboardInterrupt("stopped between writing and renaming")

    monkeypatch.setattr(report_storage, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomically(storage, "reports/1/2/final-v1-x.pdf", b"%PDF-1.7 whole file")
    assert list((tmp_path / "reports" / "1" / "2").iterdir()) == []


def test_a_process_killed_before_the_rename_leaves_only_an_unreferenced_partial_file(tmp_path):
    """SIGKILL gives no chance to clean up: the real name must still never hold part of a file."""
    script = textwrap.dedent(
        f"""
        import os, signal
        from django.core.files.storage import FileSystemStorage
        from reviews.reports import storage
        storage.replace = lambda source, target: os.kill(os.getpid(), signal.SIGKILL)
        storage.write_atomically(FileSystemStorage(location={str(tmp_path)!r}), "reports/a.pdf", b"%PDF" * 50000)
        """
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "partnership.settings"}
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, timeout=60)
    assert result.returncode == -signal.SIGKILL, result.stderr.decode()
    folder = tmp_path / "reports"
    assert not (folder / "a.pdf").exists()
    leftovers = list(folder.iterdir())
    assert len(leftovers) == 1 and leftovers[0].name.endswith(PARTIAL_SUFFIX)
    assert leftovers[0].stat().st_size == 200000  # the whole file was in the temporary, never under the name

    write_atomically(FileSystemStorage(location=tmp_path), "reports/a.pdf", b"%PDF again")
    assert (folder / "a.pdf").read_bytes() == b"%PDF again"


class ObjectStorage(Storage):
    """Object storage as S3 behaves for us: no local path; a save under an existing name gets a new name unless
    the old object is removed first (the default Storage.get_available_name)."""

    def __init__(self):
        self.objects: dict[str, bytes] = {}

    def _save(self, name, content):
        self.objects[name] = content.read()
        return name

    def _open(self, name, mode="rb"):
        return ContentFile(self.objects[name], name=name)

    def exists(self, name):
        return name in self.objects

    def delete(self, name):
        self.objects.pop(name, None)


def test_object_storage_gets_the_exact_name_replacing_the_old_object():
    storage = ObjectStorage()
    write_atomically(storage, "reports/1/2/final-v1-x.pdf", b"first")
    write_atomically(storage, "reports/1/2/final-v1-x.pdf", b"second")
    assert storage.objects == {"reports/1/2/final-v1-x.pdf": b"second"}


def test_a_storage_that_renames_on_save_is_refused_rather_than_losing_the_name():
    class Renaming(ObjectStorage):
        def _save(self, name, content):
            return super()._save(f"{name}.renamed", content)

    with pytest.raises(OSError, match="configure it to overwrite"):
        write_atomically(Renaming(), "reports/1/2/final-v1-x.pdf", b"data")
