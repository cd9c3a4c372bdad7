"""Changing the agenda and papers (recorded and told once the pack is out), cancelling a meeting, confirmation pages
for the steps that cannot be undone, create forms sent once, and a paper holding a school's review content, which
follows the review's confidentiality rule."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from partnership.governance.models import AgendaChange, AgendaItem, Meeting, Minutes, Paper
from partnership.governance.services.meetings import (
    agenda_item_add,
    agenda_item_remove,
    agenda_item_update,
    meeting_cancel,
    meeting_publish,
    paper_remove,
    paper_update,
    paper_upload,
)
from partnership.governance.services.pack import assemble
from partnership.tenancy.roles import Role
from partnership.tenancy.scoping import partnership_scope
from tests.factories import member
from tests.reviews.factories import review_scenario

from .factories import hold, make_board, pdf_upload, scheduled_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(partnership_a, media_root):
    return make_board(partnership_a)


def published(board, **kwargs) -> Meeting:
    meeting = scheduled_meeting(board, **kwargs)
    with partnership_scope(board.partnership):
        return meeting_publish(meeting=meeting).meeting


def _budget(meeting) -> AgendaItem:
    return meeting.items.get(title="Budget")


# Changing the agenda and its papers ---------------------------------------------------------------------------------


def test_before_publishing_items_and_papers_change_without_a_record(board, mailoutbox):
    meeting = scheduled_meeting(board)
    with partnership_scope(board.partnership):
        item = _budget(meeting)
        agenda_item_update(item=item, title="Budget 2027", purpose="decision", presenter="Treasurer", actor=board.clerk)
        paper_update(paper=item.papers.get(), title="Draft budget", review_content=False, actor=board.clerk)
        assert AgendaItem.objects.get(pk=item.pk).title == "Budget 2027"
        assert not AgendaChange.objects.exists()
    assert mailoutbox == []


def test_after_publishing_each_change_is_recorded_and_the_members_are_told(
    board, client_at, mailoutbox, django_capture_on_commit_callbacks
):
    meeting = published(board)
    mailoutbox.clear()
    with partnership_scope(board.partnership):
        item = _budget(meeting)
        with django_capture_on_commit_callbacks(execute=True):
            agenda_item_update(item=item, title="Budget 2027", purpose="decision", presenter="Treasurer")
        with django_capture_on_commit_callbacks(execute=True):
            paper_upload(item=item, title="Late paper", uploaded=pdf_upload("late.pdf"), actor=board.clerk)
        with django_capture_on_commit_callbacks(execute=True):
            paper_remove(paper=item.papers.get(title="Paper 0"), actor=board.clerk)
        texts = list(AgendaChange.objects.filter(meeting=meeting).values_list("text", flat=True))
    assert texts == [
        "Item 4 changed: now Budget 2027 (for decision).",
        "Item 4: new paper ‘Late paper’.",
        "Item 4: paper ‘Paper 0’ withdrawn.",
    ]
    members = sorted(seat.user.email for seat in board.seats.values())
    assert sorted(m.to[0] for m in mailoutbox) == sorted(members * 3)
    assert "Change to the papers for Partnership Board" in mailoutbox[0].subject
    assert "Item 4 changed: now Budget 2027" in mailoutbox[0].body
    page = client_at(board.partnership, board.members[2]).get(f"/meetings/{meeting.pk}/").content.decode()
    assert "Changes since the pack was published" in page and "Item 4: paper ‘Paper 0’ withdrawn." in page


def test_removing_an_item_takes_its_papers_and_the_items_after_it_move_up(board, django_capture_on_commit_callbacks):
    meeting = scheduled_meeting(board)
    with partnership_scope(board.partnership):
        agenda_item_add(meeting=meeting, title="Any other business", purpose="discussion")
        budget = _budget(meeting)
        stored = budget.papers.get().file
        assert stored.storage.exists(stored.name)
        with django_capture_on_commit_callbacks(execute=True):  # the files go once the removal is committed
            agenda_item_remove(item=budget, actor=board.clerk)
        assert list(meeting.items.order_by("number").values_list("number", "title")) == [
            (1, "Welcome and apologies"),
            (2, "Minutes of the last meeting"),
            (3, "Matters arising"),
            (4, "Any other business"),
        ]
        assert not Paper.objects.filter(item__meeting=meeting).exists()
    assert not stored.storage.exists(stored.name)


def test_matters_arising_stays_and_nothing_changes_once_the_meeting_has_started(board):
    meeting = published(board)
    with partnership_scope(board.partnership):
        with pytest.raises(ValidationError, match="carries the body's open actions"):
            agenda_item_remove(item=meeting.items.get(is_matters_arising=True))
        meeting = hold(meeting)
        item = _budget(meeting)
        with pytest.raises(ValidationError, match="has started"):
            agenda_item_update(item=item, title="Other", purpose="decision")
        with pytest.raises(ValidationError, match="has started"):
            agenda_item_remove(item=item)
        with pytest.raises(ValidationError, match="has started"):
            paper_remove(paper=item.papers.get())
        with pytest.raises(ValidationError, match="has started"):
            paper_upload(item=item, title="Late", uploaded=pdf_upload("late.pdf"), actor=board.clerk)
        with pytest.raises(ValidationError, match="has started"):
            agenda_item_add(meeting=meeting, title="Late item", purpose="discussion")
        assert _budget(meeting).title == "Budget" and item.papers.count() == 1
        assert meeting.items.count() == 4 and not AgendaChange.objects.exists()


def test_a_blank_title_is_refused_on_the_page_and_changes_nothing(board, client_at):
    meeting = published(board)
    with partnership_scope(board.partnership):
        item = _budget(meeting)
    response = client_at(board.partnership, board.clerk).post(
        f"/meetings/{meeting.pk}/items/{item.pk}/edit/", {"title": "  ", "purpose": "decision"}
    )
    assert response.status_code == 200 and "Enter the item" in response.content.decode()
    with partnership_scope(board.partnership):
        assert AgendaItem.objects.get(pk=item.pk).title == "Budget" and not AgendaChange.objects.exists()


# Cancelling ---------------------------------------------------------------------------------------------------------


def test_the_clerk_cancels_a_published_meeting_after_a_confirmation_page_and_members_are_told(
    board, client_at, mailoutbox, django_capture_on_commit_callbacks
):
    meeting = published(board)
    mailoutbox.clear()
    client = client_at(board.partnership, board.clerk)
    page = client.get(f"/meetings/{meeting.pk}/cancel/").content.decode()
    assert "cannot be restored" in page and "every member is emailed" in page
    with partnership_scope(board.partnership):
        assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.PUBLISHED  # the page alone changes nothing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/meetings/{meeting.pk}/cancel/", {"reason": "Not enough business."}, follow=True)
    assert "The meeting is cancelled. The members are told." in response.content.decode()
    with partnership_scope(board.partnership):
        meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CANCELLED and meeting.cancelled_reason == "Not enough business."
    assert sorted(m.to[0] for m in mailoutbox) == sorted(seat.user.email for seat in board.seats.values())
    assert mailoutbox[0].subject.startswith("Cancelled: Partnership Board") and "Not enough business." in (
        mailoutbox[0].body
    )
    # Again: refused with a message, nothing sent.
    mailoutbox.clear()
    response = client.post(f"/meetings/{meeting.pk}/cancel/", {"reason": ""})
    assert "already cancelled" in response.content.decode() and mailoutbox == []


def test_cancelling_a_draft_tells_nobody_and_a_started_meeting_cannot_be_cancelled(
    board, mailoutbox, django_capture_on_commit_callbacks
):
    draft = scheduled_meeting(board)
    with partnership_scope(board.partnership), django_capture_on_commit_callbacks(execute=True):
        meeting_cancel(meeting=draft)
    assert mailoutbox == []
    held = hold(scheduled_meeting(board, days_ahead=30))
    with partnership_scope(board.partnership):
        with pytest.raises(ValidationError, match="has started"):
            meeting_cancel(meeting=held)
        assert Meeting.objects.get(pk=held.pk).status == Meeting.Status.PUBLISHED


# Who may open the new pages ----------------------------------------------------------------------------------------


def _paths(meeting, item, paper) -> list[str]:
    return [
        f"/meetings/{meeting.pk}/items/{item.pk}/edit/",
        f"/meetings/{meeting.pk}/items/{item.pk}/remove/",
        f"/meetings/{meeting.pk}/papers/{paper.pk}/edit/",
        f"/meetings/{meeting.pk}/papers/{paper.pk}/remove/",
        f"/meetings/{meeting.pk}/cancel/",
    ]


@pytest.mark.parametrize(
    "who,expected",
    [("coordinator", 200), ("clerk", 200), ("member", 404), ("other body's member", 404), ("head with no seat", 404)],
)
def test_only_the_clerk_and_coordinators_change_or_cancel(board, client_at, who, expected):
    meeting = published(board)
    with partnership_scope(board.partnership):
        item = _budget(meeting)
        paper = item.papers.get()
    person = {
        "coordinator": board.coordinator,
        "clerk": board.clerk,
        "member": board.members[2],
        "other body's member": board.outsider,
        "head with no seat": board.head,
    }[who]
    client = client_at(board.partnership, person)
    for path in _paths(meeting, item, paper):
        assert client.get(path).status_code == expected, path
        if expected == 404:
            assert client.post(path, {"title": "Changed", "purpose": "decision"}).status_code == 404, path
    with partnership_scope(board.partnership):
        assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.PUBLISHED
        assert Paper.objects.filter(pk=paper.pk).exists() and _budget(meeting).title == "Budget"


def test_another_partnerships_coordinator_gets_404_on_the_new_pages(board, partnership_b, client_at):
    meeting = published(board)
    with partnership_scope(board.partnership):
        item = _budget(meeting)
        paper = item.papers.get()
    client = client_at(partnership_b, member(partnership_b, Role.COORDINATOR))
    for path in _paths(meeting, item, paper):
        assert client.get(path).status_code == 404, path
        assert client.post(path).status_code == 404, path
    with partnership_scope(board.partnership):
        assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.PUBLISHED


# Confirmation for approving minutes, and forms sent once ------------------------------------------------------------


def test_approving_minutes_shows_a_confirmation_page_first(board, client_at):
    first = hold(scheduled_meeting(board), hours_ago=24 * 30)
    second = hold(scheduled_meeting(board, days_ahead=30))
    with partnership_scope(board.partnership):
        minutes = Minutes.objects.create(partnership=board.partnership, meeting=first)
    client = client_at(board.partnership, board.clerk)
    assert f"/meetings/{second.pk}/approve/{minutes.pk}/" in client.get(f"/meetings/{second.pk}/").content.decode()
    page = client.get(f"/meetings/{second.pk}/approve/{minutes.pk}/").content.decode()
    assert "Approved minutes are locked" in page
    with partnership_scope(board.partnership):
        assert not Minutes.objects.get(pk=minutes.pk).is_approved
    response = client.post(f"/meetings/{second.pk}/approve/{minutes.pk}/", follow=True)
    assert "are approved and locked" in response.content.decode()
    with partnership_scope(board.partnership):
        assert Minutes.objects.get(pk=minutes.pk).approved_at_meeting_id == second.pk
    assert (
        client_at(board.partnership, board.members[2]).get(f"/meetings/{second.pk}/approve/{minutes.pk}/").status_code
        == 404
    )


def test_an_agenda_item_form_sent_twice_adds_one_item(board, client_at):
    meeting = scheduled_meeting(board)
    client = client_at(board.partnership, board.clerk)
    form = client.get(f"/meetings/{meeting.pk}/items/new/").context["form"]
    data = {"title": "Any other business", "purpose": "discussion", "submission": form["submission"].initial}
    first = client.post(f"/meetings/{meeting.pk}/items/new/", data)
    second = client.post(f"/meetings/{meeting.pk}/items/new/", data, follow=True)
    assert first.status_code == 302 and "already sent" in second.content.decode()
    with partnership_scope(board.partnership):
        assert meeting.items.filter(title="Any other business").count() == 1


def test_a_meeting_form_sent_twice_schedules_one_meeting(board, client_at):
    client = client_at(board.partnership, board.clerk)
    form = client.get(f"/boards/{board.body.pk}/meetings/new/").context["form"]
    starts = (timezone.localtime() + datetime.timedelta(days=20)).strftime("%Y-%m-%dT18:00")
    data = {"starts_at": starts, "place": "Room 2", "submission": form["submission"].initial}
    client.post(f"/boards/{board.body.pk}/meetings/new/", data)
    client.post(f"/boards/{board.body.pk}/meetings/new/", data)
    with partnership_scope(board.partnership):
        assert Meeting.objects.filter(body=board.body, place="Room 2").count() == 1


# A paper holding a named school's review content --------------------------------------------------------------------


@pytest.fixture
def restricted(partnership_a, media_root):
    """A board whose members include the reviewed school's head, a reviewer on its team, its governor and a board
    member with no role there; a published meeting with an item about the school and two papers, one restricted."""
    board = make_board(partnership_a)
    s = review_scenario(partnership_a)
    with partnership_scope(partnership_a):
        for person in (s.head, s.lead_reviewer, s.governor, s.board_member, s.other_head):
            board.seats[person.pk] = board.body.memberships.create(
                partnership=partnership_a, user=person, term_start=timezone.localdate() - datetime.timedelta(days=9)
            )
        meeting = scheduled_meeting(board, papers=0)
        item = agenda_item_add(
            meeting=meeting, title="Support for a school", purpose="discussion", school=s.reviewed_school
        )
        open_paper = paper_upload(item=item, title="Support offer", uploaded=pdf_upload("offer.pdf"), actor=board.clerk)
        closed_paper = paper_upload(
            item=item,
            title="Findings summary",
            uploaded=pdf_upload("findings.pdf", pages=3),
            actor=board.clerk,
            review_content=True,
        )
        meeting_publish(meeting=meeting)
    return board, s, meeting, open_paper, closed_paper


def test_a_restricted_paper_opens_only_for_those_who_may_see_the_schools_review(restricted, client_at):
    board, s, meeting, open_paper, closed_paper = restricted
    may = {"coordinator": board.coordinator, "head of the school": s.head, "its lead reviewer": s.lead_reviewer}
    may_not = {
        "the school's governor": s.governor,
        "a board member": s.board_member,
        "another school's head": s.other_head,
        "a member": board.members[2],
        "the clerk": board.clerk,
    }
    for who, person in {**may, **may_not}.items():
        client = client_at(board.partnership, person)
        assert client.get(f"/meetings/{meeting.pk}/papers/{open_paper.pk}/").status_code == 200, who
        expected = 200 if who in may else 404
        assert client.get(f"/meetings/{meeting.pk}/papers/{closed_paper.pk}/").status_code == expected, who
        page = client.get(f"/meetings/{meeting.pk}/").content.decode()
        link = f'/meetings/{meeting.pk}/papers/{closed_paper.pk}/"'
        assert (link in page) == (who in may), who
        if who not in may:
            assert "Findings summary" in page and "restricted: it holds the school" in page


def test_a_restricted_paper_is_left_out_of_the_whole_pack(restricted):
    board, _, meeting, open_paper, closed_paper = restricted
    with partnership_scope(board.partnership):
        meeting = Meeting.objects.select_related("body__partnership").get(pk=meeting.pk)
        items = list(meeting.items.order_by("number"))
        without = assemble(meeting, items, [open_paper]).page_count
        pack = assemble(meeting, items, [open_paper, closed_paper])
    assert pack.page_count == without  # the three restricted pages are not in it


def test_only_a_paper_for_an_item_about_a_school_can_be_marked_as_review_content(board):
    meeting = scheduled_meeting(board)
    with partnership_scope(board.partnership):
        item = _budget(meeting)
        with pytest.raises(ValidationError, match="about a named school"):
            paper_upload(item=item, title="X", uploaded=pdf_upload("x.pdf"), actor=board.clerk, review_content=True)
        with pytest.raises(ValidationError, match="about a named school"):
            paper_update(paper=item.papers.get(), title="Paper 0", review_content=True)
        assert not Paper.objects.filter(review_content=True).exists()


# An item about a trust, and draft minutes sent to the members -------------------------------------------------------


def test_an_item_about_a_trust_names_the_members_at_its_schools(board, client_at):
    from tests.factories import SchoolFactory, TrustFactory

    meeting = published(board)
    trust = TrustFactory(partnership=board.partnership, name="Riverside Learning Trust")
    school = SchoolFactory(partnership=board.partnership, trust=trust)
    at_school = board.members[3]
    member(board.partnership, Role.HEADTEACHER, user=at_school, school=school)
    with partnership_scope(board.partnership):
        with pytest.raises(ValidationError, match="not both"):
            agenda_item_add(meeting=meeting, title="Both", purpose="discussion", school=school, trust=trust)
        agenda_item_add(meeting=meeting, title="The trust's growth plan", purpose="discussion", trust=trust)
    page = client_at(board.partnership, board.clerk).get(f"/meetings/{meeting.pk}/").content.decode()
    assert "About Riverside Learning Trust." in page
    assert f"Members linked to the trust's schools, asked to declare an interest: {at_school.get_full_name()}" in page


def test_the_clerk_sends_the_draft_minutes_to_the_members(
    board, client_at, mailoutbox, django_capture_on_commit_callbacks
):
    meeting = hold(scheduled_meeting(board))
    with partnership_scope(board.partnership):
        minutes = Minutes.objects.create(partnership=board.partnership, meeting=meeting)
    client = client_at(board.partnership, board.clerk)
    assert client.get(f"/meetings/{meeting.pk}/minutes/circulate/").status_code == 405
    assert (
        client_at(board.partnership, board.members[2]).post(f"/meetings/{meeting.pk}/minutes/circulate/").status_code
        == 404
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/meetings/{meeting.pk}/minutes/circulate/", follow=True)
    assert "The draft minutes are sent to the members." in response.content.decode()
    assert sorted(m.to[0] for m in mailoutbox) == sorted(seat.user.email for seat in board.seats.values())
    assert mailoutbox[0].subject.startswith("Draft minutes of Partnership Board")
    assert f"/meetings/{meeting.pk}/minutes/" in mailoutbox[0].body
    # A second press straight away sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/meetings/{meeting.pk}/minutes/circulate/", follow=True)
    assert "wait a few minutes" in response.content.decode() and len(mailoutbox) == len(board.seats)
    with partnership_scope(board.partnership):
        assert Minutes.objects.get(pk=minutes.pk).circulated_at is not None
