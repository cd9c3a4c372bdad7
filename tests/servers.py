"""Real server processes on loopback for the tests that need them: gunicorn serving the portal as in production."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
STATIC_PAGE = "/static/css/portal.css"  # answered by the web process alone, without the database


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def status_of_get(port: int, path: str = STATIC_PAGE, timeout: float = 30) -> int:
    """The status of a GET, or 0 when nothing is answered within `timeout` seconds."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as conversation:
        conversation.sendall(f"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".encode())
        try:
            status_line = conversation.recv(64)
        except TimeoutError:
            return 0
    return int(status_line.split()[1]) if status_line else 0


def wait_until_up(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()[-3000:]
        try:
            if status_of_get(port, timeout=5) == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"not answering on {port}: {log.read_text()[-3000:]}")


def database_env() -> dict[str, str]:
    """What a process started by a test needs to use the test database."""
    db = connection.settings_dict
    return {
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CONN_MAX_AGE": "0",
        "PORTAL_PORT": "",
    }


@contextmanager
def gunicorn(log: Path, *, workers: int = 1, env: dict[str, str] | None = None) -> Iterator[int]:
    """The portal under gunicorn with gunicorn.conf.py on a free loopback port (yielded), stopped afterwards."""
    port = free_port()
    environment = {**os.environ, **(env or {}), "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(workers)}
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "partnership.wsgi", "-c", "gunicorn.conf.py"],
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_up(port, process, log)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)
