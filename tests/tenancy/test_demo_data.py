import pytest
from django.core.management import call_command

from partnership.accounts.models import User
from partnership.tenancy.models import Membership, Partnership
from partnership.tenancy.roles import Role
from partnership.tenancy.scoping import partnership_scope
from reviews.models import (
    ClosureDay,
    Cycle,
    Review,
    ReviewerTraining,
    ReviewEvent,
    Term,
)
from schools.gias import GiasExtract, Selection, read_extract
from schools.gias.synthetic import GIAS_COLUMNS
from schools.models import Area, Cluster, ImportRun, School, SchoolChange, Trust


def snapshot() -> dict:
    state = {"users": sorted(User.objects.values_list("email", "password", "first_name"))}
    for partnership in Partnership.objects.order_by("slug"):
        with partnership_scope(partnership):
            state[partnership.slug] = {
                "schools": sorted(
                    School.objects.values_list("urn", "name", "status", "area__name", "cluster__name", "updated_at")
                ),
                "areas": sorted(Area.objects.values_list("name", flat=True)),
                "clusters": sorted(Cluster.objects.values_list("name", "area__name")),
                "trusts": sorted(Trust.objects.values_list("kind", "gias_code", "name")),
                "memberships": sorted(
                    Membership.objects.values_list(
                        "user__email", "role", "school__urn", "area__name", "cluster__name", "ended_on"
                    ),
                    key=str,
                ),
                "imports": sorted(ImportRun.objects.values_list("file_name", "status", "created_count")),
                "changes": SchoolChange.objects.count(),
                "cycles": sorted(Cycle.objects.values_list("name", "groups_published_at")),
                "reviews": sorted(Review.objects.values_list("cycle__name", "school__urn", "status", "group__number")),
                "events": ReviewEvent.objects.count(),
                "terms": sorted(Term.objects.values_list("starts_on", "ends_on")),
                "closures": sorted(ClosureDay.objects.values_list("date", flat=True)),
                "training": sorted(ReviewerTraining.objects.values_list("user__email", "trained_on")),
            }
    return state


@pytest.mark.django_db
def test_demo_data_covers_every_role_and_a_second_run_changes_nothing(settings, media_root, capsys, tmp_path):
    settings.DEBUG = True
    call_command("demo_data", gias_dir=tmp_path)
    printed = capsys.readouterr().out
    extracts = {path.name: path.read_bytes() for path in tmp_path.glob("*.csv")}
    first = snapshot()
    call_command("demo_data", gias_dir=tmp_path)
    assert snapshot() == first
    assert {path.name: path.read_bytes() for path in tmp_path.glob("*.csv")} == extracts  # deterministic

    assert "http://northshire.localhost" in printed and "http://riverside.localhost" in printed
    assert "coordinator@northshire.example" in printed
    for slug in ("northshire", "riverside"):
        roles = {membership[1] for membership in first[slug]["memberships"]}
        assert roles == set(Role.values), slug
    northshire, riverside = first["northshire"], first["riverside"]
    assert len(northshire["schools"]) == 48
    assert [s[1] for s in northshire["schools"] if s[2] == "closed"] == [
        "Eastwick Infant School",
        "Langton Church Junior School",
    ]
    assert all(area and cluster for _, _, _, area, cluster, _ in northshire["schools"])
    assert northshire["areas"] == ["Mid", "South", "West"]
    assert len(northshire["clusters"]) == 9
    assert ("federation", "FED0960", "Ashby and Bramford Church Schools Federation") in northshire["trusts"]
    assert northshire["imports"] == [
        ("edubasealldata20260901.csv", "applied", 46 + 2),
        ("edubasealldata20261122.csv", "applied", 0),
    ]
    assert northshire["changes"] == 48 + 1 + 2  # created, one headteacher changed, two closed
    chairs = [m for m in northshire["memberships"] if m[1] in ("area_chair", "cluster_lead") and m[5] is None]
    assert len(chairs) == 3 + 9
    assert any(m[0] == "former.deputy@northshire.example" and m[5] for m in northshire["memberships"])
    assert [s[0] for s in riverside["schools"]] == [141000 + n * 17 for n in range(9)]
    assert riverside["areas"] == ["Riverton"]
    assert "var/demo" not in printed and str(tmp_path / "edubasealldata20261122.csv") in printed


@pytest.mark.django_db
def test_the_demo_extract_is_a_gias_format_file_of_several_authorities(settings, media_root, tmp_path):
    from schools.demo import write_demo_extracts

    _previous, current = write_demo_extracts(tmp_path)
    content = current.read_bytes()
    header = content.split(b"\r\n", 1)[0].decode("cp1252").split(",")
    assert header == list(GIAS_COLUMNS) and len(header) == 140
    content.decode("cp1252")
    try:
        content.decode("utf-8")
        raise AssertionError("the demo extract should need Windows-1252, as a real one does")
    except UnicodeDecodeError:
        pass
    with current.open("rb") as source:
        everything: GiasExtract = read_extract(source, Selection(la_codes=frozenset({"960", "961", "877", "962"})))
    authorities = {record.values["la_code"] for record in everything.records}
    assert authorities == {"960", "961", "877", "962"}
    assert sum(record.status == "closed" for record in everything.records) >= 10


@pytest.mark.django_db
def test_demo_data_refuses_to_run_in_production(settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("demo_data")
