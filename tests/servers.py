"""Real server processes on loopback for the tests (and benchmarks) that need them: gunicorn serving the portal as in
production, and nginx in front of it with the production proxy's own configuration."""

import os
import shutil
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
NGINX_SITE = ROOT / "deploy" / "nginx" / "portal.conf.template"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


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


@contextmanager
def nginx(folder: Path, upstream_port: int) -> Iterator[int]:
    """nginx with deploy/nginx/portal.conf.template in front of the portal on `upstream_port`, on a free loopback
    port (yielded). Its configuration, temporary bodies and log live in `folder`."""
    port = free_port()
    site = NGINX_SITE.read_text().replace("${NGINX_PORT}", str(port))
    (folder / "portal.conf").write_text(site.replace("${PORTAL_UPSTREAM}", f"127.0.0.1:{upstream_port}"))
    temp = {name: folder / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    (folder / "nginx.conf").write_text(
        f"user root;\nworker_processes 1;\npid {folder}/nginx.pid;\nerror_log {folder}/nginx.log;\n"
        "events { worker_connections 256; }\n"
        "http {\n  access_log off;\n"
        + "".join(f"  {name}_temp_path {path};\n" for name, path in temp.items()).replace("body_", "client_body_")
        + f"  include {folder}/portal.conf;\n}}\n"
    )
    log = folder / "nginx.log"
    log.touch()
    process = subprocess.Popen([NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-g", "daemon off;"])
    try:
        wait_until_up(port, process, log)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)
