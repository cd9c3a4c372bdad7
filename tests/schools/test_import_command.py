"""manage.py import_gias: by local authority or URN list, with --dry-run; bad input imports nothing."""

import pytest
from django.core.management import CommandError, call_command

from partnership.tenancy.scoping import partnership_scope
from schools.models import ImportRun, School

from .gias_files import gias_file, school

pytestmark = pytest.mark.django_db


@pytest.fixture
def extract(tmp_path):
    path = tmp_path / "edubasealldata20261122.csv"
    path.write_bytes(
        gias_file(
            [
                school(110001, "Ashby Marsh Primary School"),
                school(110002, "St Bede’s Primary School, Bramford"),
                school(120001, "Across The Border Academy", la="877"),
                school(120002, "Far Away School", la="877"),
            ]
        )
    )
    return path


def urns_of(partnership) -> list[int]:
    with partnership_scope(partnership):
        return sorted(School.objects.values_list("urn", flat=True))


def test_import_by_local_authority_and_urn_list(partnership_a, extract, tmp_path, capsys):
    urns = tmp_path / "urns.txt"
    urns.write_text("# schools across the border\n120001\n")
    call_command("import_gias", str(extract), "--partnership", "alpha", "--la", "960", "--urns", str(urns))
    out = capsys.readouterr().out
    assert "Read 4 rows (cp1252); 3 selected. New: 3, updated: 0, closed: 0, unchanged: 0." in out
    assert "create 110001 Ashby Marsh Primary School" in out
    assert "Imported." in out
    assert urns_of(partnership_a) == [110001, 110002, 120001]

    call_command("import_gias", str(extract), "--partnership", "alpha", "--la", "960", "--urns", str(urns))
    assert "Nothing to change." in capsys.readouterr().out
    with partnership_scope(partnership_a):
        assert ImportRun.objects.count() == 1


def test_dry_run_shows_the_changes_and_writes_nothing(partnership_a, extract, capsys):
    call_command("import_gias", str(extract), "--partnership", "alpha", "--la", "960", "--dry-run")
    out = capsys.readouterr().out
    assert "New: 2" in out and "Dry run: nothing was written." in out
    assert urns_of(partnership_a) == []


def test_a_bad_file_lists_its_problems_and_imports_nothing(partnership_a, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(gias_file([school(110001), school(110002, CloseDate="31/13/2020"), school(110003, URN="12")]))
    with pytest.raises(CommandError, match=r"bad\.csv: 2 problems found; nothing was imported"):
        call_command("import_gias", str(bad), "--partnership", "alpha", "--la", "960")
    err = capsys.readouterr().err
    assert "Row 3, CloseDate: “31/13/2020” is not a real date." in err
    assert urns_of(partnership_a) == []


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--partnership", "nowhere", "--la", "960"], "There is no partnership with the slug “nowhere”"),
        (["--partnership", "alpha"], "Say which schools to import"),
        (["--partnership", "alpha", "--la", "9600"], "“9600” is not a local-authority code"),
    ],
)
def test_bad_arguments_get_a_clear_message(partnership_a, extract, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("import_gias", str(extract), *arguments)


def test_a_missing_file_or_urn_list_is_named(partnership_a, extract, tmp_path):
    with pytest.raises(CommandError, match="There is no file at"):
        call_command("import_gias", str(tmp_path / "missing.csv"), "--partnership", "alpha", "--la", "960")
    bad_urns = tmp_path / "urns.txt"
    bad_urns.write_text("110001\nnot-a-urn\n")
    with pytest.raises(CommandError, match="Line 2: “not-a-urn” is not a URN"):
        call_command("import_gias", str(extract), "--partnership", "alpha", "--urns", str(bad_urns))
