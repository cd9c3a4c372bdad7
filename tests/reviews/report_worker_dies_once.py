"""A real `celery worker` (prefork) whose first report render is killed with SIGKILL at the worst moment: the
PDF is written to its temporary file, and the process dies just before moving it into place.

Started by tests/reviews/test_report_worker.py as `python -m tests.reviews.report_worker_dies_once <celery args>`.
The marker file (REPORT_WORKER_KILL_MARKER) makes it die once only; the pool then starts a new child, the
message comes back (acks_late + reject_on_worker_lost) and the render is done again, once.
"""

import os
import signal
import sys
from pathlib import Path


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnership.settings")
    from partnership.celery import app
    from reviews.reports import storage

    marker = Path(os.environ["REPORT_WORKER_KILL_MARKER"])
    real_replace = storage.replace

    def replace_or_die(source, target):
        if not marker.exists():
            marker.write_text(f"{os.getpid()} killed before moving {source} to {target}\n")
            os.kill(os.getpid(), signal.SIGKILL)
        return real_replace(source, target)

    storage.replace = replace_or_die
    app.worker_main(["worker", *sys.argv[1:]])


if __name__ == "__main__":
    main()
