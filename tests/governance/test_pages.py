"""The board pages: who may open what (role x action), the other partnership's people get 404, downloads are checked
and recorded, the clerk's work end to end through the pages, and bounded queries at two sizes."""

import datetime

import pytest
from django.utils import timezone

from partnership.audit.models import AuditAction, AuditEvent
from partnership.governance.models import (
    Action,
    Attendance,
    BodyMembership,
    Decision,
    Meeting,
    Paper,
    PaperDownload,
    Position,
)
from partnership.governance.services.meetings import agenda_item_add, meeting_publish
from partnership.tenancy.models import Membership
from partnership.tenancy.roles import Role
from partnership.tenancy.scoping import partnership_scope
from tests.factories import UserFactory, member

from .factories import hold, make_board, pdf_upload, scheduled_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(partnership_a, media_root):
    return make_board(partnership_a)


def published(board, **kwargs) -> Meeting:
    meeting = scheduled_meeting(board, **kwargs)
    with partnership_scope(board.partnership):
        return meeting_publish(meeting=meeting).meeting


def people(board) -> dict:
    return {
        "coordinator": board.coordinator,
        "clerk": board.clerk,
        "member": board.members[2],
        "other body's member": board.outsider,
        "head with no seat": board.head,
    }


def paths(board, meeting, paper) -> dict[str, str]:
    body = board.body.pk
    return {
        "boards": "/boards/",
        "body": f"/boards/{body}/",
        "register": f"/boards/{body}/register/",
        "add body": "/boards/new/",
        "add member": f"/boards/{body}/members/new/",
        "public settings": "/boards/public-pages/",
        "schedule": f"/boards/{body}/meetings/new/",
        "meeting": f"/meetings/{meeting.pk}/",
        "paper": f"/meetings/{meeting.pk}/papers/{paper.pk}/",
        "add item": f"/meetings/{meeting.pk}/items/new/",
        "apologies": f"/meetings/{meeting.pk}/apologies/",
        "declare interests": "/boards/interests/",
    }


# Who may open what: 200 or 404 (the same answer as for a missing page).
ALLOWED = {
    "coordinator": {
        "boards",
        "body",
        "register",
        "add body",
        "add member",
        "public settings",
        "schedule",
        "meeting",
        "paper",
        "add item",
    },
    # The clerk here sits as an observer: a seat, so they may send apologies too.
    "clerk": {
        "boards",
        "body",
        "register",
        "schedule",
        "meeting",
        "paper",
        "add item",
        "apologies",
        "declare interests",
    },
    "member": {"boards", "body", "register", "meeting", "paper", "apologies", "declare interests"},
    "other body's member": {"boards", "declare interests"},
    "head with no seat": set(),
}


@pytest.mark.parametrize("who", list(ALLOWED))
def test_each_person_opens_only_what_their_seat_allows(board, client_at, who):
    meeting = published(board)
    with partnership_scope(board.partnership):
        paper = Paper.objects.get(item__meeting=meeting)
    client = client_at(board.partnership, people(board)[who])
    for action, path in paths(board, meeting, paper).items():
        expected = 200 if action in ALLOWED[who] else 404
        assert client.get(path).status_code == expected, (who, action, path)


def test_a_draft_meeting_is_seen_by_the_clerk_not_the_members(board, client_at):
    meeting = scheduled_meeting(board)
    assert client_at(board.partnership, board.clerk).get(f"/meetings/{meeting.pk}/").status_code == 200
    assert client_at(board.partnership, board.members[2]).get(f"/meetings/{meeting.pk}/").status_code == 404


def test_the_other_partnerships_people_get_404_on_every_board_page(board, partnership_b, client_at):
    meeting = published(board)
    with partnership_scope(board.partnership):
        paper = Paper.objects.get(item__meeting=meeting)
    other_coordinator = member(partnership_b, Role.COORDINATOR)
    # Signed in on their own partnership's address, asking for this partnership's rows by id.
    client = client_at(partnership_b, other_coordinator)
    for action, path in paths(board, meeting, paper).items():
        if action in {"boards", "add body", "public settings", "declare interests"}:
            continue
        assert client.get(path).status_code == 404, (action, path)
    # On this partnership's address: not a member at all.
    assert client_at(board.partnership, other_coordinator).get(f"/boards/{board.body.pk}/").status_code == 404


def test_a_member_downloads_a_paper_and_the_download_is_recorded(board, client_at):
    meeting = published(board)
    with partnership_scope(board.partnership):
        paper = Paper.objects.get(item__meeting=meeting)
    response = client_at(board.partnership, board.members[2]).get(f"/meetings/{meeting.pk}/papers/{paper.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert "attachment" in response["Content-Disposition"] and response["Cache-Control"] == "private, no-store"
    with partnership_scope(board.partnership):
        download = PaperDownload.objects.get()
        assert (download.user, download.paper) == (board.members[2], paper)
        event = AuditEvent.objects.get(action=AuditAction.DOCUMENT_DOWNLOADED)
        assert event.actor == board.members[2] and event.detail["kind"] == "board paper"
    assert (
        client_at(board.partnership, board.outsider).get(f"/meetings/{meeting.pk}/papers/{paper.pk}/").status_code
        == 404
    )


def test_the_clerk_runs_a_meeting_through_the_pages(board, client_at):
    clerk = client_at(board.partnership, board.clerk)
    starts = timezone.localtime() + datetime.timedelta(days=3)
    response = clerk.post(
        f"/boards/{board.body.pk}/meetings/new/", {"starts_at": starts.strftime("%Y-%m-%dT%H:%M"), "place": "Hall"}
    )
    assert response.status_code == 302
    with partnership_scope(board.partnership):
        meeting = Meeting.objects.get()
    clerk.post(f"/meetings/{meeting.pk}/items/new/", {"title": "Budget", "purpose": "decision", "presenter": "Chair"})
    with partnership_scope(board.partnership):
        item = meeting.items.get(title="Budget")
    disguised = pdf_upload("budget.docx")
    page = clerk.post(f"/meetings/{meeting.pk}/items/{item.pk}/papers/new/", {"title": "Budget", "file": disguised})
    assert page.status_code == 200 and "but its name ends .docx" in page.content.decode()
    clerk.post(f"/meetings/{meeting.pk}/items/{item.pk}/papers/new/", {"title": "Budget", "file": pdf_upload()})
    warning = clerk.get(f"/meetings/{meeting.pk}/publish/").content.decode()
    assert "clear days before the meeting; members should have at least 7" in warning
    clerk.post(f"/meetings/{meeting.pk}/publish/")
    # The day comes.
    meeting = hold(meeting)
    statuses = {f"member_{s.pk}": "present" for s in board.seats.values() if s.user in board.members[:3]}
    statuses.update({f"member_{s.pk}": "absent" for s in board.seats.values() if s.user not in board.members[:3]})
    response = clerk.post(f"/meetings/{meeting.pk}/attendance/", statuses, follow=True)
    assert "Quorate: 3 voting members present, 3 needed" in response.content.decode()
    response = clerk.post(
        f"/meetings/{meeting.pk}/items/{item.pk}/decisions/new/",
        {"motion": "Approve the budget", "votes_for": 4, "votes_against": 0, "abstentions": 0},
    )
    assert response.status_code == 200 and "only 3 voting members are present" in response.content.decode()
    clerk.post(
        f"/meetings/{meeting.pk}/items/{item.pk}/decisions/new/",
        {"motion": "Approve the budget", "votes_for": 2, "votes_against": 0, "abstentions": 1},
    )
    clerk.post(
        f"/meetings/{meeting.pk}/actions/new/",
        {"description": "Send the budget", "owner": board.chair.pk, "due_on": timezone.localdate().isoformat()},
    )
    with partnership_scope(board.partnership):
        assert Attendance.objects.filter(meeting=meeting, status="present").count() == 3
        decision = Decision.objects.get()
        assert decision.carried and (decision.voting_present, decision.quorum_required) == (3, 3)
        assert Action.objects.get().owner == board.chair
    minutes = clerk.get(f"/meetings/{meeting.pk}/minutes/").content.decode()
    assert "Approve the budget" in minutes and "Send the budget" in minutes


def test_a_member_sends_apologies(board, client_at):
    meeting = published(board)
    response = client_at(board.partnership, board.members[3]).post(
        f"/meetings/{meeting.pk}/apologies/", {"note": "On a course"}
    )
    assert response.status_code == 302
    with partnership_scope(board.partnership):
        assert Attendance.objects.get().status == Attendance.Status.APOLOGIES


def _grow(board, extra_members: int, extra_meetings: int) -> None:
    start = timezone.localdate() - datetime.timedelta(days=30)
    users = [member(board.partnership, Role.BOARD_MEMBER) for _ in range(extra_members)]
    with partnership_scope(board.partnership):
        for user in users:
            BodyMembership.objects.create(
                partnership=board.partnership, body=board.body, user=user, position=Position.MEMBER, term_start=start
            )
    for n in range(extra_meetings):
        published(board, days_ahead=20 + n, papers=2)


@pytest.mark.parametrize("size", [(0, 1), (12, 6)])
def test_board_pages_make_a_bounded_number_of_queries(board, client_at, django_assert_max_num_queries, size):
    _grow(board, *size)
    meeting = published(board, days_ahead=60, papers=3)
    client = client_at(board.partnership, board.coordinator)
    for path, most in (
        ("/boards/", 12),
        (f"/boards/{board.body.pk}/", 14),
        (f"/boards/{board.body.pk}/register/", 12),
        (f"/meetings/{meeting.pk}/", 22),
        (f"/meetings/{meeting.pk}/minutes/", 24),
    ):
        with django_assert_max_num_queries(most):
            assert client.get(path).status_code in (200,), path


def test_an_unknown_person_is_refused_everywhere(board, client):
    meeting = published(board)
    response = client.get(f"/meetings/{meeting.pk}/", HTTP_HOST="alpha.localhost")
    assert response.status_code in (302, 404)
    assert UserFactory()  # a person with no role at all is not a member: the middleware's 404


def test_an_item_about_a_school_names_the_members_linked_to_it(board, client_at):
    meeting = published(board)
    school_head = board.members[3]
    member(board.partnership, Role.HEADTEACHER, user=school_head)
    with partnership_scope(board.partnership):
        school = Membership.objects.get(user=school_head, role=Role.HEADTEACHER).school
        agenda_item_add(meeting=meeting, title="Support for a school", purpose="discussion", school=school)
    page = client_at(board.partnership, board.clerk).get(f"/meetings/{meeting.pk}/").content.decode()
    assert f"asked to declare an interest: {school_head.get_full_name()}" in page


def test_a_board_member_without_a_seat_sees_the_boards_page_and_no_body(board, client_at):
    seatless = member(board.partnership, Role.BOARD_MEMBER)
    response = client_at(board.partnership, seatless).get("/boards/")
    assert response.status_code == 200 and "No bodies yet." in response.content.decode()


def test_terms_ending_within_60_days_are_flagged_on_the_coordinators_and_the_chairs_home(board, client_at):
    leaver = board.members[4]
    with partnership_scope(board.partnership):
        BodyMembership.objects.filter(user=leaver, body=board.body).update(
            term_end=timezone.localdate() + datetime.timedelta(days=45)
        )
        BodyMembership.objects.filter(user=board.members[3], body=board.body).update(
            term_end=timezone.localdate() + datetime.timedelta(days=90)
        )
    meeting = published(board)
    for who in (board.coordinator, board.chair):
        home = client_at(board.partnership, who).get("/").content.decode()
        assert leaver.get_full_name() in home and board.members[3].get_full_name() not in home, who
    member_home = client_at(board.partnership, board.members[2]).get("/").content.decode()
    assert f"/meetings/{meeting.pk}/" in member_home and leaver.get_full_name() not in member_home


def test_a_member_declares_their_own_interest_in_an_item(board, client_at):
    meeting = published(board)
    with partnership_scope(board.partnership):
        item = meeting.items.get(title="Budget")
    path = f"/meetings/{meeting.pk}/items/{item.pk}/my-interest/"
    client = client_at(board.partnership, board.members[2])
    assert path in client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert client.post(path, {"note": ""}).status_code == 200
    assert client.post(path, {"note": "My spouse chairs the finance committee"}).status_code == 302
    again = client.post(path, {"note": "Twice"})
    assert again.status_code == 200 and "already declared" in again.content.decode()
    with partnership_scope(board.partnership):
        assert [i.membership.user for i in item.interests.all()] == [board.members[2]]
    assert client_at(board.partnership, board.outsider).get(path).status_code == 404
    assert client_at(board.partnership, board.coordinator).get(path).status_code == 404  # no seat of their own
