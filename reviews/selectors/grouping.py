"""What the grouping solver (reviews/grouping/, pure Python) is given for a cycle, and how its answer is kept.

School -> SchoolForGrouping: phase, trust and federation ids (Trust rows: one id space for both), easting and
northing, the Ofsted outcome, and last cycle's partners (the schools it shared a group with in the previous
cycle).
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from schools.models import School, Trust

from ..grouping import (
    PREFERENCE_UNITS,
    PREFERENCES,
    GroupingRules,
    ProposedGroup,
    SchoolForGrouping,
    describe_group,
)
from ..models import Cycle, Enrolment, ReviewGroup, ReviewGroupMember
from .cycles import previous_cycle
from .groups import fingerprint_of

PREFERENCE_LABELS = {
    "phase": "Same phase",
    "distance": "Short distance",
    "repeat_partners": "Not last cycle's partners",
    "ofsted_mix": "A mix of Ofsted outcomes",
}


@dataclass
class GroupingInputs:
    schools: list[SchoolForGrouping]
    locked: dict[int, tuple[int, ...]]  # locked group id -> its school ids
    trust_names: dict[int, str]
    fingerprint: str


def rules_for(cycle: Cycle) -> GroupingRules:
    return GroupingRules(group_size=cycle.group_size, separate_trusts=cycle.separate_trusts)


def last_partners(cycle: Cycle) -> dict[int, frozenset[int]]:
    """For each school, the schools it shared a review group with in the previous cycle."""
    previous = previous_cycle(cycle)
    if previous is None:
        return {}
    groups: dict[int, set[int]] = defaultdict(set)
    for group_id, school_id in ReviewGroupMember.objects.filter(cycle=previous).values_list("group_id", "school_id"):
        groups[group_id].add(school_id)
    partners: dict[int, set[int]] = defaultdict(set)
    for members in groups.values():
        for school_id in members:
            partners[school_id] |= members - {school_id}
    return {school_id: frozenset(ids) for school_id, ids in partners.items()}


def for_grouping(school: School, partners: dict[int, frozenset[int]]) -> SchoolForGrouping:
    return SchoolForGrouping(
        id=school.pk,
        name=school.name,
        phase=school.phase,
        trust_ids=frozenset(i for i in (school.trust_id, school.federation_id) if i is not None),
        easting=school.easting,
        northing=school.northing,
        ofsted=school.ofsted_rating or "",
        last_partners=partners.get(school.pk, frozenset()),
    )


FIELDS = ("pk", "name", "phase", "trust_id", "federation_id", "easting", "northing", "ofsted_rating")


def grouping_inputs(cycle: Cycle) -> GroupingInputs:

    partners = last_partners(cycle)
    schools = [
        for_grouping(school, partners)
        for school in School.objects.filter(enrolments__cycle=cycle).only(*FIELDS).order_by("name", "pk")
    ]
    locked: dict[int, list[int]] = defaultdict(list)
    for group_id, school_id in (
        ReviewGroupMember.objects.filter(cycle=cycle, group__locked=True)
        .order_by("group__number", "position")
        .values_list("group_id", "school_id")
    ):
        locked[group_id].append(school_id)
    enrolled = set(Enrolment.objects.filter(cycle=cycle).values_list("school_id", flat=True))
    trust_ids = {i for s in schools for i in s.trust_ids}
    return GroupingInputs(
        schools=schools,
        locked={group_id: tuple(ids) for group_id, ids in locked.items()},
        trust_names=dict(Trust.objects.filter(pk__in=trust_ids).values_list("pk", "name")),
        fingerprint=fingerprint_of(enrolled, {g: tuple(ids) for g, ids in locked.items()}),
    )


def stored_costs(proposed: ProposedGroup) -> dict:
    """What a group keeps of the solver's costing: each preference's amount and cost, and the total."""
    return {
        "total": round(proposed.total_cost, 2),
        "preferences": [
            {
                "key": key,
                "label": PREFERENCE_LABELS.get(key, key),
                "amount": round(proposed.units.get(key, 0.0), 2),
                "unit": PREFERENCE_UNITS.get(key, ""),
                "cost": round(proposed.costs.get(key, 0.0), 2),
            }
            for key in PREFERENCES
        ],
    }


def describe_groups(cycle: Cycle, groups: Iterable[ReviewGroup]) -> dict[int, tuple[dict, list[str]]]:
    """Cost and explain groups as they stand (e.g. after a change by hand): group id -> (costs, explanation)."""
    groups = list(groups)
    members: dict[int, list[int]] = defaultdict(list)
    for group_id, school_id in (
        ReviewGroupMember.objects.filter(group__in=groups).order_by("position").values_list("group_id", "school_id")
    ):
        members[group_id].append(school_id)
    partners = last_partners(cycle)
    school_ids = {i for ids in members.values() for i in ids}
    by_id = {
        school.pk: for_grouping(school, partners) for school in School.objects.filter(pk__in=school_ids).only(*FIELDS)
    }
    trust_ids = {i for s in by_id.values() for i in s.trust_ids}
    trust_names = dict(Trust.objects.filter(pk__in=trust_ids).values_list("pk", "name"))
    rules = rules_for(cycle)
    described = {}
    for group in groups:
        ids = members.get(group.pk, [])
        if not ids:
            described[group.pk] = ({}, [])
            continue
        proposed = describe_group(by_id, ids, rules, trust_names, locked=group.locked)
        described[group.pk] = (stored_costs(proposed), list(proposed.explanation))
    return described
