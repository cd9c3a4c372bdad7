import os
from pathlib import Path

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnership.settings")
application = get_wsgi_application()


def warm_up() -> None:
    """Import every view and compile the portal's templates now, once, in the process that loads the application.

    gunicorn loads it in its master and forks the workers from it (`preload_app`), so a new worker, and each one that
    replaces another after `max_requests`, answers its first request at full speed. Without this, each worker's first
    request spent about a second of CPU importing the views (WeasyPrint among them) and compiling templates, and three
    workers replaced together stalled every request for two to three seconds (benchmarks/load.py). Nothing here
    touches the database: a connection opened before the fork would be shared by every worker."""
    from django.template import engines
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (reading it imports every URLconf and so every view)
    engine = engines["django"]
    for folder in settings.TEMPLATES[0]["DIRS"]:
        for path in sorted(Path(folder).rglob("*")):
            if path.suffix in (".html", ".txt"):
                engine.get_template(str(path.relative_to(folder)))


if not settings.DEBUG:
    warm_up()  # (not for the development server, which reloads often and compiles templates afresh anyway)
