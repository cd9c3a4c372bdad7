"""The public pages: open without signing in when the coordinator turns them on, only what was chosen, and no
confidential field ever reaches them (interests, draft or unpublished minutes, papers, email addresses, decisions'
votes, observers' and clerks' seats)."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from partnership.governance.models import InterestDeclaration, Minutes, MinutesSection, PublicPages
from partnership.governance.services.minutes import minutes_approve, minutes_section_save, minutes_set_public
from partnership.tenancy.roles import Role
from partnership.tenancy.scoping import partnership_scope
from tests.factories import AreaFactory, SchoolFactory, member

from .factories import hold, make_board, scheduled_meeting

pytestmark = pytest.mark.django_db
PUBLIC_PATHS = ["/public/", "/public/bodies/", "/public/areas/", "/public/schools/", "/public/minutes/"]


@pytest.fixture
def board(partnership_a, media_root):
    board = make_board(partnership_a)
    with partnership_scope(partnership_a):
        board.body.is_public = True
        board.body.save()
        PublicPages.objects.create(partnership=partnership_a, enabled=True, about="We improve together.")
    return board


def anonymous(partnership) -> Client:
    return Client(HTTP_HOST=f"{partnership.slug}.localhost")


def test_public_pages_open_without_signing_in_only_when_turned_on(board):
    for path in PUBLIC_PATHS:
        assert anonymous(board.partnership).get(path).status_code == 200, path
    with partnership_scope(board.partnership):
        PublicPages.objects.update(enabled=False)
    for path in PUBLIC_PATHS:
        assert anonymous(board.partnership).get(path).status_code == 404, path


def test_the_coordinator_chooses_each_part(board):
    with partnership_scope(board.partnership):
        PublicPages.objects.update(show_schools=False, show_bodies=False)
    assert anonymous(board.partnership).get("/public/schools/").status_code == 404
    assert anonymous(board.partnership).get("/public/bodies/").status_code == 404
    home = anonymous(board.partnership).get("/public/").content.decode()
    assert "/public/schools/" not in home and "/public/bodies/" not in home


def test_public_pages_show_members_areas_schools_and_published_minutes(board):
    area = AreaFactory(partnership=board.partnership, name="North Quadrant")
    chair = member(board.partnership, Role.AREA_CHAIR, area=area)
    SchoolFactory(partnership=board.partnership, name="Brookside Primary School")
    bodies = anonymous(board.partnership).get("/public/bodies/").content.decode()
    assert board.chair.get_full_name() in bodies and "Partnership Board" in bodies
    areas = anonymous(board.partnership).get("/public/areas/").content.decode()
    assert "North Quadrant" in areas and chair.get_full_name() in areas
    assert "Brookside Primary School" in anonymous(board.partnership).get("/public/schools/").content.decode()


def test_no_confidential_field_reaches_the_public_pages(board):
    earlier = hold(scheduled_meeting(board), hours_ago=24 * 40)
    later = hold(scheduled_meeting(board, days_ahead=20), hours_ago=48)
    draft = hold(scheduled_meeting(board, days_ahead=30), hours_ago=1)
    with partnership_scope(board.partnership):
        minutes_section_save(item=earlier.items.first(), text="canary-approved-public")
        minutes_section_save(item=later.items.first(), text="canary-approved-not-published")
        minutes_section_save(item=draft.items.first(), text="canary-draft-minutes")
        published = minutes_approve(minutes=Minutes.objects.get(meeting=earlier), at_meeting=later, by=board.chair)
        minutes_set_public(minutes=published, public=True)
        minutes_approve(minutes=Minutes.objects.get(meeting=later), at_meeting=draft, by=board.chair)
        InterestDeclaration.objects.create(
            partnership=board.partnership,
            user=board.chair,
            year_start=datetime.date(2026, 9, 1),
            business_interests="canary-interest",
            declared_at=timezone.now(),
        )
        assert MinutesSection.objects.count() == 3
    client = anonymous(board.partnership)
    pages = [client.get(path).content.decode() for path in PUBLIC_PATHS]
    pages.append(client.get(f"/public/minutes/{published.pk}/").content.decode())
    text = "\n".join(pages)
    assert "canary-approved-public" in text
    for secret in ("canary-approved-not-published", "canary-draft-minutes", "canary-interest", "Room 1", "paper-0"):
        assert secret not in text, secret
    for person in [board.coordinator, board.clerk, *board.members, board.outsider]:
        assert person.email not in text
    # The clerk sits as an observer: not listed; a member of a body that is not public: not listed.
    assert board.clerk.get_full_name() not in text and board.outsider.get_full_name() not in text
    with partnership_scope(board.partnership):
        unpublished = Minutes.objects.get(meeting=later)
    assert client.get(f"/public/minutes/{unpublished.pk}/").status_code == 404


def test_public_pages_are_not_on_the_portal_address(board):
    assert Client(HTTP_HOST="localhost").get("/public/").status_code == 404


def test_someone_signed_in_to_another_partnership_sees_the_public_pages_but_nothing_else(
    board, partnership_b, client_at
):
    stranger = member(partnership_b, Role.COORDINATOR)
    client = client_at(board.partnership, stranger)
    for path in PUBLIC_PATHS:
        assert client.get(path).status_code == 200, path
    assert client.get(f"/boards/{board.body.pk}/").status_code == 404
