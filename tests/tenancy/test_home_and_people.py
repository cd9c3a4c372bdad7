"""Each role lands on a home page that fits it; lists keep a bounded number of queries."""

import pytest

from partnership.tenancy.roles import Role
from tests.factories import AreaFactory, ClusterFactory, InvitationFactory, SchoolFactory, UserFactory, member

pytestmark = pytest.mark.django_db

HOME_HEADINGS = {
    Role.COORDINATOR: b"Running the partnership",
    Role.BOARD_MEMBER: b"The partnership at a glance",
    Role.AREA_CHAIR: b"the area you chair",
    Role.CLUSTER_LEAD: b"the cluster you lead",
    Role.HEADTEACHER: b"Invite staff or governors",
    Role.SENIOR_LEADER: b"People in the portal",
    Role.GOVERNOR: b"Schools you govern",
    Role.STAFF: b"People in the portal",
}
SCHOOL_STAFF = {Role.HEADTEACHER, Role.SENIOR_LEADER, Role.STAFF}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_sees_its_own_home_page(partnership_a, client_at, role):
    user = member(partnership_a, role)
    page = client_at(partnership_a, user).get("/")
    assert page.status_code == 200
    assert HOME_HEADINGS[role] in page.content
    for other_role, heading in HOME_HEADINGS.items():
        same_section = {role, other_role} <= SCHOOL_STAFF and other_role != Role.HEADTEACHER
        if other_role != role and not same_section:
            assert heading not in page.content, f"{role} sees {other_role}'s section"


def test_navigation_fits_the_role(partnership_a, client_at):
    coordinator = member(partnership_a, Role.COORDINATOR)
    governor = member(partnership_a, Role.GOVERNOR)
    assert b'href="/people/"' in client_at(partnership_a, coordinator).get("/").content
    assert b'href="/people/"' not in client_at(partnership_a, governor).get("/").content
    assert client_at(partnership_a, governor).get("/people/").status_code == 404


def test_a_person_with_two_roles_sees_both_sections(partnership_a, client_at):
    user = member(partnership_a, Role.HEADTEACHER)
    member(partnership_a, Role.BOARD_MEMBER, user=user)
    page = client_at(partnership_a, user).get("/")
    assert HOME_HEADINGS[Role.HEADTEACHER] in page.content
    assert HOME_HEADINGS[Role.BOARD_MEMBER] in page.content


def populate(partnership, schools: int) -> None:
    area = AreaFactory(partnership=partnership)
    cluster = ClusterFactory(partnership=partnership)
    for _ in range(schools):
        school = SchoolFactory(partnership=partnership, area=area, cluster=cluster)
        member(partnership, Role.HEADTEACHER, school=school)
        member(partnership, Role.GOVERNOR, school=school)
        InvitationFactory(partnership=partnership, role=Role.STAFF, school=school)


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.BOARD_MEMBER, Role.AREA_CHAIR, Role.HEADTEACHER])
def test_home_page_queries_do_not_grow_with_the_partnership(
    partnership_a, client_at, role, django_assert_max_num_queries
):
    populate(partnership_a, 30)
    client = client_at(partnership_a, member(partnership_a, role))
    with django_assert_max_num_queries(14):
        assert client.get("/").status_code == 200


def test_people_list_queries_do_not_grow_with_the_number_of_people(
    partnership_a, client_at, django_assert_max_num_queries
):
    populate(partnership_a, 40)
    client = client_at(partnership_a, member(partnership_a, Role.COORDINATOR))
    with django_assert_max_num_queries(12):
        page = client.get("/people/")
    assert page.status_code == 200
    assert b"Page 1 of 2" in page.content
    with django_assert_max_num_queries(12):
        assert client.get("/people/?role=governor&page=1").status_code == 200


def test_people_list_filters_by_role_and_school(partnership_a, client_at):
    school = SchoolFactory(partnership=partnership_a, name="Kingsmead Primary Academy")
    head = member(partnership_a, Role.HEADTEACHER, school=school, user=UserFactory(email="kingsmead.head@x.org"))
    member(partnership_a, Role.GOVERNOR, school=school, user=UserFactory(email="kingsmead.governor@x.org"))
    member(partnership_a, Role.GOVERNOR, user=UserFactory(email="elsewhere.governor@x.org"))
    client = client_at(partnership_a, head)
    governors = client.get(f"/people/?role=governor&school={school.pk}").content
    assert b"kingsmead.governor@x.org" in governors
    assert b"elsewhere.governor@x.org" not in governors
    assert b"kingsmead.head@x.org" not in governors


def test_ended_roles_are_kept_and_listed_as_history(partnership_a, client_at, scope_of):
    from partnership.tenancy.models import Membership
    from partnership.tenancy.services import membership_end

    coordinator = member(partnership_a, Role.COORDINATOR)
    school = SchoolFactory(partnership=partnership_a, name="Kingsmead Primary Academy")
    member(partnership_a, Role.GOVERNOR, school=school, user=UserFactory(email="former.governor@x.org"))
    member(partnership_a, Role.GOVERNOR, school=school, user=UserFactory(email="current.governor@x.org"))
    with scope_of(partnership_a):
        membership_end(membership=Membership.objects.get(user__email="former.governor@x.org"))
    client = client_at(partnership_a, coordinator)
    current = client.get("/people/?role=governor").content
    assert b"current.governor@x.org" in current and b"former.governor@x.org" not in current
    history = client.get("/people/?role=governor&state=ended").content
    assert b"former.governor@x.org" in history and b"current.governor@x.org" not in history
    assert b"1 ended role" in history
    assert b"End role" not in history


def test_navigation_offers_schools_to_everyone_and_areas_to_coordinators(partnership_a, client_at):
    coordinator_page = client_at(partnership_a, member(partnership_a, Role.COORDINATOR)).get("/").content
    governor_page = client_at(partnership_a, member(partnership_a, Role.GOVERNOR)).get("/").content
    assert b'href="/schools/"' in coordinator_page and b'href="/schools/"' in governor_page
    assert b'href="/areas/"' in coordinator_page and b'href="/areas/"' not in governor_page
