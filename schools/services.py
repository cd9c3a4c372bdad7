"""Every write to the schools registry: GIAS imports, areas, clusters and who chairs or leads them."""

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from partnership.accounts.models import User
from partnership.common.text import short_date
from partnership.tenancy.models import Membership, Partnership
from partnership.tenancy.roles import Role
from partnership.tenancy.services import membership_create, membership_end

from .gias import GiasFileError, Problem, Selection, read_extract
from .gias.reader import extract_date
from .importer import ImportPlan, apply_plan, build_plan, record_counts
from .models import Area, Cluster, ImportRun, School
from .selectors import import_run_not_applicable_reason

"""How long an uploaded file waits to be applied; after that it is deleted and must be uploaded again."""

ALLOWED_UPLOAD_SUFFIXES = (".csv", ".txt")


class ImportPreviewOutdatedError(Exception):
    """The schools changed between preview and apply; the run now holds the new preview to check."""

    def __init__(self, run: ImportRun):
        super().__init__("The preview is out of date")
        self.run = run


def _new_token() -> str:
    return secrets.token_hex(16)


def _lock_imports(partnership: Partnership) -> None:
    """One import at a time per partnership: the partnership's row is the lock, held until commit."""
    Partnership.objects.select_for_update().filter(pk=partnership.pk).first()


def _delete_file_on_commit(run: ImportRun) -> None:
    if run.file:
        name, storage = run.file.name, run.file.storage
        transaction.on_commit(lambda: storage.delete(name))
        run.file = ""


def _older_extract_warning(run: ImportRun) -> None:
    """Warn when an extract is older than the last one applied: importing it would undo newer changes."""
    dated = extract_date(run.file_name)
    last = ImportRun.objects.filter(status=ImportRun.Status.APPLIED).order_by("-applied_at").first()
    last_dated = extract_date(last.file_name) if last else None
    if dated and last_dated and dated < last_dated:
        run.plan.setdefault("warnings", []).append(
            f"This extract is dated {short_date(dated)}, older than the last one applied "
            f"({last.file_name}, dated {short_date(last_dated)}). Applying it would undo newer "
            "changes, such as reopening schools that have closed."
        )


def _check_upload_name(name: str) -> None:
    if not name.lower().endswith(ALLOWED_UPLOAD_SUFFIXES):
        suffix = Path(name).suffix or "no extension"
        raise GiasFileError(
            [
                _problem(
                    f"The file must be a CSV file, like edubasealldata20261122.csv; “{name}” has {suffix}."
                    if suffix == "no extension"
                    else f"The file must be a CSV file, like edubasealldata20261122.csv, not a {suffix} file."
                )
            ]
        )


def _problem(message: str) -> Problem:
    return Problem(message)


def gias_import_preview(
    *,
    partnership: Partnership,
    user: User | None,
    uploaded_file: UploadedFile,
    la_codes: Iterable[str] = (),
    urns: Iterable[int] = (),
) -> ImportRun:
    """Check an uploaded extract and keep it, privately, with a preview of what applying it would change.

    Raises GiasFileError (and keeps nothing) when the file has any problem. A newer upload replaces any
    preview still waiting, so only one import at a time can be applied.
    """
    selection = Selection(la_codes=frozenset(la_codes), urns=frozenset(urns))
    source = uploaded_file.file
    extract = read_extract(source, selection)
    _check_upload_name(uploaded_file.name)
    plan = build_plan(extract)
    run = ImportRun(
        partnership=partnership,
        token=_new_token(),
        source=ImportRun.Source.UPLOAD,
        file_name=uploaded_file.name[:255],
        file_size=extract.size,
        file_sha256=extract.sha256,
        la_codes=sorted(selection.la_codes),
        urns=sorted(selection.urns),
        created_by=user,
    )
    record_counts(run, plan)
    _older_extract_warning(run)
    uploaded_file.seek(0)
    run.file.save(f"{run.token}.csv", uploaded_file, save=False)
    try:
        with transaction.atomic():
            _lock_imports(partnership)
            for waiting in ImportRun.objects.select_for_update().filter(status=ImportRun.Status.PREVIEWED):
                waiting.status = ImportRun.Status.SUPERSEDED
                _delete_file_on_commit(waiting)
                waiting.save(update_fields=["status", "file"])
            run.save()
    except BaseException:
        run.file.storage.delete(run.file.name)
        raise
    return run


def gias_import_discard(*, run: ImportRun) -> ImportRun:
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run.pk)
        if run.status == ImportRun.Status.PREVIEWED:
            run.status = ImportRun.Status.DISCARDED
            _delete_file_on_commit(run)
            run.save(update_fields=["status", "file"])
    return run


def gias_import_apply(*, run: ImportRun, user: User | None, seen_digest: str) -> ImportRun:
    """Apply a previewed upload in one transaction, exactly as previewed.

    Refused (ValidationError) when the run was already applied, replaced, discarded or has expired, when the
    preview the person saw is not the current one, or when the stored file changed. When the partnership's
    schools changed since the preview, nothing is applied: the run gets a fresh preview and
    ImportPreviewOutdatedError is raised so that the person checks it again.
    """
    outdated = False
    with transaction.atomic():
        _lock_imports(run.partnership)
        run = ImportRun.objects.select_for_update(of=("self",)).select_related("applied_by").get(pk=run.pk)
        reason = import_run_not_applicable_reason(run)
        if reason:
            raise ValidationError(reason)
        if seen_digest != run.plan_digest:
            raise ValidationError("The preview changed after you opened it. Check the changes below and apply again.")
        try:
            with run.file.open("rb") as stored:
                extract = read_extract(stored, Selection(la_codes=frozenset(run.la_codes), urns=frozenset(run.urns)))
        except (FileNotFoundError, GiasFileError):
            extract = None
        if extract is None or extract.sha256 != run.file_sha256:
            raise ValidationError("The stored file has changed or gone since the preview. Upload the file again.")
        plan = build_plan(extract)
        if plan.digest != run.plan_digest:
            record_counts(run, plan)
            _older_extract_warning(run)
            run.save()
            outdated = True
        else:
            _apply(run, plan, user)
    if outdated:
        raise ImportPreviewOutdatedError(run)
    return run


def _apply(run: ImportRun, plan: ImportPlan, user: User | None) -> None:
    record_counts(run, plan)
    apply_plan(plan, run=run)
    run.status = ImportRun.Status.APPLIED
    run.applied_by = user
    run.applied_at = timezone.now()
    _delete_file_on_commit(run)
    run.save()


@dataclass
class FileImportResult:
    plan: ImportPlan
    run: ImportRun | None


def gias_import_file(
    *,
    partnership: Partnership,
    source: BinaryIO,
    file_name: str,
    la_codes: Iterable[str] = (),
    urns: Iterable[int] = (),
    user: User | None = None,
    dry_run: bool = False,
) -> FileImportResult:
    """Import an extract in one go (the management command and the demo): read, compare and apply.

    With dry_run nothing is written. Without changes to make, no ImportRun is recorded either, so running the
    same import twice leaves no trace the second time.
    """
    selection = Selection(la_codes=frozenset(la_codes), urns=frozenset(urns))
    with transaction.atomic():
        _lock_imports(partnership)
        extract = read_extract(source, selection)
        plan = build_plan(extract)
        if dry_run or not plan.has_changes:
            return FileImportResult(plan=plan, run=None)
        run = ImportRun(
            partnership=partnership,
            token=_new_token(),
            source=ImportRun.Source.COMMAND,
            file_name=file_name[:255],
            file_size=extract.size,
            file_sha256=extract.sha256,
            la_codes=sorted(selection.la_codes),
            urns=sorted(selection.urns),
            created_by=user,
        )
        record_counts(run, plan)
        run.save()
        _apply(run, plan, user)
    return FileImportResult(plan=plan, run=run)


# Areas and clusters


def _integrity(error: IntegrityError, messages: dict[str, dict[str, str]]) -> ValidationError:
    for constraint, message in messages.items():
        if constraint in str(error):
            return ValidationError(message)
    return ValidationError("This could not be saved: it conflicts with something that already exists.")


AREA_CONSTRAINTS = {"area_name_unique_in_partnership": {"name": "There is already an area with this name."}}
CLUSTER_CONSTRAINTS = {"cluster_name_unique_in_partnership": {"name": "There is already a cluster with this name."}}


def _save(instance, constraints) -> None:
    name = instance.name.strip()
    if not name:
        raise ValidationError({"name": "Enter a name."})
    instance.name = name
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as error:
        raise _integrity(error, constraints) from error


@transaction.atomic
def area_create(*, partnership: Partnership, name: str, description: str = "", chair: User | None = None) -> Area:
    area = Area(partnership=partnership, name=name, description=description.strip())
    _save(area, AREA_CONSTRAINTS)
    if chair is not None:
        area_chair_set(area=area, user=chair)
    return area


@transaction.atomic
def area_update(*, area: Area, name: str, description: str = "", chair: User | None) -> Area:
    """Rename or describe an area and name its chair (None: no chair; the current chair's role ends)."""
    area.name, area.description = name, description.strip()
    _save(area, AREA_CONSTRAINTS)
    area_chair_set(area=area, user=chair)
    return area


@transaction.atomic
def cluster_create(
    *, partnership: Partnership, name: str, area: Area | None = None, lead: User | None = None
) -> Cluster:
    _check_same_partnership(partnership, area)
    cluster = Cluster(partnership=partnership, name=name, area=area)
    _save(cluster, CLUSTER_CONSTRAINTS)
    if lead is not None:
        cluster_lead_set(cluster=cluster, user=lead)
    return cluster


@transaction.atomic
def cluster_update(*, cluster: Cluster, name: str, area: Area | None, lead: User | None) -> Cluster:
    """Rename a cluster, move it to another area (its schools move with it) and name its lead."""
    _check_same_partnership(cluster.partnership, area)
    moved = cluster.area_id != (area.pk if area else None)
    cluster.name, cluster.area = name, area
    _save(cluster, CLUSTER_CONSTRAINTS)
    if moved and area is not None:
        School.objects.filter(cluster=cluster).exclude(area=area).update(area=area, updated_at=timezone.now())
    cluster_lead_set(cluster=cluster, user=lead)
    return cluster


def _check_same_partnership(partnership: Partnership, *places) -> None:
    for place in places:
        if place is not None and place.partnership_id != partnership.pk:
            raise ValidationError("That area or cluster belongs to another partnership.")


@dataclass
class AssignmentResult:
    changed: int
    unchanged: int
    left_cluster: int = 0


@transaction.atomic
def schools_assign(
    *,
    partnership: Partnership,
    schools: Iterable[School],
    area: Area | None = None,
    cluster: Cluster | None = None,
    remove_from_cluster: bool = False,
) -> AssignmentResult:
    """Put schools into an area or a cluster (or take them out of their cluster), in one go.

    A school in a cluster is in that cluster's area; moving a school to another area takes it out of a
    cluster that belongs to a different area. Schools already where they should be are not touched.
    """
    targets = sum(bool(x) for x in (area, cluster, remove_from_cluster))
    if targets != 1:
        raise ValidationError("Choose one thing to do: an area, a cluster, or taking schools out of their cluster.")
    _check_same_partnership(partnership, area, cluster)
    schools = list(schools)
    if any(school.partnership_id != partnership.pk for school in schools):
        raise ValidationError("Those schools belong to another partnership.")
    now = timezone.now()
    changed, left_cluster = [], 0
    for school in schools:
        before = (school.area_id, school.cluster_id)
        if cluster is not None:
            school.cluster = cluster
            if cluster.area_id:
                school.area_id = cluster.area_id
        elif area is not None:
            school.area = area
            if school.cluster_id and school.cluster.area_id not in (None, area.pk):
                school.cluster = None
                left_cluster += 1
        else:
            school.cluster = None
        if (school.area_id, school.cluster_id) != before:
            school.updated_at = now
            changed.append(school)
    School.objects.bulk_update(changed, ["area", "cluster", "updated_at"])
    return AssignmentResult(changed=len(changed), unchanged=len(schools) - len(changed), left_cluster=left_cluster)


def _set_holder(*, partnership: Partnership, role: str, place: dict, user: User | None) -> Membership | None:
    """Name who holds the one place of a role (area chair, cluster lead): the previous holder's role ends."""
    current = Membership.objects.select_for_update().filter(role=role, ended_on__isnull=True, **place).first()
    if current is not None and user is not None and current.user_id == user.pk:
        return current
    if current is not None:
        membership_end(membership=current)
    if user is None:
        return None
    if not Membership.objects.filter(user=user, ended_on__isnull=True).exists():
        raise ValidationError({"user": "Choose someone who already has a role in the partnership, or invite them."})
    return membership_create(partnership=partnership, user=user, role=role, **place)


@transaction.atomic
def area_chair_set(*, area: Area, user: User | None) -> Membership | None:
    """Make someone the area's chair (ending the current chair's role), or leave the area without one."""
    return _set_holder(partnership=area.partnership, role=Role.AREA_CHAIR, place={"area": area}, user=user)


@transaction.atomic
def cluster_lead_set(*, cluster: Cluster, user: User | None) -> Membership | None:
    """Make someone the cluster's lead (ending the current lead's role), or leave the cluster without one."""
    return _set_holder(partnership=cluster.partnership, role=Role.CLUSTER_LEAD, place={"cluster": cluster}, user=user)
