"""Reads for review groups and teams: whether the groups may be published, who would review whom, the trust rule,
and who may join a review team (reviews/services/groups.py writes them)."""

import datetime
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from partnership.accounts.models import User
from partnership.tenancy.models import Membership
from partnership.tenancy.roles import Role
from schools.models import School, Trust

from ..models import Cycle, Enrolment, Review, ReviewGroup

MAX_GROUP_SIZE = 5
MIN_PUBLISHED_GROUP_SIZE = 2
REVIEWER_ROLES = (Role.HEADTEACHER, Role.SENIOR_LEADER, Role.STAFF)


def trust_ids(school: School) -> set[int]:
    return {i for i in (school.trust_id, school.federation_id) if i is not None}


def _trust_names(ids: Iterable[int]) -> dict[int, str]:
    return dict(Trust.objects.filter(pk__in=set(ids)).values_list("pk", "name"))


def trust_clash(school: School, others: Iterable[School]) -> str | None:
    """A sentence naming the first school of `others` that shares a trust or federation with `school`."""
    mine = trust_ids(school)
    for other in others:
        shared = mine & trust_ids(other)
        if shared and other.pk != school.pk:
            name = _trust_names(shared).get(min(shared), "the same trust")
            return f"{school.name} and {other.name} are both in {name}"
    return None


def fingerprint_of(enrolled: Iterable[int], locked: dict[int, tuple[int, ...]]) -> str:
    text = repr((sorted(enrolled), sorted((gid, tuple(sorted(ids))) for gid, ids in locked.items())))
    return hashlib.sha256(text.encode()).hexdigest()


def publish_problems(cycle: Cycle) -> list[str]:
    """Why the groups cannot be published yet (an empty list when they can)."""
    if cycle.groups_published_at is not None:
        return [f"The groups were already published on {timezone.localtime(cycle.groups_published_at):%d %B %Y}."]
    problems = []
    groups = list(ReviewGroup.objects.filter(cycle=cycle).prefetch_related("members__school"))
    if not groups:
        return ["There are no review groups yet: propose groups or make them by hand."]
    grouped = {m.school_id for g in groups for m in g.members.all()}
    ungrouped = list(
        Enrolment.objects.filter(cycle=cycle)
        .exclude(school_id__in=grouped)
        .select_related("school")
        .order_by("school__name")
    )
    if ungrouped:
        names = ", ".join(e.school.name for e in ungrouped[:10]) + (" and others" if len(ungrouped) > 10 else "")
        problems.append(
            f"{len(ungrouped)} enrolled school{'s are' if len(ungrouped) != 1 else ' is'} not in a group: {names}."
        )
    for group in groups:
        members = [m.school for m in group.members.all()]
        if not MIN_PUBLISHED_GROUP_SIZE <= len(members) <= MAX_GROUP_SIZE:
            problems.append(
                f"{group} has {len(members)} school{'s' if len(members) != 1 else ''}; a group needs "
                f"{MIN_PUBLISHED_GROUP_SIZE} to {MAX_GROUP_SIZE}."
            )
        if cycle.separate_trusts:
            for index, school in enumerate(members):
                if clash := trust_clash(school, members[index + 1 :]):
                    problems.append(f"In {group}, {clash}; this cycle keeps trusts and federations apart.")
                    break
    return problems


@dataclass
class PlannedReview:
    group: ReviewGroup
    reviewed: School
    reviewing: School
    leads: list[Membership]
    senior_leaders: list[Membership]


def planned_reviews(cycle: Cycle) -> list[PlannedReview]:
    """Who reviews whom when the groups are published: each school reviews the next in its group (the last
    reviews the first), so in a pair the two review each other."""
    groups = list(ReviewGroup.objects.filter(cycle=cycle).prefetch_related("members__school"))
    school_ids = {m.school_id for g in groups for m in g.members.all()}
    people = defaultdict(list)
    for membership in (
        Membership.objects.filter(
            school_id__in=school_ids, role__in=(Role.HEADTEACHER, Role.SENIOR_LEADER), ended_on__isnull=True
        )
        .select_related("user")
        .order_by("started_on", "pk")
    ):
        people[(membership.school_id, membership.role)].append(membership)
    planned = []
    for group in groups:
        members = [m.school for m in sorted(group.members.all(), key=lambda m: (m.position, m.pk))]
        for index, reviewed in enumerate(members):
            if len(members) < 2:
                continue
            reviewing = members[index - 1]
            planned.append(
                PlannedReview(
                    group=group,
                    reviewed=reviewed,
                    reviewing=reviewing,
                    leads=people[(reviewing.pk, Role.HEADTEACHER)],
                    senior_leaders=people[(reviewing.pk, Role.SENIOR_LEADER)],
                )
            )
    return planned


def training_reference_date(review: Review) -> datetime.date:
    """A reviewer must be trained on or before the visit: its first agreed day, or, before dates are agreed,
    the first day of the cycle's visit window."""
    first = review.visit_days.order_by("date").values_list("date", flat=True).first()
    return first or review.cycle.visit_window_starts_on


def reviewer_places(user: User) -> list[Membership]:
    """The schools where a person may be drawn from as a reviewer (headteacher, senior leader or staff)."""
    return list(
        Membership.objects.filter(user=user, role__in=REVIEWER_ROLES, ended_on__isnull=True, school__isnull=False)
        .select_related("school")
        .order_by("started_on", "pk")
    )


def reviewer_conflict(review: Review, places: list[Membership]) -> str | None:
    """Why a person with these school roles cannot review this school, or None."""
    if not places:
        return "is not a headteacher, senior leader or member of staff at a school in the partnership"
    reviewed = review.school
    for place in places:
        if place.school_id == reviewed.pk:
            return f"works at {reviewed.name}, the school being reviewed"
        if review.cycle.separate_trusts and (shared := trust_ids(place.school) & trust_ids(reviewed)):
            trust = _trust_names(shared).get(min(shared), "the same trust")
            return f"works at {place.school.name}, which is in {trust} with {reviewed.name}"
    return None
