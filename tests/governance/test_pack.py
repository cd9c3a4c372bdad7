"""The whole pack as one PDF: asked for on the meeting page, assembled by the Celery task (eager here, as in every
test that does not start a worker), downloaded with a permission check and an audit entry; an unchanged pack is
not assembled twice."""

import io

import pytest
from pypdf import PdfReader

from partnership.audit.models import AuditAction, AuditEvent
from partnership.governance.models import MeetingPack
from partnership.governance.services.meetings import meeting_publish
from partnership.tenancy.scoping import partnership_scope

from .factories import make_board, scheduled_meeting

pytestmark = pytest.mark.django_db


def test_a_member_gets_the_whole_pack_as_one_pdf(
    partnership_a, media_root, client_at, django_capture_on_commit_callbacks
):
    board = make_board(partnership_a)
    meeting = scheduled_meeting(board, papers=3)
    with partnership_scope(partnership_a):
        meeting = meeting_publish(meeting=meeting).meeting
    client = client_at(partnership_a, board.members[1])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/meetings/{meeting.pk}/pack/").status_code == 302
    with partnership_scope(partnership_a):
        pack = MeetingPack.objects.get()
        assert pack.status == MeetingPack.Status.READY and pack.page_count == 4  # the agenda and three papers
    response = client.get(f"/meetings/{meeting.pk}/pack/download/")
    pdf = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    assert len(pdf.pages) == 4 and "Budget" in pdf.pages[0].extract_text()
    assert "paper-2.pdf: page 1 of 1" in pdf.pages[3].extract_text()
    client.post(f"/meetings/{meeting.pk}/pack/")  # unchanged: the same pack
    with partnership_scope(partnership_a):
        assert MeetingPack.objects.count() == 1
        assert AuditEvent.objects.filter(action=AuditAction.DOCUMENT_DOWNLOADED, actor=board.members[1]).count() == 1
    outsider = client_at(partnership_a, board.outsider)
    assert outsider.get(f"/meetings/{meeting.pk}/pack/download/").status_code == 404
    assert outsider.post(f"/meetings/{meeting.pk}/pack/").status_code == 404
