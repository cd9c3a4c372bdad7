"""Propose review groups for a peer review cycle: pure Python in, pure Python out (no Django).

    from reviews.grouping import GroupingRules, SchoolForGrouping, propose_groups

    result = propose_groups(
        schools,                      # Sequence[SchoolForGrouping]
        GroupingRules(group_size=3, separate_trusts=True),
        locked_groups=[[101, 102, 103]],   # groups the coordinator keeps as they are
        trust_names={7: "Riverside Academies Trust"},
    )
    result.groups            # ProposedGroup(school_ids, costs, units, total_cost, explanation, locked)
    result.total_cost, result.lower_bound, result.gap, result.status, result.hard_rules_met

Hard rules: every enrolled school in exactly one group; group sizes (GroupingRules.size_range, with
as few groups off `group_size` as possible: `size_plan`); when `separate_trusts`, no two schools
sharing a trust or federation id in one group; locked groups kept exactly (their schools are not
regrouped, their costs still reported). Preferences, weighted (see `reviews.grouping.costs` for the
units): same phase, short distance, not last cycle's partners, a mix of Ofsted outcomes.

When the rules cannot be met, `GroupingInfeasible(reasons)` is raised before any long search, with
one sentence per broken rule (`reviews.grouping.feasibility`). `GroupingTimedOut` (a subclass) means
no grouping was found in time and none was proved impossible.

How the optimum is sought and bounded: `reviews.grouping.solver` (column generation with exact
pricing for a Lagrangian lower bound valid for the full problem; local search from several roundings
of the LP, `reviews.grouping.search`; CP-SAT merging the best groups found).

`check_hard_rules` verifies a grouping from scratch (plain sets, no solver data); the result's
`hard_rules_met` comes from it, and the tests use it too. `describe_group` costs and explains any
group, e.g. one a coordinator made by hand.
"""

from __future__ import annotations

import itertools
import math
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from partnership.common.text import and_join

from .costs import (
    BELOW_GOOD,
    GOOD_OR_BETTER,
    CostModel,
    group_units,
    km_between,
    normalise_outcome,
    normalise_phase,
    weighted,
    were_partners,
)
from .feasibility import (
    describe_sizes,
    first_grouping,
    size_plan,
    trust_capacity_reasons,
    trust_label,
)
from .solver import solve_partition
from .types import (
    RULE_EVERY_SCHOOL_ONCE,
    RULE_GROUP_SIZES,
    RULE_LOCKED_KEPT,
    RULE_TRUSTS_APART,
    GroupingInfeasible,
    GroupingResult,
    GroupingRules,
    ProposedGroup,
    SchoolForGrouping,
)

PREFERENCE_LABELS = {
    "phase": "phase",
    "distance": "distance",
    "repeat_partners": "last cycle's partners",
    "ofsted_mix": "Ofsted mix",
}

BOUND_DESCRIPTION = (
    "Lagrangian lower bound from column generation with exact pricing: no grouping that meets the hard "
    "rules and keeps the locked groups can cost less (valid for the full problem, not only the candidate "
    "groups)"
)


def propose_groups(
    schools: Sequence[SchoolForGrouping],
    rules: GroupingRules | None = None,
    locked_groups: Iterable[Iterable[int]] = (),
    trust_names: Mapping[int, str] | None = None,
) -> GroupingResult:
    """Split `schools` into review groups meeting every hard rule, at the least weighted cost found.

    Raises GroupingInfeasible (with a reason per broken rule) when no grouping can meet the rules,
    ValueError for malformed input (a school id given twice).
    """
    began = time.perf_counter()
    rules = rules or GroupingRules()
    trust_names = dict(trust_names or {})
    schools = list(schools)
    by_id: dict[int, SchoolForGrouping] = {}
    for school in schools:
        if school.id in by_id:
            raise ValueError(f"School id {school.id} is given twice.")
        by_id[school.id] = school
    locked = [tuple(group) for group in locked_groups]

    reasons = _locked_group_reasons(locked, by_id, rules, trust_names)
    in_locked = {school_id for group in locked for school_id in group}
    free = [school for school in schools if school.id not in in_locked]
    plan = size_plan(len(free), rules)
    if plan is None:
        low, high = rules.size_range
        still = "still to group " if locked else ""
        reasons.append(
            f"{len(free)} {'school' if len(free) == 1 else 'schools'} {still}cannot be split into groups of "
            f"{describe_sizes(low, high)}. Allow other group sizes (smaller or larger groups for the "
            "remainder), or enrol or withdraw schools."
        )
    elif rules.separate_trusts:
        reasons += trust_capacity_reasons(free, plan, trust_names, len(schools))
    if reasons:
        raise GroupingInfeasible(reasons)
    assert plan is not None

    locked_described = [describe_group(by_id, group, rules, trust_names, locked=True) for group in locked]
    proposed: list[ProposedGroup] = []
    stats: dict[str, float] = {}
    lower_bound_free = 0.0
    reproducible = True
    if free:
        start = first_grouping(free, plan, rules, trust_names, seconds=0.5 * rules.time_limit_seconds)
        model = CostModel(free, rules.weights, rules.separate_trusts)
        partition = solve_partition(
            model,
            plan,
            start,
            seconds=max(0.5, rules.time_limit_seconds - (time.perf_counter() - began)),
            workers=rules.workers,
            seed=rules.random_seed,
        )
        stats = partition.stats
        lower_bound_free = max(0.0, partition.lower_bound)
        reproducible = partition.reproducible
        for members in partition.groups:
            ids = [free[i].id for i in members]
            proposed.append(describe_group(by_id, ids, rules, trust_names))
        proposed.sort(key=lambda group: group.school_ids)

    cost_free = sum(group.total_cost for group in proposed)
    cost_locked = sum(group.total_cost for group in locked_described)
    # Float sums of the same numbers in another order can differ in the last bits; anything more would
    # be a bug and is left visible (a negative gap) rather than hidden.
    if cost_free < lower_bound_free <= cost_free + 1e-6 * max(1.0, cost_free):
        lower_bound_free = cost_free
    gap = _gap(cost_free, lower_bound_free)
    groups = tuple(locked_described + proposed)
    met = check_hard_rules(schools, [group.school_ids for group in groups], rules, locked)
    status = "optimal" if gap <= 1e-6 else f"feasible, within {gap:.1%} of the lower bound"
    return GroupingResult(
        groups=groups,
        total_cost=cost_locked + cost_free,
        lower_bound=cost_locked + lower_bound_free,
        gap=gap,
        status=status,
        hard_rules_met=met,
        seconds=time.perf_counter() - began,
        size_plan=dict(plan),
        reproducible=reproducible,
        bound_description=BOUND_DESCRIPTION,
        stats=stats,
    )


def _gap(cost: float, bound: float) -> float:
    """(cost - bound) / bound; negative only if the bound were wrong (then it shows)."""
    if abs(cost - bound) <= 1e-9 * max(1.0, abs(cost)):
        return 0.0
    if bound > 0:
        return (cost - bound) / bound
    return math.inf


def _names(members: Sequence[SchoolForGrouping]) -> str:
    return and_join(member.name for member in members)


def _locked_group_reasons(
    locked: Sequence[tuple[int, ...]],
    by_id: Mapping[int, SchoolForGrouping],
    rules: GroupingRules,
    trust_names: Mapping[int, str],
) -> list[str]:
    reasons = []
    first_seen: dict[int, int] = {}
    low, high = rules.size_range
    for number, group in enumerate(locked, start=1):
        unknown = [school_id for school_id in group if school_id not in by_id]
        for school_id in unknown:
            reasons.append(f"Locked group {number} has school {school_id}, which is not enrolled in this cycle.")
        members = [by_id[school_id] for school_id in group if school_id in by_id]
        label = f"Locked group {number} ({_names(members)})" if members else f"Locked group {number}"
        for school_id, count in sorted(Counter(group).items()):
            if count > 1 and school_id in by_id:
                reasons.append(f"{label} lists {by_id[school_id].name} twice.")
        for school_id in dict.fromkeys(group):
            if school_id in first_seen and first_seen[school_id] != number and school_id in by_id:
                reasons.append(
                    f"{by_id[school_id].name} is in two locked groups ({first_seen[school_id]} and {number})."
                )
            first_seen.setdefault(school_id, number)
        size = len(set(group))
        if not low <= size <= high:
            reasons.append(f"{label} has {size} schools; groups must have {describe_sizes(low, high)}.")
        if rules.separate_trusts:
            for a, b in itertools.combinations(dict.fromkeys(members), 2):
                for trust in sorted(a.trust_ids & b.trust_ids):
                    reasons.append(
                        f"{label} breaks the trust rule: {a.name} and {b.name} are both in "
                        f"{trust_label(trust, trust_names)}."
                    )
    return reasons


def describe_group(
    by_id: Mapping[int, SchoolForGrouping],
    school_ids: Iterable[int],
    rules: GroupingRules | None = None,
    trust_names: Mapping[int, str] | None = None,
    *,
    locked: bool = False,
) -> ProposedGroup:
    """Cost and explanation of one group (proposed, locked, or made by hand)."""
    rules = rules or GroupingRules()
    trust_names = trust_names or {}
    ids = tuple(sorted(dict.fromkeys(school_ids)))
    members = [by_id[school_id] for school_id in ids]
    units = group_units(members)
    costs = weighted(units, rules.weights)
    total = sum(costs.values())
    lines = [_phase_line(members), *_distance_lines(members), *_partner_lines(members), _ofsted_line(members)]
    lines += _trust_lines(members, rules, trust_names)
    # The explanation is read by coordinators: plain words only. The weighted figures are kept in `costs` and shown
    # under a details element for those who want them.
    if locked:
        lines.append("Locked by the coordinator")
    return ProposedGroup(
        school_ids=ids, costs=costs, units=units, total_cost=total, explanation=tuple(lines), locked=locked
    )


def _phase_line(members: Sequence[SchoolForGrouping]) -> str:
    shown: dict[str, str] = {}
    counts: Counter[str] = Counter()
    for member in members:
        key = normalise_phase(member.phase)
        shown.setdefault(key, member.phase.strip() or "phase not given")
        counts[key] += 1
    if len(counts) == 1:
        return f"Same phase ({shown[next(iter(counts))]})"
    differing = sum(normalise_phase(a.phase) != normalise_phase(b.phase) for a, b in itertools.combinations(members, 2))
    mix = ", ".join(f"{shown[key]} ({count})" for key, count in sorted(counts.items()))
    return f"Mixed phases: {mix}; {differing} {'pair differs' if differing == 1 else 'pairs differ'}"


def _distance_lines(members: Sequence[SchoolForGrouping]) -> list[str]:
    lines = []
    located = [m for m in members if m.easting is not None and m.northing is not None]
    if len(located) >= 2:
        pairs = [(km_between(a, b) or 0.0, a, b) for a, b in itertools.combinations(located, 2)]
        longest, a, b = max(pairs, key=lambda item: item[0])
        total = sum(item[0] for item in pairs)
        lines.append(f"Longest distance {longest:.1f} km ({a.name} - {b.name}); {total:.1f} km over all pairs")
    unknown = [m for m in members if m not in located]
    if unknown:
        verb = "has" if len(unknown) == 1 else "have"
        lines.append(f"{_names(unknown)} {verb} no known location: distances to it are not counted")
    return lines


def _partner_lines(members: Sequence[SchoolForGrouping]) -> list[str]:
    lines = [
        f"{a.name} and {b.name} were partners last cycle"
        for a, b in itertools.combinations(members, 2)
        if were_partners(a, b)
    ]
    return lines or ["No two members were partners last cycle"]


def _ofsted_line(members: Sequence[SchoolForGrouping]) -> str:
    words = ", ".join(member.ofsted.strip() or "not rated" for member in members)
    outcomes = [normalise_outcome(member.ofsted) for member in members]
    weaker = sum(outcome in BELOW_GOOD for outcome in outcomes)
    stronger = any(outcome in GOOD_OR_BETTER for outcome in outcomes)
    notes = []
    if weaker >= 2:
        notes.append(f"{weaker} schools rated below Good together")
    if weaker and not stronger:
        notes.append("no school rated Good or better")
    if weaker == 1 and stronger:
        notes.append("stronger and weaker schools together")
    return f"Ofsted mix: {words}" + (f" ({'; '.join(notes)})" if notes else "")


def _trust_lines(
    members: Sequence[SchoolForGrouping], rules: GroupingRules, trust_names: Mapping[int, str]
) -> list[str]:
    shared = [
        f"{a.name} and {b.name} are both in {trust_label(trust, trust_names)}"
        for a, b in itertools.combinations(members, 2)
        for trust in sorted(a.trust_ids & b.trust_ids)
    ]
    if not shared:
        return ["No two members share a trust or federation"] if rules.separate_trusts else []
    suffix = " (breaks the trust rule)" if rules.separate_trusts else " (allowed: this cycle does not separate trusts)"
    return [line + suffix for line in shared]


def hard_rule_problems(
    schools: Sequence[SchoolForGrouping],
    groups: Iterable[Iterable[int]],
    rules: GroupingRules | None = None,
    locked_groups: Iterable[Iterable[int]] = (),
) -> dict[str, list[str]]:
    """Every hard rule, with the problems found (an empty list: the rule is met). Plain sets and counts,
    independent of the solver: the tests and the proposer's `hard_rules_met` rely on it."""
    rules = rules or GroupingRules()
    groups = [tuple(group) for group in groups]
    locked = [frozenset(group) for group in locked_groups]
    by_id = {school.id: school for school in schools}
    problems: dict[str, list[str]] = {RULE_EVERY_SCHOOL_ONCE: [], RULE_GROUP_SIZES: []}

    seen = Counter(school_id for group in groups for school_id in group)
    for school_id in sorted(by_id):
        if seen[school_id] != 1:
            problems[RULE_EVERY_SCHOOL_ONCE].append(f"{by_id[school_id].name} is in {seen[school_id]} groups")
    for school_id in sorted(set(seen) - set(by_id)):
        problems[RULE_EVERY_SCHOOL_ONCE].append(f"school {school_id} is grouped but not enrolled")

    low, high = rules.size_range
    for group in groups:
        if not low <= len(group) <= high:
            problems[RULE_GROUP_SIZES].append(f"a group has {len(group)} schools, outside {low}-{high}")
    free_groups = [group for group in groups if frozenset(group) not in locked]
    expected = size_plan(sum(len(group) for group in free_groups), rules)
    actual = dict(sorted(Counter(len(group) for group in free_groups).items()))
    if expected is not None and actual != expected:
        problems[RULE_GROUP_SIZES].append(f"group sizes {actual}, where the size plan is {expected}")

    if rules.separate_trusts:
        problems[RULE_TRUSTS_APART] = []
        for group in groups:
            members = [by_id[school_id] for school_id in group if school_id in by_id]
            for a, b in itertools.combinations(members, 2):
                if a.trust_ids & b.trust_ids:
                    problems[RULE_TRUSTS_APART].append(f"{a.name} and {b.name} share a trust or federation")
    if locked:
        problems[RULE_LOCKED_KEPT] = []
        as_sets = Counter(frozenset(group) for group in groups)
        for group in locked:
            if as_sets[group] != 1:
                problems[RULE_LOCKED_KEPT].append(f"locked group {sorted(group)} is not kept as it was")
    return problems


def check_hard_rules(
    schools: Sequence[SchoolForGrouping],
    groups: Iterable[Iterable[int]],
    rules: GroupingRules | None = None,
    locked_groups: Iterable[Iterable[int]] = (),
) -> dict[str, bool]:
    """{rule: met?} for every hard rule that applies (the trust rule only when the cycle has it, the
    locked rule only when there are locked groups)."""
    return {rule: not found for rule, found in hard_rule_problems(schools, groups, rules, locked_groups).items()}
