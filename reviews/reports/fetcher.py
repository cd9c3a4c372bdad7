"""The only way WeasyPrint reads anything while rendering a report: our own static files and the partnership's logo.

Rendering never touches the network. `ReportURLFetcher` serves
- `file://` URLs of files inside the static roots (the print stylesheet, fonts, the watermark), and
- `report-media:<name>` for the storage names it was given (the partnership's logo), read through Django's
  storage API so that it works with local files and S3 alike;
and refuses everything else: http(s), ftp, data:, file:// outside the static roots (also through `..` or a
symbolic link), and storage names it was not given. WeasyPrint turns a refusal into a logged warning and
leaves the resource out; the refusals are kept on the fetcher for tests and logs.
"""

import logging
import mimetypes
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.core.files.storage import Storage, default_storage
from weasyprint.urls import URLFetcher, URLFetcherResponse, path2url

logger = logging.getLogger(__name__)

MEDIA_SCHEME = "report-media"


class RefusedURLError(ValueError):
    """A URL the report renderer may not read."""


def static_roots() -> list[Path]:
    """Where our own static files live: the source folders and, once collected, STATIC_ROOT."""
    roots = [Path(root) for root in settings.STATICFILES_DIRS]
    if settings.STATIC_ROOT and Path(settings.STATIC_ROOT).is_dir():
        roots.append(Path(settings.STATIC_ROOT))
    return [root.resolve() for root in roots]


def static_base_url() -> str:
    """The base URL of the print templates: relative links resolve into the first static folder."""
    return path2url(str(static_roots()[0])) + "/"


def media_url(name: str) -> str:
    return f"{MEDIA_SCHEME}:{name}"


class ReportURLFetcher(URLFetcher):
    def __init__(
        self, *, media_names: Iterable[str] = (), storage: Storage | None = None, roots: Iterable[Path] | None = None
    ):
        super().__init__(allowed_protocols={"file", MEDIA_SCHEME}, allow_redirects=False, fail_on_errors=False)
        self.roots = [Path(root).resolve() for root in (roots if roots is not None else static_roots())]
        self.media_names = frozenset(name for name in media_names if name)
        self.storage = storage or default_storage
        self.refused: list[str] = []

    def refuse(self, url: str, why: str) -> RefusedURLError:
        self.refused.append(url)
        logger.warning("Report rendering refused %s: %s", url[:200], why)
        return RefusedURLError(f"Refused {url[:200]}: {why}")

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "file":
            return self._static_file(url)
        if scheme == MEDIA_SCHEME:
            return self._media_file(url)
        raise self.refuse(url, "only our own static files and the partnership's logo may be read")

    def _static_file(self, url: str) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise self.refuse(url, "not a local file")
        path = Path(url2pathname(unquote(parts.path))).resolve()
        if not any(path.is_relative_to(root) for root in self.roots):
            raise self.refuse(url, "outside the static files")
        if not path.is_file():
            raise self.refuse(url, "no such static file")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": content_type})

    def _media_file(self, url: str) -> URLFetcherResponse:
        name = unquote(url[len(MEDIA_SCHEME) + 1 :])
        if name not in self.media_names:
            raise self.refuse(url, "not a file this report may include")
        with self.storage.open(name, "rb") as handle:
            data = handle.read()
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=data, headers={"Content-Type": content_type})
