from django.db.models import Count, QuerySet

from partnership.accounts.models import User

from .models import Membership, Partnership
from .roles import Role
from .scoping import cross_tenant, partnership_scope


def active_memberships(user: User, partnership: Partnership) -> list[Membership]:
    """The user's current roles in the partnership, loaded once per user object (so once per request)."""
    if not user.is_authenticated:
        return []
    cache: dict[int, list[Membership]] = user.__dict__.setdefault("_active_memberships", {})
    if partnership.pk not in cache:
        with partnership_scope(partnership):
            cache[partnership.pk] = list(
                Membership.objects.filter(user=user, ended_on__isnull=True).select_related("school", "area", "cluster")
            )
    return cache[partnership.pk]


def partnerships_of(user: User) -> list[Partnership]:
    """Every partnership in which the user holds a current role: the portal's chooser page."""
    with cross_tenant("the portal address lists a person's partnerships across tenants"):
        ids = Membership.objects.filter(user=user, ended_on__isnull=True).values_list("partnership_id", flat=True)
        return list(Partnership.objects.filter(pk__in=ids).order_by("name"))


def people_counts_by_role(partnership: Partnership) -> dict[str, int]:
    rows = (
        Membership.objects.filter(ended_on__isnull=True)
        .values("role")
        .annotate(people=Count("user", distinct=True))
        .order_by()
    )
    counts = dict.fromkeys(Role.values, 0)
    counts.update({row["role"]: row["people"] for row in rows})
    return counts


def memberships_list(
    *, role: str | None = None, school_id: int | None = None, ended: bool = False
) -> QuerySet[Membership]:
    """Current roles, or (ended=True) the history of roles that have ended, most recently ended first."""
    memberships = (
        Membership.objects.filter(ended_on__isnull=not ended)
        .select_related("user", "school", "area", "cluster", "partnership")
        .order_by(*(("-ended_on",) if ended else ()), "user__last_name", "user__first_name", "role")
    )
    if role:
        memberships = memberships.filter(role=role)
    if school_id:
        memberships = memberships.filter(school_id=school_id)
    return memberships
