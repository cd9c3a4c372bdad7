"""The hash a stored report records: SHA-256 of the canonical JSON of its content and the template version.

The template version is a digest of every file that shapes the PDF (templates/pdf/, the print stylesheet, the
watermark image, the font files), so changing the design makes every report a new version when it is next
asked for, and an unchanged report is never rendered twice.
"""

import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings

# Bump when the meaning of the content snapshot changes (e.g. a new field is printed).
CONTENT_SCHEMA = 1


def print_resource_files() -> list[Path]:
    root = Path(settings.BASE_DIR)
    templates = sorted((root / "templates" / "pdf").rglob("*.html"))
    static = root / "static"
    return [
        *templates,
        static / "css" / "report-print.css",
        *sorted((static / "img").glob("report-*.svg")),
        *sorted((static / "fonts").glob("*.ttf")),
    ]


@cache
def template_version() -> str:
    digest = hashlib.sha256()
    root = Path(settings.BASE_DIR)
    for path in print_resource_files():
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return f"{CONTENT_SCHEMA}-{digest.hexdigest()[:20]}"


def canonical_json(value: Any) -> bytes:
    """One byte string per value: sorted keys, no insignificant whitespace, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def content_hash(content: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(content)).hexdigest()
