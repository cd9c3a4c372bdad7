"""The home page sections about a person's own roles (partnership/tenancy/portal.py declares them)."""

from typing import Any

from django.db.models import Count

from partnership.accounts.models import User

from .models import Membership, Partnership
from .roles import Role


def school_home_context(user: User, partnership: Partnership, memberships: list[Membership]) -> dict[str, Any]:
    school_roles = [m for m in memberships if m.school_id and m.role != Role.GOVERNOR]
    school_ids = {m.school_id for m in school_roles}
    people = dict(
        Membership.objects.filter(school_id__in=school_ids, ended_on__isnull=True)
        .values_list("school_id")
        .annotate(n=Count("user", distinct=True))
        .order_by()
    )
    return {"school_roles": [(m, people.get(m.school_id, 0)) for m in school_roles]}


def governor_home_context(user: User, partnership: Partnership, memberships: list[Membership]) -> dict[str, Any]:
    return {"governed": [m for m in memberships if m.role == Role.GOVERNOR]}
