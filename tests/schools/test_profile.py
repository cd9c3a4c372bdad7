"""A school's profile: details, its place in the partnership, leadership and people, history from GIAS."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.utils.html import escape

from partnership.tenancy.models import Membership
from partnership.tenancy.roles import Role, StaffRole
from partnership.tenancy.scoping import partnership_scope
from partnership.tenancy.services import membership_end
from schools.models import School
from schools.profile import SECTIONS
from schools.services import gias_import_file
from tests.factories import AreaFactory, ClusterFactory, SchoolFactory, TrustFactory, UserFactory, member

from .gias_files import gias_file, school

pytestmark = pytest.mark.django_db


@pytest.fixture
def millbrook(partnership_a):
    with partnership_scope(partnership_a):
        area = AreaFactory(partnership=partnership_a, name="Mid")
        cluster = ClusterFactory(partnership=partnership_a, name="Mid cluster 2", area=area)
        return SchoolFactory(
            partnership=partnership_a,
            urn=141017,
            name="Millbrook Primary Academy",
            establishment_type="Academy converter",
            type_group="Academies",
            la_code="960",
            la_name="Northshire",
            establishment_number="2044",
            street="Mill Lane",
            town="Riverton",
            postcode="NS4 7TT",
            pupils=312,
            fsm_percentage=Decimal("18.20"),
            ofsted_rating="Good",
            ofsted_inspected_on=datetime.date(2023, 5, 17),
            religious_character="Church of England",
            diocese="Diocese of Northshire",
            website="www.millbrook.sch.uk",
            telephone="01632 960123",
            head_title="Dr",
            head_first_name="Grace",
            head_last_name="Hopper",
            statutory_low_age=4,
            statutory_high_age=11,
            area=area,
            cluster=cluster,
            trust=TrustFactory(partnership=partnership_a, name="Riverside Academies Trust"),
        )


def people_at(partnership, school):
    head = member(partnership, Role.HEADTEACHER, school=school, user=UserFactory(first_name="Nia", last_name="Head"))
    deputy = member(partnership, Role.SENIOR_LEADER, school=school, user=UserFactory(first_name="Sam", last_name="Dep"))
    chair = UserFactory(first_name="Rosa", last_name="Chair")
    member(partnership, Role.GOVERNOR, school=school, user=chair, is_chair_of_governors=True)
    member(partnership, Role.GOVERNOR, school=school, user=UserFactory(first_name="Tom", last_name="Gov"))
    sendco = UserFactory(first_name="Uma", last_name="Sendco", email="sendco@millbrook.example")
    member(partnership, Role.STAFF, school=school, user=sendco, staff_role=StaffRole.SENDCO)
    return {"head": head, "deputy": deputy, "chair": chair, "sendco": sendco}


def test_everyone_in_the_partnership_sees_the_details_and_the_leadership(partnership_a, client_at, millbrook):
    people_at(partnership_a, millbrook)
    lead = member(partnership_a, Role.CLUSTER_LEAD, cluster=millbrook.cluster, user=UserFactory(first_name="Lee"))
    board = client_at(partnership_a, member(partnership_a, Role.BOARD_MEMBER))
    page = board.get("/schools/141017/").content.decode()
    for text in [
        "Millbrook Primary Academy",
        "URN 141017, DfE number 960/2044",
        "Academy converter",
        "4 to 11",
        "312",
        "18.2% of pupils",
        "Last inspected 17 May 2023",
        "Church of England",
        "Mill Lane<br>Riverton<br>NS4 7TT",
        'href="https://www.millbrook.sch.uk" rel="noopener noreferrer"',
        "Mid cluster 2",
        f"Lead: {escape(lead.get_full_name())}",  # names like O'Brien are escaped
        "Riverside Academies Trust",
        "Chair of governors</td>\n        <td>Rosa Chair",
        "Nia Head",
        "Sam Dep",
    ]:
        assert text in page, text
    assert "Uma Sendco" not in page  # staff and emails are for those who work with the school's people
    assert "sendco@millbrook.example" not in page
    assert "Invite someone to this school" not in page
    assert page.index("Nia Head") < page.index("Sam Dep") < page.index("Rosa Chair") < page.index("Tom Gov")


def test_the_schools_own_people_and_coordinators_see_everyone_with_emails(partnership_a, client_at, millbrook):
    people = people_at(partnership_a, millbrook)
    for viewer in (people["deputy"], member(partnership_a, Role.COORDINATOR)):
        page = client_at(partnership_a, viewer).get("/schools/141017/").content.decode()
        assert "Uma Sendco" in page and "sendco@millbrook.example" in page and "(SENDCo)" in page


@pytest.mark.parametrize("viewer", ["head", "deputy", "chair", "sendco", "coordinator", "board", "other head"])
def test_every_link_on_the_profile_opens_for_the_person_who_sees_it(partnership_a, client_at, millbrook, viewer):
    people = people_at(partnership_a, millbrook)
    people["coordinator"] = member(partnership_a, Role.COORDINATOR)
    people["board"] = member(partnership_a, Role.BOARD_MEMBER)
    people["other head"] = member(partnership_a, Role.HEADTEACHER)
    client = client_at(partnership_a, people[viewer])
    page = client.get("/schools/141017/").content.decode()
    links = set(re.findall(r'href="(/[^"]*)"', page.replace("&amp;", "&"))) - {"/accounts/logout/"}
    assert any(link.startswith("/schools/") for link in links)
    broken = {link: client.get(link).status_code for link in links if not link.startswith("/static/")}
    assert {link: status for link, status in broken.items() if status not in (200, 302)} == {}


def test_the_headteacher_invites_and_ends_roles_at_their_school_and_sees_the_history(
    partnership_a, client_at, millbrook
):
    people = people_at(partnership_a, millbrook)
    client = client_at(partnership_a, people["head"])
    page = client.get("/schools/141017/").content.decode()
    assert f'href="/invitations/new/?school={millbrook.pk}"' in page
    assert 'End role<span class="govuk-visually-hidden"> of Uma Sendco' in page
    assert 'End role<span class="govuk-visually-hidden"> of Nia Head' not in page  # never oneself
    invite = client.get(f"/invitations/new/?school={millbrook.pk}").content.decode()
    assert f'<option value="{millbrook.pk}" selected>' in invite

    with partnership_scope(partnership_a):
        sendco = Membership.objects.get(user=people["sendco"])
    response = client.post(f"/people/roles/{sendco.pk}/end/", {"next": "/schools/141017/"})
    assert response.status_code == 302 and response["Location"] == "/schools/141017/"
    page = client.get("/schools/141017/").content.decode()
    assert "Past roles at this school (1)" in page
    assert "Uma Sendco" in page.split("Past roles at this school")[1]


def test_ending_a_role_never_redirects_off_site(partnership_a, client_at, millbrook):
    people = people_at(partnership_a, millbrook)
    with partnership_scope(partnership_a):
        sendco = Membership.objects.get(user=people["sendco"])
    response = client_at(partnership_a, people["head"]).post(
        f"/people/roles/{sendco.pk}/end/", {"next": "https://evil.example/"}
    )
    assert response["Location"] == "/people/"


def test_past_roles_are_only_for_coordinators_and_the_schools_head(partnership_a, client_at, millbrook):
    people = people_at(partnership_a, millbrook)
    with partnership_scope(partnership_a):
        membership_end(membership=Membership.objects.get(user=people["sendco"]))
    for viewer, sees in [
        (people["deputy"], False),
        (member(partnership_a, Role.HEADTEACHER), False),
        (people["head"], True),
        (member(partnership_a, Role.COORDINATOR), True),
    ]:
        page = client_at(partnership_a, viewer).get("/schools/141017/").content.decode()
        assert ("Past roles at this school" in page) is sees


def test_without_a_headteacher_in_the_portal_the_gias_head_is_named(partnership_a, client_at, millbrook):
    page = client_at(partnership_a, member(partnership_a, Role.COORDINATOR)).get("/schools/141017/").content
    assert b"GIAS records the headteacher as Dr Grace Hopper." in page
    assert b"Nobody from this school has joined the portal yet." in page


def test_a_closed_school_says_so_and_offers_no_invitations(partnership_a, client_at, millbrook):
    with partnership_scope(partnership_a):
        School.objects.filter(pk=millbrook.pk).update(status=School.Status.CLOSED, closed_on=datetime.date(2026, 8, 31))
    page = client_at(partnership_a, member(partnership_a, Role.COORDINATOR)).get("/schools/141017/").content
    assert b"This school closed on 31 August 2026. It stays here as history" in page
    assert b"Invite someone to this school" not in page


def test_changes_from_gias_are_shown_as_the_schools_history(partnership_a, client_at):
    def run(**columns):
        content = gias_file([school(110001, "Ashby Marsh Primary", **columns)])
        with partnership_scope(partnership_a):
            gias_import_file(partnership=partnership_a, source=io.BytesIO(content), file_name="x.csv", la_codes=["960"])

    run()
    run(HeadFirstName="Grace", HeadLastName="Hopper")
    page = client_at(partnership_a, member(partnership_a, Role.GOVERNOR)).get("/schools/110001/").content.decode()
    assert "Changes from GIAS" in page
    assert ": updated <span" in page and ": added <span" in page and "(from x.csv)" in page
    first, last = page.index("Headteacher&#x27;s first name: Ada"), page.index("Headteacher&#x27;s last name: Lovelace")
    assert first < last  # in the importer's order, whatever order the database keeps the keys in


def test_a_missing_school_is_not_found(partnership_a, client_at):
    client = client_at(partnership_a, member(partnership_a, Role.COORDINATOR))
    assert client.get("/schools/999999/").status_code == 404


def test_the_profile_queries_do_not_grow_with_its_people(
    partnership_a, client_at, millbrook, django_assert_max_num_queries
):
    for _ in range(15):
        member(partnership_a, Role.STAFF, school=millbrook)
        member(partnership_a, Role.GOVERNOR, school=millbrook)
    client = client_at(partnership_a, member(partnership_a, Role.COORDINATOR))
    with django_assert_max_num_queries(12):
        assert client.get("/schools/141017/").status_code == 200


def test_later_features_add_their_sections_to_the_profile(partnership_a, client_at, millbrook, monkeypatch, tmp_path):
    from schools.profile import ProfileSection

    extra = ProfileSection(
        "schools/profile/history.html", lambda user, school: True, lambda user, school: {"changes": []}
    )
    monkeypatch.setattr("schools.profile.SECTIONS", [*SECTIONS, extra])
    assert client_at(partnership_a, member(partnership_a, Role.COORDINATOR)).get("/schools/141017/").status_code == 200
