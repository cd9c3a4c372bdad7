"""Reads of the schools registry: the directory, a school's profile, areas and clusters, imports."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Replace, Upper
from django.utils import timezone

from partnership.accounts.models import User
from partnership.tenancy.models import Membership, Partnership
from partnership.tenancy.roles import Role

from .models import Area, Cluster, ImportRun, School, SchoolChange, Trust

NO_PLACE = "none"
"""The filter value for schools that are in no area, cluster or trust."""

SORTS = {
    "name": ("name", "urn"),
    "-name": ("-name", "-urn"),
    "urn": ("urn",),
    "town": ("town", "name"),
    "phase": ("phase", "name"),
    "pupils": (F("pupils").desc(nulls_last=True), "name"),
    "area": (F("area__name").asc(nulls_last=True), "name"),
    "cluster": (F("cluster__name").asc(nulls_last=True), "name"),
}
STATUS_FILTERS = {
    "": Q(~Q(status=School.Status.CLOSED)),
    "all": Q(),
    **{value: Q(status=value) for value in School.Status.values},
}

PREVIEW_VALID_FOR = datetime.timedelta(hours=24)


@dataclass(frozen=True)
class DirectoryFilters:
    q: str = ""
    phase: str = ""
    area: str = ""
    cluster: str = ""
    trust: str = ""
    status: str = ""
    la: str = ""
    sort: str = "name"


def _place_filter(name: str, value: str) -> Q:
    if not value:
        return Q()
    if value == NO_PLACE:
        return Q(**{f"{name}__isnull": True})
    return Q(**{f"{name}_id": int(value)})


def schools_directory(filters: DirectoryFilters) -> QuerySet[School]:
    """The partnership's schools, searched, filtered and sorted; one query, whatever the number of schools."""
    schools = School.objects.select_related("area", "cluster", "trust", "federation")
    query = filters.q.strip()
    if query:
        compact = query.upper().replace(" ", "")
        match = Q(name__icontains=query) | Q(town__icontains=query) | Q(postcode_compact__contains=compact)
        if query.isdigit():
            match |= Q(urn=int(query))
        schools = schools.annotate(postcode_compact=Replace(Upper("postcode"), Value(" "), Value(""))).filter(match)
    if filters.phase:
        schools = schools.filter(phase=filters.phase)
    if filters.la:
        schools = schools.filter(la_code=filters.la)
    schools = schools.filter(
        STATUS_FILTERS[filters.status],
        _place_filter("area", filters.area),
        _place_filter("cluster", filters.cluster),
    )
    if filters.trust == NO_PLACE:
        schools = schools.filter(trust__isnull=True, federation__isnull=True)
    elif filters.trust:
        schools = schools.filter(Q(trust_id=int(filters.trust)) | Q(federation_id=int(filters.trust)))
    return schools.order_by(*SORTS.get(filters.sort, SORTS["name"]))


def filter_choices() -> dict[str, list[tuple[str, str]]]:
    """Areas, clusters, trusts and local authorities for the directory's filters: four queries."""
    return {
        "area": [(str(pk), name) for pk, name in Area.objects.order_by("name").values_list("pk", "name")],
        "cluster": [(str(pk), name) for pk, name in Cluster.objects.order_by("name").values_list("pk", "name")],
        "trust": [
            (str(pk), f"{name} ({Trust.Kind(kind).label.lower()})")
            for pk, name, kind in Trust.objects.filter(Q(schools__isnull=False) | Q(federated_schools__isnull=False))
            .distinct()
            .order_by("name")
            .values_list("pk", "name", "kind")
        ],
        "la": [
            (code, f"{code} {name}".strip())
            for code, name in School.objects.exclude(la_code="")
            .order_by("la_code", "la_name")
            .distinct("la_code")
            .values_list("la_code", "la_name")
        ],
    }


def school_for_profile(urn: int) -> School | None:
    return (
        School.objects.select_related("area", "cluster", "cluster__area", "trust", "federation", "partnership")
        .filter(urn=urn)
        .first()
    )


LEADERSHIP_ORDER = [Role.HEADTEACHER, Role.SENIOR_LEADER, Role.GOVERNOR, Role.STAFF]


@dataclass
class SchoolPeople:
    """The people of one school in the portal, leadership first; and who chairs its area and leads its cluster."""

    current: list[Membership] = field(default_factory=list)
    ended: list[Membership] = field(default_factory=list)
    area_chair: Membership | None = None
    cluster_lead: Membership | None = None

    def with_role(self, *roles: str) -> list[Membership]:
        return [m for m in self.current if m.role in roles]

    @property
    def leadership(self) -> list[Membership]:
        return self.with_role(Role.HEADTEACHER, Role.SENIOR_LEADER, Role.GOVERNOR)

    @property
    def chair_of_governors(self) -> Membership | None:
        return next((m for m in self.current if m.is_chair_of_governors), None)


def school_people(school: School) -> SchoolPeople:
    """One query: every role held at the school (current and ended), its area's chair and its cluster's lead."""
    places = Q(school=school)
    if school.area_id:
        places |= Q(role=Role.AREA_CHAIR, area_id=school.area_id, ended_on__isnull=True)
    if school.cluster_id:
        places |= Q(role=Role.CLUSTER_LEAD, cluster_id=school.cluster_id, ended_on__isnull=True)
    people = SchoolPeople()
    rank = {role: position for position, role in enumerate(LEADERSHIP_ORDER)}
    memberships = Membership.objects.filter(places).select_related("user", "partnership")
    for membership in sorted(
        memberships,
        key=lambda m: (
            rank.get(m.role, 9),
            not m.is_chair_of_governors,
            m.user.last_name.lower(),
            m.user.first_name.lower(),
        ),
    ):
        if membership.role == Role.AREA_CHAIR:
            people.area_chair = membership
        elif membership.role == Role.CLUSTER_LEAD:
            people.cluster_lead = membership
        elif membership.ended_on is None:
            people.current.append(membership)
        else:
            people.ended.append(membership)
    people.ended.sort(key=lambda m: m.ended_on, reverse=True)
    return people


def school_history(school: School, limit: int = 20) -> list[SchoolChange]:
    return list(
        SchoolChange.objects.filter(school=school)
        .select_related("import_run", "import_run__applied_by")
        .order_by("-import_run__applied_at", "-pk")[:limit]
    )


def areas_overview() -> list[Area]:
    """Areas with their clusters, chairs and numbers of open schools: three queries."""
    open_schools = Count("schools", filter=~Q(schools__status=School.Status.CLOSED), distinct=True)
    chairs = Membership.objects.filter(role=Role.AREA_CHAIR, ended_on__isnull=True).select_related("user")
    return list(
        Area.objects.annotate(open_schools=open_schools)
        .prefetch_related(Prefetch("memberships", queryset=chairs, to_attr="chairs"), "clusters")
        .order_by("name")
    )


def clusters_overview() -> list[Cluster]:
    open_schools = Count("schools", filter=~Q(schools__status=School.Status.CLOSED), distinct=True)
    leads = Membership.objects.filter(role=Role.CLUSTER_LEAD, ended_on__isnull=True).select_related("user")
    return list(
        Cluster.objects.annotate(open_schools=open_schools)
        .select_related("area")
        .prefetch_related(Prefetch("memberships", queryset=leads, to_attr="leads"))
        .order_by("name")
    )


def unplaced_counts() -> dict[str, int]:
    return School.objects.current().aggregate(
        without_area=Count("pk", filter=Q(area__isnull=True)),
        without_cluster=Count("pk", filter=Q(cluster__isnull=True)),
    )


def current_holder(*, role: str, area: Area | None = None, cluster: Cluster | None = None) -> Membership | None:
    place = {"area": area} if area is not None else {"cluster": cluster}
    return Membership.objects.filter(role=role, ended_on__isnull=True, **place).select_related("user").first()


def people_in_partnership(partnership: Partnership) -> QuerySet[User]:
    """Everyone holding a current role: the people a coordinator can name as a chair or lead."""
    return (
        User.objects.filter(memberships__partnership=partnership, memberships__ended_on__isnull=True)
        .distinct()
        .order_by("last_name", "first_name", "email")
    )


def import_runs(limit: int = 20) -> list[ImportRun]:
    return list(ImportRun.objects.select_related("created_by", "applied_by").order_by("-created_at")[:limit])


def last_applied_import() -> ImportRun | None:
    return ImportRun.objects.filter(status=ImportRun.Status.APPLIED).order_by("-applied_at").first()


def import_run_is_expired(run: ImportRun) -> bool:
    return run.status == ImportRun.Status.PREVIEWED and timezone.now() - run.created_at > PREVIEW_VALID_FOR


def import_run_not_applicable_reason(run: ImportRun) -> str | None:
    """Why a run can no longer be applied, in words for the person looking at it; None while it can be."""
    if run.status == ImportRun.Status.APPLIED:
        who = f" by {run.applied_by}" if run.applied_by else ""
        when = timezone.localtime(run.applied_at)
        return f"This import was already applied{who} on {when.day} {when:%B %Y at %H:%M}."
    if run.status == ImportRun.Status.SUPERSEDED:
        return "A newer file was uploaded after this one, so this preview can no longer be applied."
    if run.status == ImportRun.Status.DISCARDED:
        return "This import was discarded. Upload the file again to import it."
    if import_run_is_expired(run):
        return "This preview is more than a day old. Upload the file again to see what it would change today."
    if not run.file:
        return "The uploaded file is no longer kept. Upload it again."
    return None
