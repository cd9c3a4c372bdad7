"""The GIAS import through its services: created, updated, closed, unchanged; previews that survive until applied;
all-or-nothing; safe when a file changes or two coordinators apply at once."""

import datetime
import io
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from partnership.tenancy.roles import Role
from partnership.tenancy.scoping import partnership_scope
from schools.gias import GiasFileError
from schools.models import ImportRun, School, SchoolChange, Trust
from schools.services import (
    ImportPreviewOutdatedError,
    gias_import_apply,
    gias_import_discard,
    gias_import_file,
    gias_import_preview,
)
from tests.factories import SchoolFactory, member

from .gias_files import gias_file, school, upload, with_cell, without

pytestmark = pytest.mark.django_db

TRUST = {"Trusts (code)": "2044", "Trusts (name)": "Northshire Schools Trust"}


def import_file(partnership, content: bytes, **selection):
    selection = selection or {"la_codes": ["960"]}
    with partnership_scope(partnership):
        return gias_import_file(partnership=partnership, source=io.BytesIO(content), file_name="x.csv", **selection)


def schools_of(partnership) -> dict[int, School]:
    with partnership_scope(partnership):
        return {s.urn: s for s in School.objects.select_related("trust", "federation")}


def test_a_first_import_creates_the_chosen_schools_with_their_trusts(partnership_a):
    content = gias_file(
        [
            school(110001, "Ashby Marsh Primary School", columns=TRUST),
            school(110002, "Bramford Academy", columns={**TRUST, "Federations (name)": "Vale Federation"}),
            school(110003, "Elsewhere School", la="877"),
            school(110004, "Long Closed School", status="Closed", CloseDate="31-08-2010"),
        ]
    )
    result = import_file(partnership_a, content)
    assert result.plan.counts == {"create": 2, "update": 0, "close": 0, "unchanged": 0}
    assert [r.urn for r in result.plan.skipped_closed] == [110004]
    schools = schools_of(partnership_a)
    assert set(schools) == {110001, 110002}
    ashby = schools[110001]
    assert ashby.name == "Ashby Marsh Primary School"
    assert (ashby.la_code, ashby.la_name, ashby.establishment_number) == ("960", "Northshire", "2001")
    assert ashby.fsm_percentage == Decimal("12.50")
    assert ashby.opened_on == datetime.date(1975, 9, 1)
    assert ashby.gias_headteacher == "Mrs Ada Lovelace"
    assert ashby.trust.name == "Northshire Schools Trust" and ashby.trust.gias_code == "2044"
    assert schools[110002].trust == ashby.trust
    assert schools[110002].federation.kind == Trust.Kind.FEDERATION
    with partnership_scope(partnership_a):
        run = ImportRun.objects.get()
        assert (run.source, run.status, run.created_count) == ("command", "applied", 2)
        assert SchoolChange.objects.filter(action="created").count() == 2


def test_importing_the_same_file_again_changes_nothing_and_records_nothing(partnership_a):
    content = gias_file([school(110001, columns=TRUST), school(110002)])
    import_file(partnership_a, content)
    before = {urn: s.updated_at for urn, s in schools_of(partnership_a).items()}
    again = import_file(partnership_a, content)
    assert again.plan.counts == {"create": 0, "update": 0, "close": 0, "unchanged": 2}
    assert again.run is None
    assert {urn: s.updated_at for urn, s in schools_of(partnership_a).items()} == before
    with partnership_scope(partnership_a):
        assert ImportRun.objects.count() == 1 and Trust.objects.count() == 1


def test_a_reimport_updates_in_place_field_by_field_and_keeps_the_history(partnership_a):
    import_file(partnership_a, gias_file([school(110001, "Old Name"), school(110002)]))
    ids = {urn: s.pk for urn, s in schools_of(partnership_a).items()}
    content = gias_file(
        [
            school(110001, "New Name", NumberOfPupils="215", columns=TRUST),
            school(110002, status="Closed", CloseDate="31-08-2026"),
        ]
    )
    result = import_file(partnership_a, content)
    assert result.plan.counts == {"create": 0, "update": 1, "close": 1, "unchanged": 0}
    [update] = result.plan.of("update")
    assert update.changes == {
        "name": ("Old Name", "New Name"),
        "pupils": ("210", "215"),
        "trust": ("", "Northshire Schools Trust"),
    }
    schools = schools_of(partnership_a)
    assert {urn: s.pk for urn, s in schools.items()} == ids  # updated in place, by URN
    assert schools[110002].status == School.Status.CLOSED
    assert schools[110002].closed_on == datetime.date(2026, 8, 31)
    with partnership_scope(partnership_a):
        closed = SchoolChange.objects.get(school__urn=110002, action="closed")
        assert closed.changes["status"] == ["Open", "Closed"]
        assert closed.changes["closed_on"] == ["", "31 August 2026"]


def test_a_school_missing_from_a_later_file_or_closed_in_gias_is_never_deleted(partnership_a):
    import_file(partnership_a, gias_file([school(110001), school(110002)]))
    import_file(partnership_a, gias_file([school(110001, status="Closed", CloseDate="31-08-2026")]))
    schools = schools_of(partnership_a)
    assert set(schools) == {110001, 110002}
    assert schools[110001].status == School.Status.CLOSED
    assert schools[110002].status == School.Status.OPEN


def test_a_school_leaving_its_trust_and_a_renamed_trust(partnership_a):
    import_file(partnership_a, gias_file([school(110001, columns=TRUST), school(110002, columns=TRUST)]))
    renamed = {"Trusts (code)": "2044", "Trusts (name)": "Northshire Learning Trust"}
    result = import_file(partnership_a, gias_file([school(110001, columns=renamed), school(110002)]))
    assert [(t.name, name) for t, name in result.plan.renamed_trusts] == [
        ("Northshire Schools Trust", "Northshire Learning Trust")
    ]
    schools = schools_of(partnership_a)
    assert schools[110001].trust.name == "Northshire Learning Trust"
    assert schools[110002].trust is None


def test_a_file_without_trust_columns_leaves_trusts_alone(partnership_a):
    import_file(partnership_a, gias_file([school(110001, columns=TRUST)]))
    content = gias_file([school(110001)], columns=without("Trusts (code)", "Trusts (name)"))
    assert import_file(partnership_a, content).plan.counts["unchanged"] == 1
    assert schools_of(partnership_a)[110001].trust.gias_code == "2044"


def test_urn_lists_choose_schools_in_any_authority(partnership_a):
    content = gias_file([school(110001, la="960"), school(120001, la="877"), school(120002, la="877")])
    import_file(partnership_a, content, urns=[120002])
    assert set(schools_of(partnership_a)) == {120002}


def test_each_partnership_imports_its_own_copy(partnership_a, partnership_b):
    content = gias_file([school(110001, columns=TRUST)])
    import_file(partnership_a, content)
    import_file(partnership_b, content)
    assert schools_of(partnership_a)[110001].pk != schools_of(partnership_b)[110001].pk
    assert schools_of(partnership_a)[110001].trust.partnership_id == partnership_a.pk


def test_a_file_with_any_problem_imports_nothing(partnership_a):
    import_file(partnership_a, gias_file([school(110001, "Kept")]))
    bad = gias_file([school(110001, "Changed"), school(110002), school(110003, OpenDate="not a date")])
    with pytest.raises(GiasFileError) as caught:
        import_file(partnership_a, bad)
    assert caught.value.problems[0].row == 4
    schools = schools_of(partnership_a)
    assert set(schools) == {110001} and schools[110001].name == "Kept"


def test_a_dry_run_writes_nothing(partnership_a):
    content = gias_file([school(110001)])
    with partnership_scope(partnership_a):
        result = gias_import_file(
            partnership=partnership_a, source=io.BytesIO(content), file_name="x.csv", la_codes=["960"], dry_run=True
        )
        assert result.plan.counts["create"] == 1
        assert not School.objects.exists() and not ImportRun.objects.exists()


# Previews that wait to be applied


def preview(partnership, content: bytes, user=None, **selection):
    with partnership_scope(partnership):
        return gias_import_preview(
            partnership=partnership,
            user=user,
            uploaded_file=upload(content),
            **(selection or {"la_codes": ["960"]}),
        )


def apply(run, user=None, digest=None):
    with partnership_scope(run.partnership_id):
        return gias_import_apply(run=run, user=user, seen_digest=digest or run.plan_digest)


def test_a_preview_keeps_the_file_privately_and_changes_nothing_until_applied(
    partnership_a, media_root, django_capture_on_commit_callbacks
):
    coordinator = member(partnership_a, Role.COORDINATOR)
    run = preview(partnership_a, gias_file([school(110001), school(110002)]), user=coordinator)
    assert run.status == ImportRun.Status.PREVIEWED
    assert run.created_count == 2
    assert [s["urn"] for s in run.plan["create"]] == [110001, 110002]
    stored = media_root / run.file.name
    assert stored.is_file() and run.file.name.startswith(f"private/gias-imports/{partnership_a.pk}/")
    assert "edubasealldata" not in run.file.name  # never the uploaded name
    assert schools_of(partnership_a) == {}

    with django_capture_on_commit_callbacks(execute=True):
        applied = apply(run, user=coordinator)
    assert applied.status == ImportRun.Status.APPLIED
    assert applied.applied_by == coordinator and applied.applied_at is not None
    assert set(schools_of(partnership_a)) == {110001, 110002}
    assert not stored.exists()  # the record of what changed stays; the file does not


def test_applying_twice_is_refused_and_changes_nothing_more(partnership_a, media_root):
    run = preview(partnership_a, gias_file([school(110001)]))
    apply(run)
    with pytest.raises(ValidationError, match="already applied"):
        apply(run)
    with partnership_scope(partnership_a):
        assert School.objects.count() == 1


def test_a_changed_stored_file_is_refused(partnership_a, media_root):
    run = preview(partnership_a, gias_file([school(110001)]))
    path = media_root / run.file.name
    path.write_bytes(with_cell(path.read_bytes(), 2, "EstablishmentName", "Tampered"))
    with pytest.raises(ValidationError, match="stored file has changed"):
        apply(run)
    path.unlink()
    with pytest.raises(ValidationError, match="stored file has changed or gone"):
        apply(run)
    assert schools_of(partnership_a) == {}


def test_when_the_schools_changed_since_the_preview_nothing_is_applied_and_a_fresh_preview_is_shown(
    partnership_a, media_root
):
    run = preview(partnership_a, gias_file([school(110001, "From The File"), school(110002)]))
    old_digest = run.plan_digest
    with partnership_scope(partnership_a):
        SchoolFactory(partnership=partnership_a, urn=110001, name="Someone Else Added This")
    with pytest.raises(ImportPreviewOutdatedError) as caught:
        apply(run)
    refreshed = caught.value.run
    assert refreshed.plan_digest != old_digest
    assert (refreshed.created_count, refreshed.updated_count) == (1, 1)
    assert schools_of(partnership_a)[110001].name == "Someone Else Added This"
    with pytest.raises(ValidationError, match="The preview changed after you opened it"):
        apply(refreshed, digest=old_digest)
    apply(refreshed)
    assert schools_of(partnership_a)[110001].name == "From The File"


def test_a_newer_upload_replaces_a_waiting_preview(partnership_a, media_root):
    first = preview(partnership_a, gias_file([school(110001)]))
    second = preview(partnership_a, gias_file([school(110002)]))
    with partnership_scope(partnership_a):
        first.refresh_from_db()
    assert first.status == ImportRun.Status.SUPERSEDED and not first.file
    with pytest.raises(ValidationError, match="A newer file was uploaded"):
        apply(first)
    apply(second)
    assert set(schools_of(partnership_a)) == {110002}


def test_a_discarded_or_day_old_preview_cannot_be_applied(
    partnership_a, media_root, django_capture_on_commit_callbacks
):
    run = preview(partnership_a, gias_file([school(110001)]))
    stored = media_root / run.file.name
    with partnership_scope(partnership_a):
        ImportRun.objects.filter(pk=run.pk).update(created_at=timezone.now() - datetime.timedelta(hours=25))
        run.refresh_from_db()
    with pytest.raises(ValidationError, match="more than a day old"):
        apply(run)
    with partnership_scope(partnership_a), django_capture_on_commit_callbacks(execute=True):
        gias_import_discard(run=run)
        run.refresh_from_db()
    assert run.status == ImportRun.Status.DISCARDED
    assert not stored.exists()
    with pytest.raises(ValidationError, match="discarded"):
        apply(run)
    assert schools_of(partnership_a) == {}


def test_a_rejected_upload_keeps_nothing(partnership_a, media_root):
    for content in (b"%PDF-1.4 not really", gias_file([school(110001, OpenDate="soon")])):
        with pytest.raises(GiasFileError):
            preview(partnership_a, content)
    with partnership_scope(partnership_a):
        assert not ImportRun.objects.exists()
    assert not media_root.exists() or not list(media_root.rglob("*.csv"))


def test_an_upload_with_the_wrong_extension_is_refused(partnership_a, media_root):
    with partnership_scope(partnership_a), pytest.raises(GiasFileError) as caught:
        gias_import_preview(
            partnership=partnership_a,
            user=None,
            uploaded_file=upload(gias_file([school(110001)]), name="schools.xlsx"),
            la_codes=["960"],
        )
    assert "must be a CSV file" in caught.value.problems[0].message


@pytest.mark.django_db(transaction=True)
def test_two_coordinators_applying_at_once_import_once(partnership_a, media_root):
    run = preview(partnership_a, gias_file([school(110000 + n) for n in range(50)]))
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def apply_in_thread():
        try:
            barrier.wait()
            apply(run)
            outcomes.append("applied")
        except ValidationError as error:
            outcomes.append(error.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=apply_in_thread) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(outcomes) == 2 and outcomes.count("applied") == 1
    assert any("This import was already applied" in outcome for outcome in outcomes)
    with partnership_scope(partnership_a):
        assert School.objects.count() == 50
        assert SchoolChange.objects.count() == 50


def test_an_extract_older_than_the_last_one_applied_is_flagged_in_the_preview(partnership_a, media_root):
    def preview_named(name: str) -> ImportRun:
        with partnership_scope(partnership_a):
            return gias_import_preview(
                partnership=partnership_a, user=None, uploaded_file=upload(gias_file([school(110001)]), name),
                la_codes=["960"],
            )  # fmt: skip

    apply(preview_named("edubasealldata20261122.csv"))
    older = preview_named("edubasealldata20260901.csv")
    assert "This extract is dated 1 September 2026, older than the last one applied" in older.plan["warnings"][-1]
    for name in ("edubasealldata20261123.csv", "renamed-extract.csv"):
        assert not any("older than" in warning for warning in preview_named(name).plan["warnings"])
