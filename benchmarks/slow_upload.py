"""A national GIAS extract (60 MB) uploaded over a 10 Mbit/s link, through the production proxy. Prints figures.

    python benchmarks/slow_upload.py [--megabytes 60] [--mbit 10] [--workers 3]

The portal runs as in production on loopback: gunicorn's sync workers (gunicorn.conf.py, DEBUG off) behind nginx
with deploy/nginx/portal.conf.template. A coordinator's browser sends the import form with a GIAS-format extract of
at least --megabytes, paced to --mbit megabits a second (so 60 MB takes about 50 s: far longer than any single
timeout between two reads, which is what a slow link needs). Meanwhile another person asks for a page twice a
second. It prints how long the upload took, what the portal answered (the import's preview, or its refusal), and
the other person's response times while the body was arriving: with nginx buffering the body, no worker waits for
it, so they stay as fast as on an idle site.

It runs in a throwaway database (<DATABASE_URL's name>_upload), created, migrated and dropped here. The last line:

    slow upload: S MB at R Mbit/s in N s, answered CODE (WHAT), other requests p95 M ms, E errors
"""

import argparse
import math
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnership.settings")
# One key for this process and the servers it starts, so the session made here is valid there.
os.environ.setdefault("SECRET_KEY", "upload-benchmark-only-" + "x" * 60)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from partnership.accounts.models import User  # noqa: E402
from partnership.tenancy.models import Membership, Partnership  # noqa: E402
from partnership.tenancy.roles import Role  # noqa: E402
from partnership.tenancy.scoping import partnership_scope  # noqa: E402
from schools.gias.synthetic import national_rows, write_gias_csv  # noqa: E402
from tests.servers import database_env, gunicorn, nginx  # noqa: E402

LA = "960"
CSRF_TOKEN = "b" * 32  # a cookie and the same header: the form's own token is not what is being measured
CHUNK = 64 * 1024


def extract_of_at_least(path: Path, megabytes: float) -> int:
    """Writes a national extract of at least `megabytes`; returns its number of rows."""
    rows = 50_000
    while True:
        write_gias_csv(path, national_rows(rows, la_code=LA, la_name="Northshire", la_share=300))
        size = path.stat().st_size / 1e6
        if size >= megabytes:
            return rows
        rows = int(rows * megabytes / size * 1.02) + 1


def signed_in_coordinator() -> tuple[str, str]:
    """A partnership and its coordinator; returns the partnership's host and the coordinator's session cookie."""
    partnership = Partnership.objects.create(slug="bench-upload", name="Bench Upload")
    user = User.objects.create_user("upload.coordinator@example.org", None)
    with partnership_scope(partnership):
        Membership.objects.create(partnership=partnership, user=user, role=Role.COORDINATOR, started_on="2026-09-01")
    host = f"{partnership.slug}.{settings.PORTAL_DOMAIN}"
    client = Client(HTTP_HOST=host)
    client.force_login(user)
    return host, client.cookies[settings.SESSION_COOKIE_NAME].value


def paced_upload(port: int, host: str, session: str, path: Path, mbit: float) -> tuple[float, int, str, str]:
    """POSTs the import form with the file, `mbit` megabits a second. Returns the seconds the body took, the
    status, the Location header and the start of the body of the answer."""
    boundary = uuid.uuid4().hex
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="la_codes"\r\n\r\n{LA}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="urns"\r\n\r\n\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{path.name}"\r\n'
        "Content-Type: text/csv\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    length = len(head) + path.stat().st_size + len(tail)
    bytes_per_second = mbit * 1e6 / 8
    with socket.create_connection(("127.0.0.1", port), timeout=120) as connection_, path.open("rb") as source:
        connection_.sendall(
            (
                f"POST /schools/import/ HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n"
                f"Cookie: {settings.SESSION_COOKIE_NAME}={session}; csrftoken={CSRF_TOKEN}\r\n"
                f"X-CSRFToken: {CSRF_TOKEN}\r\nReferer: http://{host}/schools/import/\r\n"
                f"Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {length}\r\n\r\n"
            ).encode()
        )
        started = time.monotonic()
        sent = 0
        for piece in [head, *iter(lambda: source.read(CHUNK), b""), tail]:
            connection_.sendall(piece)
            sent += len(piece)
            ahead = sent / bytes_per_second - (time.monotonic() - started)
            if ahead > 0:
                time.sleep(ahead)
        body_seconds = time.monotonic() - started
        answer = b""
        while chunk := connection_.recv(65536):
            answer += chunk
    header, _, body = answer.partition(b"\r\n\r\n")
    lines = header.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    location = next((line.split(":", 1)[1].strip() for line in lines if line.lower().startswith("location:")), "")
    return body_seconds, status, location, body[:4000].decode("utf-8", "replace")


def other_person(port: int, host: str, session: str, stop: threading.Event, timings: list, errors: list) -> None:
    """Another coordinator's page, twice a second, until `stop`."""
    request = (
        f"GET /schools/ HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n"
        f"Cookie: {settings.SESSION_COOKIE_NAME}={session}\r\n\r\n"
    ).encode()
    while not stop.is_set():
        started = time.monotonic()
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=30) as connection_:
                connection_.sendall(request)
                answer = b""
                while chunk := connection_.recv(65536):
                    answer += chunk
            status = int(answer.split(b" ", 2)[1])
            if status != 200:
                errors.append(status)
            timings.append(time.monotonic() - started)
        except OSError as failure:
            errors.append(str(failure))
        stop.wait(0.5)


def p95_ms(seconds: list[float]) -> float:
    ordered = sorted(seconds)
    return ordered[math.ceil(len(ordered) * 0.95) - 1] * 1000 if ordered else float("nan")


def describe(status: int, location: str, body: str) -> str:
    if status == 302 and re.search(r"/schools/import/\d+/$", location):
        return "the import's preview"
    message = re.search(r'class="govuk-error-message"[^>]*>(.*?)</', body, re.S)
    return re.sub(r"<[^>]+>|\s+", " ", message.group(1)).strip() if message else f"location {location or 'none'}"


def requests_meanwhile(port: int, host: str, session: str, during) -> tuple[list[float], list, object]:
    """Another person's response times (seconds) and errors while `during()` runs, and what it returned."""
    timings: list[float] = []
    errors: list = []
    stop = threading.Event()
    watcher = threading.Thread(target=other_person, args=(port, host, session, stop, timings, errors))
    watcher.start()
    try:
        result = during()
    finally:
        stop.set()
        watcher.join()
    return timings, errors, result


def report(what: str, timings: list[float], errors: list) -> None:
    print(
        f"Another person's /schools/ {what}: {len(timings)} requests, median "
        f"{statistics.median(timings) * 1000:.0f} ms, p95 {p95_ms(timings):.0f} ms, slowest "
        f"{max(timings) * 1000:.0f} ms, {len(errors)} errors {errors[:3] if errors else ''}".rstrip()
    )


def measure(folder: Path, options, host: str, session: str, environment: dict[str, str]) -> None:
    extract = folder / "edubasealldata20261207.csv"
    rows = extract_of_at_least(extract, options.megabytes)
    size_mb = extract.stat().st_size / 1e6
    print(f"Extract: {rows:,} rows, {size_mb:.1f} MB; link {options.mbit:g} Mbit/s; {options.workers} workers")
    with (
        gunicorn(folder / "gunicorn.log", workers=options.workers, env=environment) as upstream,
        nginx(folder, upstream) as port,
    ):
        requests_meanwhile(port, host, session, lambda: time.sleep(5))  # every worker's first requests, not counted
        idle, idle_errors, _ = requests_meanwhile(port, host, session, lambda: time.sleep(10))

        def upload():
            return paced_upload(port, host, session, extract, options.mbit)

        started = time.monotonic()
        timings, errors, (body_seconds, status, location, body) = requests_meanwhile(port, host, session, upload)
        answered_after = time.monotonic() - started - body_seconds
    rate = size_mb * 8 / body_seconds
    what = describe(status, location, body)
    print(f"Upload: body sent in {body_seconds:.1f} s ({rate:.1f} Mbit/s), answered {status} ({what}) "
          f"{answered_after:.1f} s later")  # fmt: skip
    report("for 10 s before", idle, idle_errors)
    report("while the upload arrived", timings, errors)
    print(f"slow upload: {size_mb:.0f} MB at {rate:.0f} Mbit/s in {body_seconds:.0f} s, answered {status} ({what}), "
          f"other requests p95 {p95_ms(timings):.0f} ms, {len(errors) + len(idle_errors)} errors")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=60)
    parser.add_argument("--mbit", type=float, default=10)
    parser.add_argument("--workers", type=int, default=3)
    options = parser.parse_args()

    old_name = connection.settings_dict["NAME"]
    connection.settings_dict["TEST"]["NAME"] = f"{old_name}_upload"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        host, session = signed_in_coordinator()
        environment = {
            **database_env(),
            "DEBUG": "0",
            "SECURE_SSL_REDIRECT": "0",
            "ALLOWED_HOSTS": "*",
            "TRUSTED_PROXY_COUNT": "1",
            "LOG_LEVEL": "WARNING",
        }
        subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, check=True,
                       env={**os.environ, **environment})  # fmt: skip
        with tempfile.TemporaryDirectory() as folder:
            measure(Path(folder), options, host, session, environment)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
