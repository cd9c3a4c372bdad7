"""Certificates' PDFs rendered by the pdf-queue task and stored (downloads read the stored file), the release's
progress page, and a coordinator's revoke-and-reissue: reason required, both kept, the old code checks as revoked."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import DatabaseError, transaction
from django.utils import timezone

from cpd.models import Certificate
from cpd.services.certificates import certificate_reissue, certificate_render, certificates_release
from cpd.tasks import render_certificates, render_pending_certificates
from partnership.tenancy.roles import Role
from tests.factories import MembershipFactory

from .factories import NOW
from .test_certificates import run_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return settings.MEDIA_ROOT


def test_a_release_queues_the_pdfs_which_are_stored_once_with_their_hash(
    partnership_a, scope_of, media, django_capture_on_commit_callbacks
):
    with scope_of(partnership_a):
        event, _, boss = run_course(partnership_a, n=3)
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            made = certificates_release(event=event, by=boss, now=NOW)
        assert len(callbacks) == 1  # one enqueue after the commit, eagerly run here
        rendered = list(Certificate.objects.filter(event=event))
    assert all(c.is_rendered and len(c.pdf_sha256) == 64 for c in rendered)
    for certificate in rendered:
        assert certificate.pdf.name == f"certificates/{partnership_a.pk}/{event.pk}/{certificate.code}.pdf"
        assert default_storage.open(certificate.pdf.name).read().startswith(b"%PDF")
    with scope_of(partnership_a):
        # A message delivered twice renders nothing again; the stored file never changes.
        assert certificate_render(certificate_id=made[0].pk, partnership=partnership_a) is False
        with pytest.raises(DatabaseError, match="never changes"), transaction.atomic():
            Certificate.objects.filter(pk=made[0].pk).update(pdf="certificates/other.pdf")
        with pytest.raises(DatabaseError, match="never changes"), transaction.atomic():
            Certificate.objects.filter(pk=made[0].pk).update(replaces=made[1])


def test_lost_messages_are_picked_up_by_the_beat_task(partnership_a, scope_of, media):
    with scope_of(partnership_a):
        event, _, boss = run_course(partnership_a, n=2)
        # Issued ten minutes ago, and the on-commit enqueue never runs here: as if the message were lost.
        made = certificates_release(event=event, by=boss, now=timezone.now() - datetime.timedelta(minutes=10))
        assert not Certificate.objects.filter(rendered_at__isnull=False).exists()
    assert render_pending_certificates() == 2
    with scope_of(partnership_a):
        assert Certificate.objects.filter(rendered_at__isnull=False).count() == 2
        assert render_certificates(partnership_id=partnership_a.pk, certificate_ids=[c.pk for c in made]) == 0


def test_the_download_serves_the_stored_file_and_waits_while_it_is_prepared(
    partnership_a, scope_of, client_at, media, monkeypatch
):
    with scope_of(partnership_a):
        event, people, boss = run_course(partnership_a, n=1)
        certificate = certificates_release(event=event, by=boss, now=NOW)[0]
    # The worker is busy: the page says so and polls.
    monkeypatch.setattr("cpd.views.certificates_enqueue_render", lambda ids, pid: True)
    client = client_at(partnership_a, people[0])
    waiting = client.get(f"/cpd/certificates/{certificate.pk}/certificate.pdf")
    assert waiting.status_code == 200 and "being prepared" in waiting.text
    status = client.get(f"/cpd/certificates/{certificate.pk}/status/")
    assert 'data-finished="false"' in status.text
    with scope_of(partnership_a):
        certificate_render(certificate_id=certificate.pk, partnership=partnership_a)
        stored = default_storage.open(Certificate.objects.get(pk=certificate.pk).pdf.name).read()
    assert 'data-finished="true"' in client.get(f"/cpd/certificates/{certificate.pk}/status/").text
    download = client.get(f"/cpd/certificates/{certificate.pk}/certificate.pdf")
    assert download.status_code == 200 and b"".join(download.streaming_content) == stored
    assert download["Content-Disposition"].startswith("attachment")


def test_release_progress_page(partnership_a, partnership_b, scope_of, client_at, media):
    with scope_of(partnership_a):
        event, people, boss = run_course(partnership_a, n=3)
    client = client_at(partnership_a, boss)
    response = client.post(f"/cpd/events/{event.pk}/certificates/")
    assert response.status_code == 302 and response["Location"] == f"/cpd/events/{event.pk}/certificates/progress/"
    page = client.get(response["Location"])
    assert page.status_code == 200 and "Preparing certificates" in page.text
    # In tests the on-commit render never ran: none ready yet, then one.
    assert "0 of 3 certificates ready" in client.get(response["Location"] + "?fragment=1").text
    with scope_of(partnership_a):
        certificate_render(certificate_id=Certificate.objects.first().pk, partnership=partnership_a)
    assert "1 of 3 certificates ready" in client.get(response["Location"] + "?fragment=1").text
    for user in (people[0], MembershipFactory(partnership=partnership_a, role=Role.BOARD_MEMBER).user):
        assert client_at(partnership_a, user).get(response["Location"]).status_code == 404
    outsider = MembershipFactory(partnership=partnership_b, role=Role.COORDINATOR).user
    assert client_at(partnership_a, outsider).get(response["Location"]).status_code == 404


def test_reissue_revokes_and_issues_a_new_code_both_kept(partnership_a, scope_of):
    with scope_of(partnership_a):
        event, people, boss = run_course(partnership_a, n=1)
        old = certificates_release(event=event, by=boss, now=NOW)[0]
        with pytest.raises(ValidationError, match="Say why"):
            certificate_reissue(certificate=old, by=boss, reason="  ")
        assert Certificate.objects.get(pk=old.pk).is_valid
        people[0].first_name = "Corrected"
        people[0].save(update_fields=["first_name"])
        new = certificate_reissue(certificate=old, by=boss, reason="Name misspelt", now=NOW)
        old.refresh_from_db()
        assert not old.is_valid and old.revoked_reason == "Name misspelt" and old.revoked_by == boss
        assert new.is_valid and new.replaces_id == old.pk and new.code != old.code
        assert new.person_name.startswith("Corrected") and new.completed_on == old.completed_on
        with pytest.raises(ValidationError, match="already revoked"):
            certificate_reissue(certificate=old, by=boss, reason="again")
        assert Certificate.objects.filter(event=event).count() == 2


def test_the_correction_page_for_coordinators_only(partnership_a, partnership_b, scope_of, client_at):
    with scope_of(partnership_a):
        event, people, boss = run_course(partnership_a, n=1)
        old = certificates_release(event=event, by=boss, now=NOW)[0]
    url = f"/cpd/certificates/{old.pk}/correct/"
    for user in (people[0], MembershipFactory(partnership=partnership_a, role=Role.BOARD_MEMBER).user):
        assert client_at(partnership_a, user).get(url).status_code == 404
        assert client_at(partnership_a, user).post(url, {"action": "revoke", "reason": "x"}).status_code == 404
    outsider = MembershipFactory(partnership=partnership_b, role=Role.COORDINATOR).user
    assert client_at(partnership_a, outsider).get(url).status_code == 404
    client = client_at(partnership_a, boss)
    assert client.get(url).status_code == 200
    refused = client.post(url, {"action": "reissue", "reason": ""})
    assert refused.status_code == 400 and "Say why" in refused.text
    refused = client.post(url, {"reason": "Wrong name"})
    assert refused.status_code == 400 and "Choose whether" in refused.text
    with scope_of(partnership_a):
        assert Certificate.objects.get(pk=old.pk).is_valid  # nothing changed
    done = client.post(url, {"action": "reissue", "reason": "Wrong name"})
    assert done.status_code == 302
    with scope_of(partnership_a):
        new = Certificate.objects.get(replaces=old)
    assert done["Location"] == f"/cpd/certificates/{new.pk}/correct/"
    # The old code checks as revoked; the new one as valid; a second revoke of the old one is refused.
    assert "Revoked" in client_at(partnership_a).get(f"/cpd/certificates/verify/{old.code}/").text
    assert "Valid certificate" in client_at(partnership_a).get(f"/cpd/certificates/verify/{new.code}/").text
    again = client.post(url, {"action": "revoke", "reason": "again"}, follow=True)
    assert "already revoked" in again.text


def test_the_event_certificates_page_queries_stay_bounded(
    partnership_a, scope_of, client_at, django_assert_max_num_queries
):
    with scope_of(partnership_a):
        event, _, boss = run_course(partnership_a, n=12)
        certificates_release(event=event, by=boss, now=NOW - datetime.timedelta(hours=1))
    client = client_at(partnership_a, boss)
    with django_assert_max_num_queries(12):
        assert client.get(f"/cpd/events/{event.pk}/certificates/").status_code == 200
