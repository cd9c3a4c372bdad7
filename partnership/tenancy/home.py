"""The sections of a person's home page. Each app adds the sections its features need.

A section applies to some roles; a person holding several roles sees every section that applies,
in the order listed here.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q

from partnership.accounts.models import User
from partnership.accounts.selectors import pending_invitation_count
from partnership.dashboards.home import board_home_context
from reviews.home import reviews_home_context
from reviews.selectors.cycles import coordinator_cycle_home
from reviews.selectors.scheduling import attention_home_context
from schools.models import Area, School

from .models import Membership, Partnership
from .roles import Role
from .selectors import active_memberships, people_counts_by_role


@dataclass(frozen=True)
class HomeSection:
    template: str
    roles: frozenset[str]
    context: Callable[[User, Partnership, list[Membership]], dict[str, Any]]


def _coordinator_context(user, partnership, memberships):
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


def _school_context(user, partnership, memberships):
    school_roles = [m for m in memberships if m.school_id and m.role != Role.GOVERNOR]
    school_ids = {m.school_id for m in school_roles}
    people = dict(
        Membership.objects.filter(school_id__in=school_ids, ended_on__isnull=True)
        .values_list("school_id")
        .annotate(n=Count("user", distinct=True))
        .order_by()
    )
    return {"school_roles": [(m, people.get(m.school_id, 0)) for m in school_roles]}


def _governor_context(user, partnership, memberships):
    return {"governed": [m for m in memberships if m.role == Role.GOVERNOR]}


def _area_chair_context(user, partnership, memberships):
    area_ids = [m.area_id for m in memberships if m.role == Role.AREA_CHAIR]
    return {"chaired_areas": Area.objects.filter(pk__in=area_ids).prefetch_related("schools")}


def _cluster_lead_context(user, partnership, memberships):
    from schools.models import Cluster

    cluster_ids = [m.cluster_id for m in memberships if m.role == Role.CLUSTER_LEAD]
    return {"led_clusters": Cluster.objects.filter(pk__in=cluster_ids).prefetch_related("schools")}


SECTIONS: list[HomeSection] = [
    HomeSection("reviews/scheduling/home_attention.html", frozenset(Role.values), attention_home_context),
    HomeSection("tenancy/home/coordinator.html", frozenset({Role.COORDINATOR}), _coordinator_context),
    HomeSection("reviews/home/cycles.html", frozenset({Role.COORDINATOR}), coordinator_cycle_home),
    HomeSection(
        "tenancy/home/school.html", frozenset({Role.HEADTEACHER, Role.SENIOR_LEADER, Role.STAFF}), _school_context
    ),
    HomeSection(
        "reviews/home/reviews.html",
        frozenset({Role.HEADTEACHER, Role.SENIOR_LEADER, Role.STAFF, Role.AREA_CHAIR, Role.CLUSTER_LEAD}),
        reviews_home_context,
    ),
    HomeSection("tenancy/home/governor.html", frozenset({Role.GOVERNOR}), _governor_context),
    HomeSection("tenancy/home/area_chair.html", frozenset({Role.AREA_CHAIR}), _area_chair_context),
    HomeSection("tenancy/home/cluster_lead.html", frozenset({Role.CLUSTER_LEAD}), _cluster_lead_context),
    HomeSection("tenancy/home/board.html", frozenset({Role.BOARD_MEMBER}), board_home_context),
]


def home_sections(user: User, partnership: Partnership) -> list[tuple[str, dict[str, Any]]]:
    memberships = active_memberships(user, partnership)
    roles = {m.role for m in memberships}
    return [
        (section.template, section.context(user, partnership, memberships))
        for section in SECTIONS
        if not section.roles.isdisjoint(roles)
    ]
