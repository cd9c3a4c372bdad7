"""A board to test with: a body of five voting members (chair, vice-chair, three members), an observer who is clerk,
a published meeting, and people with no seat (a coordinator, a member of another body, a head with no seat)."""

import datetime
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from partnership.accounts.models import User
from partnership.governance.models import Body, BodyMembership, Meeting, Position
from partnership.governance.sample_pdf import sample_pdf
from partnership.governance.services.meetings import agenda_item_add, meeting_schedule, paper_upload
from partnership.tenancy.models import Partnership
from partnership.tenancy.roles import Role
from partnership.tenancy.scoping import partnership_scope
from tests.factories import UserFactory, member


@dataclass
class Board:
    partnership: Partnership
    body: Body
    other_body: Body
    coordinator: User
    clerk: User
    chair: User
    members: list[User]
    outsider: User  # a member of the other body only
    head: User  # holds a role in the partnership, no seat
    seats: dict[int, BodyMembership] = field(default_factory=dict)


def pdf_upload(name: str = "paper.pdf", pages: int = 1) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, sample_pdf(name, pages), content_type="application/pdf")


def make_board(partnership: Partnership, *, quorum_number: int | None = None) -> Board:
    coordinator = member(partnership, Role.COORDINATOR)
    people = [member(partnership, Role.BOARD_MEMBER) for _ in range(6)]
    outsider = member(partnership, Role.BOARD_MEMBER)
    head = member(partnership, Role.HEADTEACHER)
    start = timezone.localdate() - datetime.timedelta(days=365)
    with partnership_scope(partnership):
        fraction = {} if quorum_number else {"quorum_numerator": 1, "quorum_denominator": 2}
        body = Body.objects.create(
            partnership=partnership, name="Partnership Board", quorum_number=quorum_number, **fraction
        )
        other = Body.objects.create(partnership=partnership, name="Project Board", quorum_number=2)
        positions = [Position.CHAIR, Position.VICE_CHAIR, Position.MEMBER, Position.MEMBER, Position.MEMBER]
        board = Board(partnership, body, other, coordinator, people[5], people[0], people[:5], outsider, head)
        for user, position in zip(people[:5], positions, strict=True):
            board.seats[user.pk] = BodyMembership.objects.create(
                partnership=partnership, body=body, user=user, position=position, term_start=start
            )
        board.seats[people[5].pk] = BodyMembership.objects.create(
            partnership=partnership,
            body=body,
            user=people[5],
            position=Position.OBSERVER,
            is_clerk=True,
            term_start=start,
        )
        BodyMembership.objects.create(
            partnership=partnership, body=other, user=outsider, position=Position.MEMBER, term_start=start
        )
    return board


def scheduled_meeting(board: Board, *, days_ahead: int = 14, papers: int = 1) -> Meeting:
    with partnership_scope(board.partnership):
        meeting = meeting_schedule(
            body=board.body, starts_at=timezone.now() + datetime.timedelta(days=days_ahead), place="Room 1"
        )
        item = agenda_item_add(meeting=meeting, title="Budget", purpose="decision", presenter="Treasurer")
        for n in range(papers):
            paper_upload(item=item, title=f"Paper {n}", uploaded=pdf_upload(f"paper-{n}.pdf"), actor=board.clerk)
    return meeting


def hold(meeting: Meeting, *, hours_ago: int = 1) -> Meeting:
    """Move a meeting into the past, published (as if its day had come)."""
    with partnership_scope(meeting.partnership_id):
        Meeting.objects.filter(pk=meeting.pk).update(
            starts_at=timezone.now() - datetime.timedelta(hours=hours_ago),
            status=Meeting.Status.PUBLISHED,
            published_at=timezone.now() - datetime.timedelta(days=10),
        )
        meeting.refresh_from_db()
    return meeting


def outsider_user() -> User:
    return UserFactory()
