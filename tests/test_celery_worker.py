"""A task round trip through a real Celery worker process and the real Redis broker."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection

from partnership.accounts.models import Invitation
from partnership.accounts.tasks import send_invitation
from partnership.celery import app as celery_app
from partnership.tenancy.roles import Role
from partnership.tenancy.scoping import partnership_scope
from tests.factories import InvitationFactory, PartnershipFactory, SchoolFactory

ROOT = Path(__file__).resolve().parents[1]
pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(tmp_path):
    """A `celery worker` process on its own queue, using the test database; its mail goes to files."""
    db = connection.settings_dict
    queue = f"test-{uuid.uuid4().hex}"
    mail_dir = tmp_path / "mail"
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "CONN_MAX_AGE": "0",
        "PORTAL_PORT": "",
    }
    log = (tmp_path / "worker.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "partnership",
            "worker",
            "-Q",
            queue,
            "--pool",
            "solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-l",
            "info",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    celery_app.conf.task_always_eager = False
    try:
        yield queue, mail_dir
    finally:
        celery_app.conf.task_always_eager = True
        process.terminate()
        process.wait(timeout=20)
        log.close()
        print((tmp_path / "worker.log").read_text()[-3000:])


def test_invitation_email_round_trip_through_worker_and_redis(worker):
    queue, mail_dir = worker
    partnership = PartnershipFactory(slug="gamma", name="Gamma Partnership")
    other = PartnershipFactory(slug="delta")
    school = SchoolFactory(partnership=partnership, name="Heron Way Primary Academy")
    SchoolFactory(partnership=other, urn=school.urn)
    invitation = InvitationFactory(
        partnership=partnership,
        email="worker@example.org",
        role=Role.HEADTEACHER,
        school=school,
        sent_at=None,
        token_hash=None,
    )

    result = send_invitation.apply_async(
        kwargs={"partnership_id": partnership.pk, "invitation_id": invitation.pk}, queue=queue
    )
    result.get(timeout=60)

    with partnership_scope(partnership):
        sent = Invitation.objects.get(pk=invitation.pk)
    assert sent.sent_at is not None and sent.token_hash
    messages = "".join(path.read_text() for path in mail_dir.iterdir())
    assert "worker@example.org" in messages
    assert "Heron Way Primary Academy" in messages
    assert "http://gamma.localhost/join/" in messages


def test_a_task_for_one_partnership_in_the_worker_cannot_load_anothers_row(worker):
    queue, mail_dir = worker
    mine = PartnershipFactory(slug="epsilon")
    theirs = PartnershipFactory(slug="zeta")
    their_invitation = InvitationFactory(partnership=theirs, sent_at=None, token_hash=None)

    result = send_invitation.apply_async(
        kwargs={"partnership_id": mine.pk, "invitation_id": their_invitation.pk}, queue=queue
    )
    result.get(timeout=60)
    with partnership_scope(theirs):
        assert Invitation.objects.get().sent_at is None
    assert not mail_dir.exists() or not any(mail_dir.iterdir())
