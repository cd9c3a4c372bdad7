import pytest
from django.core.management import call_command

from partnership.accounts.models import User
from partnership.tenancy.models import Membership, Partnership
from partnership.tenancy.roles import Role
from partnership.tenancy.scoping import partnership_scope
from schools.models import Area, Cluster, School


def snapshot() -> dict:
    state = {"users": sorted(User.objects.values_list("email", "password", "first_name"))}
    for partnership in Partnership.objects.order_by("slug"):
        with partnership_scope(partnership):
            state[partnership.slug] = {
                "schools": sorted(School.objects.values_list("urn", "name", "updated_at")),
                "areas": sorted(Area.objects.values_list("name", flat=True)),
                "clusters": sorted(Cluster.objects.values_list("name", flat=True)),
                "memberships": sorted(Membership.objects.values_list("user__email", "role", "school__urn")),
            }
    return state


@pytest.mark.django_db
def test_demo_data_covers_every_role_and_a_second_run_changes_nothing(settings, media_root, capsys):
    settings.DEBUG = True
    call_command("demo_data")
    printed = capsys.readouterr().out
    first = snapshot()
    call_command("demo_data")
    assert snapshot() == first

    assert "http://northshire.localhost" in printed and "http://riverside.localhost" in printed
    assert "coordinator@northshire.example" in printed
    for slug in ("northshire", "riverside"):
        roles = {role for _, role, _ in first[slug]["memberships"]}
        assert roles == set(Role.values), slug
    assert len(first["northshire"]["schools"]) >= 40
    assert len(first["northshire"]["areas"]) == 3
    assert len(first["riverside"]["schools"]) == 9


@pytest.mark.django_db
def test_demo_data_refuses_to_run_in_production(settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("demo_data")
