"""Role x action: what each role may do with schools (schools/permissions.py)."""

import pytest
from django.core.files.uploadhandler import SkipFile

from partnership.tenancy.roles import Role
from schools import permissions
from schools.uploads import SizeLimitUploadHandler
from tests.factories import AreaFactory, ClusterFactory, SchoolFactory, member

pytestmark = pytest.mark.django_db

ALL_ROLES = [r.value for r in Role]
SCHOOL_ROLES = {"headteacher", "senior_leader", "governor", "staff"}

# action -> the roles that may do it. Anything not listed is refused.
MATRIX = {
    "view_directory_and_profiles": set(ALL_ROLES),
    "import_schools": {"coordinator"},
    "manage_areas_and_clusters": {"coordinator"},
    "see_people_of_own_school": {"coordinator", "headteacher", "senior_leader", "governor", "staff", "area_chair",
                                 "cluster_lead"},
    "see_people_of_other_school": {"coordinator", "headteacher", "area_chair", "cluster_lead"},
    "see_past_roles_of_own_school": {"coordinator", "headteacher"},
    "see_past_roles_of_other_school": {"coordinator"},
    "invite_to_own_school": {"coordinator", "headteacher"},
    "invite_to_other_school": {"coordinator"},
}  # fmt: skip


def perform(action, user, partnership, own, other):
    if action == "view_directory_and_profiles":
        return permissions.can_view_schools(user, partnership)
    if action == "import_schools":
        return permissions.can_import_schools(user, partnership)
    if action == "manage_areas_and_clusters":
        return permissions.can_manage_areas(user, partnership)
    if action == "see_people_of_own_school":
        return permissions.can_view_school_people(user, own)
    if action == "see_people_of_other_school":
        return permissions.can_view_school_people(user, other)
    if action == "see_past_roles_of_own_school":
        return permissions.can_view_role_history(user, own)
    if action == "see_past_roles_of_other_school":
        return permissions.can_view_role_history(user, other)
    if action == "invite_to_own_school":
        return permissions.can_invite_to_school(user, own)
    if action == "invite_to_other_school":
        return permissions.can_invite_to_school(user, other)
    raise AssertionError(action)


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("action", sorted(MATRIX))
def test_role_action_matrix(partnership_a, scope_of, role, action):
    with scope_of(partnership_a):
        area = AreaFactory(partnership=partnership_a)
        cluster = ClusterFactory(partnership=partnership_a, area=area)
        own = SchoolFactory(partnership=partnership_a, area=area, cluster=cluster)
        other = SchoolFactory(partnership=partnership_a)
        place = {"school": own} if role in SCHOOL_ROLES else {}
        place.update({"area": area} if role == "area_chair" else {})
        place.update({"cluster": cluster} if role == "cluster_lead" else {})
        user = member(partnership_a, role, **place)
        allowed = perform(action, user, partnership_a, own, other)
    assert allowed is (role in MATRIX[action]), f"{role} {'may not' if allowed else 'should be able to'} {action}"


def test_a_member_of_another_partnership_may_do_nothing(partnership_a, partnership_b, scope_of):
    outsider = member(partnership_b, Role.COORDINATOR)
    with scope_of(partnership_a):
        school = SchoolFactory(partnership=partnership_a)
        assert not permissions.can_view_schools(outsider, partnership_a)
        assert not permissions.can_import_schools(outsider, partnership_a)
        assert not permissions.can_manage_areas(outsider, partnership_a)
        assert not permissions.can_view_school_people(outsider, school)
        assert not permissions.can_view_role_history(outsider, school)
        assert not permissions.can_invite_to_school(outsider, school)


def test_the_upload_limit_stops_keeping_a_file_once_it_passes_the_limit():
    handler = SizeLimitUploadHandler(limit=1000)
    assert handler.receive_data_chunk(b"x" * 600, 0) == b"x" * 600
    assert handler.receive_data_chunk(b"x" * 400, 600) == b"x" * 400
    with pytest.raises(SkipFile):
        handler.receive_data_chunk(b"x", 1000)
    assert handler.exceeded
