"""Slow clients cannot stall the site: the portal runs as in production, gunicorn's sync workers behind nginx with
deploy/nginx/portal.conf.template, and requests whose bodies arrive slowly wait in nginx, not in a worker.

Both servers run on loopback with one gunicorn worker, the fewest there can be. Straight to gunicorn, one slow
upload holds that worker and nobody else is answered; through nginx, several slow uploads are waiting while every
other request is answered."""

import socket
from pathlib import Path

import pytest

from tests.servers import NGINX, gunicorn, nginx, status_of_get

pytestmark = pytest.mark.skipif(
    not Path(NGINX).exists(), reason="nginx is not installed (.ci/run installs it; apt-get install nginx)"
)


# A CSRF cookie and the same token in the header: the request passes the CSRF check without its body, so the view
# goes on to read the body. Without them Django refuses at once and the worker is never held.
CSRF_TOKEN = "a" * 32


def slow_upload(port: int, size: int = 1_000_000) -> socket.socket:
    """A form POST that has sent its headers and the first bytes of its body, and then waits (a slow link)."""
    connection = socket.create_connection(("127.0.0.1", port), timeout=30)
    connection.sendall(
        (
            f"POST /accounts/login/ HTTP/1.1\r\nHost: localhost\r\n"
            f"Cookie: csrftoken={CSRF_TOKEN}\r\nX-CSRFToken: {CSRF_TOKEN}\r\n"
            f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {size}\r\n\r\n"
        ).encode()
        + b"x" * 1024
    )
    return connection


def answered(connection: socket.socket) -> bool:
    connection.setblocking(False)
    try:
        return bool(connection.recv(1, socket.MSG_PEEK))
    except BlockingIOError:
        return False
    finally:
        connection.setblocking(True)


@pytest.fixture
def one_worker(tmp_path):
    with gunicorn(tmp_path / "gunicorn.log", workers=1) as port:
        yield port


@pytest.fixture
def proxy(tmp_path, one_worker):
    with nginx(tmp_path, one_worker) as port:
        yield port


def test_straight_to_gunicorn_one_slow_upload_holds_its_only_worker(one_worker):
    stalled = slow_upload(one_worker)
    try:
        assert status_of_get(one_worker, timeout=3) == 0  # the worker is reading the slow body: nobody is answered
    finally:
        stalled.close()
    assert status_of_get(one_worker) == 200


def test_through_nginx_slow_uploads_wait_in_nginx_and_every_other_request_is_answered(proxy):
    stalled = [slow_upload(proxy) for _ in range(5)]
    try:
        for _ in range(10):
            assert status_of_get(proxy) == 200
        assert not any(answered(upload) for upload in stalled)  # still waiting for their bodies, in nginx
        finished = stalled[0]
        finished.sendall(b"x" * (1_000_000 - 1024))
        status_line = finished.recv(64)
        assert status_line.startswith(b"HTTP/1.1 ") and int(status_line.split()[1]) < 500, status_line
    finally:
        for upload in stalled:
            upload.close()
