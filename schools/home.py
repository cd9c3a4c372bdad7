"""What the schools app adds to a person's home page (schools/portal.py declares the sections)."""

from typing import Any

from django.db.models import Count, Q

from partnership.accounts.models import User
from partnership.accounts.selectors import pending_invitation_count
from partnership.tenancy.models import Membership, Partnership
from partnership.tenancy.roles import Role
from partnership.tenancy.selectors import people_counts_by_role

from .models import Area, Cluster, School


def coordinator_home_context(user: User, partnership: Partnership, memberships: list[Membership]) -> dict[str, Any]:
    schools = School.objects.aggregate(
        total=Count("pk"),
        open=Count("pk", filter=~Q(status=School.Status.CLOSED)),
        without_area=Count("pk", filter=Q(area__isnull=True) & ~Q(status=School.Status.CLOSED)),
    )
    return {
        "schools": schools,
        "people_by_role": people_counts_by_role(partnership),
        "pending_invitations": pending_invitation_count(),
    }


def area_chair_home_context(user: User, partnership: Partnership, memberships: list[Membership]) -> dict[str, Any]:
    area_ids = [m.area_id for m in memberships if m.role == Role.AREA_CHAIR]
    return {"chaired_areas": Area.objects.filter(pk__in=area_ids).prefetch_related("schools")}


def cluster_lead_home_context(user: User, partnership: Partnership, memberships: list[Membership]) -> dict[str, Any]:
    cluster_ids = [m.cluster_id for m in memberships if m.role == Role.CLUSTER_LEAD]
    return {"led_clusters": Cluster.objects.filter(pk__in=cluster_ids).prefetch_related("schools")}
