"""Group sizes, and whether the hard rules can be met at all, said in words.

Three layers, cheapest first, so that an impossible request is explained instead of timing out:

1. `size_plan`: how many groups of each size (pure arithmetic; "2 schools cannot be split into
   groups of 3-4").
2. `trust_capacity_reasons`: counting (pigeonhole). A group holds at most one school of each trust,
   so a trust with more schools than there are groups cannot be separated; more generally k trusts
   together can place at most min(size, k) schools in each group. For trusts that share no school this
   is exactly Gale-Ryser's condition, so when every school has at most one trust/federation these
   checks are both necessary and sufficient.
3. `first_grouping`: a constructive grouping (largest trusts first, each school into the roomiest group
   without a school of its trusts: the Gale-Ryser construction, which cannot fail when 2 passed and
   trusts are disjoint). If it fails (a school in both a trust and a federation), a small CP-SAT model
   with one assumption literal per trust decides; when it is infeasible its sufficient assumptions name
   the trusts that cannot all be kept apart.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

from ortools.sat.python import cp_model

from partnership.common.text import and_join

from .types import MAX_GROUP_SIZE, GroupingInfeasible, GroupingRules, SchoolForGrouping


class GroupingTimedOut(GroupingInfeasible):
    """No grouping was found in the time allowed, but none was proved impossible either."""


def size_plan(count: int, rules: GroupingRules) -> dict[int, int] | None:
    """{size: number of groups} splitting `count` schools, or None when the size range cannot.

    Among the splits into sizes rules.size_range, pick the one with (first) the fewest groups on the
    side `rules.remainder` does not ask for, then the smallest total difference from group_size, then
    the fewest groups of another size. E.g. triads: 10 -> {3: 2, 4: 1} ("larger") or {2: 2, 3: 2}
    ("smaller"); 11 -> {3: 1, 4: 2} or {2: 1, 3: 3}; 600 -> {3: 200}.
    """
    if count == 0:
        return {}
    low, high = rules.size_range
    size = rules.group_size
    prefer_larger = rules.remainder == "larger"
    others = [s for s in range(low, high + 1) if s != size]
    best: tuple[tuple[int, int, int], dict[int, int]] | None = None
    limit = 2 * MAX_GROUP_SIZE
    for combo in itertools.product(*(range(min(count // s, limit) + 1) for s in others)):
        rest = count - sum(s * c for s, c in zip(others, combo, strict=True))
        if rest < 0 or rest % size:
            continue
        wrong_side = sum(c for s, c in zip(others, combo, strict=True) if (s < size) == prefer_larger)
        deviation = sum(abs(s - size) * c for s, c in zip(others, combo, strict=True))
        key = (wrong_side, deviation, sum(combo))
        if best is None or key < best[0]:
            plan = {size: rest // size, **dict(zip(others, combo, strict=True))}
            best = (key, {s: c for s, c in sorted(plan.items()) if c})
    return None if best is None else best[1]


def describe_sizes(low: int, high: int) -> str:
    return f"{low}" if low == high else f"{low}-{high}"


def describe_plan(plan: Mapping[int, int]) -> str:
    """E.g. "groups of 3" or "groups of 3 (2) and 4 (1)"."""
    if len(plan) == 1:
        return f"groups of {next(iter(plan))}"
    parts = [f"{size} ({count})" for size, count in sorted(plan.items())]
    return "groups of " + and_join(parts)


def trust_label(trust_id: int, trust_names: Mapping[int, str]) -> str:
    name = trust_names.get(trust_id)
    return f"'{name}'" if name else f"trust or federation {trust_id}"


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def trust_capacity_reasons(
    schools: Sequence[SchoolForGrouping],
    plan: Mapping[int, int],
    trust_names: Mapping[int, str],
    total_enrolled: int,
) -> list[str]:
    """Counting reasons why the trust rule cannot be met with these group sizes (empty: none found)."""
    members: dict[int, set[int]] = {}
    for school in schools:
        for trust in school.trust_ids:
            members.setdefault(trust, set()).add(school.id)
    classes = sorted(members.items(), key=lambda item: (-len(item[1]), item[0]))
    sizes = [size for size, count in plan.items() for _ in range(count)]
    groups = len(sizes)
    count = len(schools)
    what = f"{count} schools to group" if count == total_enrolled else f"{count} schools still to group"
    reasons = []
    for trust, ids in classes:
        if len(ids) > groups:
            reasons.append(
                f"{_capitalised(trust_label(trust, trust_names))} has {len(ids)} of the {what}; with "
                f"{describe_plan(plan)} and no two schools of one trust in a group, at most {groups} groups "
                "can each hold one of its schools."
            )
    if reasons:
        return reasons
    union: set[int] = set()
    for k in range(1, min(len(classes), max(sizes, default=0)) + 1):
        union |= classes[k - 1][1]
        capacity = sum(min(size, k) for size in sizes)
        if len(union) > capacity:
            names = and_join([trust_label(trust, trust_names) for trust, _ in classes[:k]])
            return [
                f"{names} have {len(union)} of the {what} between them; with {describe_plan(plan)} and no two "
                f"schools of one trust in a group, each group can hold at most {k} of them (one of each), "
                f"so the {groups} groups at most {capacity}."
            ]
    return []


def greedy_grouping(
    schools: Sequence[SchoolForGrouping], plan: Mapping[int, int], separate_trusts: bool
) -> list[list[int]] | None:
    """Indices of `schools` split per `plan` with trusts apart, or None if this construction fails."""
    class_size: dict[int, int] = {}
    for school in schools:
        for trust in school.trust_ids:
            class_size[trust] = class_size.get(trust, 0) + 1
    capacity = [size for size, count in sorted(plan.items(), reverse=True) for _ in range(count)]
    groups: list[list[int]] = [[] for _ in capacity]
    trusts_in: list[set[int]] = [set() for _ in capacity]

    def hardness(index: int) -> tuple[int, int, int]:
        trusts = schools[index].trust_ids if separate_trusts else frozenset()
        biggest = max(trusts, key=lambda t: (class_size[t], -t), default=-1)
        return (-class_size.get(biggest, 0), biggest, index)

    for index in sorted(range(len(schools)), key=hardness):
        trusts = schools[index].trust_ids if separate_trusts else frozenset()
        best = None
        for g, members in enumerate(groups):
            room = capacity[g] - len(members)
            if room > 0 and not (trusts & trusts_in[g]) and (best is None or room > capacity[best] - len(groups[best])):
                best = g
        if best is None:
            return None
        groups[best].append(index)
        trusts_in[best] |= trusts
    return groups


def first_grouping(
    schools: Sequence[SchoolForGrouping],
    plan: Mapping[int, int],
    rules: GroupingRules,
    trust_names: Mapping[int, str],
    seconds: float,
) -> list[list[int]]:
    """A grouping meeting every hard rule (quality aside), or GroupingInfeasible saying why none exists."""
    groups = greedy_grouping(schools, plan, rules.separate_trusts)
    if groups is not None:
        return groups
    return _grouping_by_cp_sat(schools, plan, rules, trust_names, seconds)


def _grouping_by_cp_sat(
    schools: Sequence[SchoolForGrouping],
    plan: Mapping[int, int],
    rules: GroupingRules,
    trust_names: Mapping[int, str],
    seconds: float,
) -> list[list[int]]:
    sizes = [size for size, count in sorted(plan.items(), reverse=True) for _ in range(count)]
    model = cp_model.CpModel()
    x = {(i, g): model.new_bool_var(f"x{i}_{g}") for i in range(len(schools)) for g in range(len(sizes))}
    for i in range(len(schools)):
        model.add_exactly_one(x[i, g] for g in range(len(sizes)))
    for g, size in enumerate(sizes):
        model.add(sum(x[i, g] for i in range(len(schools))) == size)
    # Groups of one size are interchangeable: school 0 goes to the first group.
    if schools:
        model.add(x[0, 0] == 1)
    members: dict[int, list[int]] = {}
    for i, school in enumerate(schools):
        for trust in school.trust_ids:
            members.setdefault(trust, []).append(i)
    keep_apart: dict[int, int] = {}
    literal_for: dict[int, cp_model.IntVar] = {}
    for trust in sorted(members):
        if len(members[trust]) < 2:
            continue
        literal = model.new_bool_var(f"apart{trust}")
        keep_apart[literal.index] = trust
        literal_for[trust] = literal
        for g in range(len(sizes)):
            model.add_at_most_one(x[i, g] for i in members[trust]).only_enforce_if(literal)
        model.add_assumption(literal)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(seconds, 1.0)
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = rules.random_seed
    status = solver.solve(model)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return [[i for i in range(len(schools)) if solver.value(x[i, g])] for g in range(len(sizes))]
    if status == cp_model.INFEASIBLE:
        core = [keep_apart[index] for index in solver.sufficient_assumptions_for_infeasibility() if index in keep_apart]
        core = _smallest_core(model, literal_for, core, rules.random_seed)
        names = and_join([trust_label(trust, trust_names) for trust in sorted(core)]) if core else "the trusts"
        return _raise(
            GroupingInfeasible(
                [
                    f"No grouping into {describe_plan(plan)} keeps apart the schools of {names} "
                    f"({len(schools)} schools to group; some schools belong to more than one of them). "
                    "Let this cycle group schools of one trust together, or change the group size."
                ]
            )
        )
    biggest = sorted(members, key=lambda trust: (-len(members[trust]), trust))[:3]
    return _raise(
        GroupingTimedOut(
            [
                f"No grouping into {describe_plan(plan)} that keeps trusts apart was found in "
                f"{solver.parameters.max_time_in_seconds:.0f} s, and none was proved impossible. The largest "
                f"trusts are {and_join([trust_label(t, trust_names) for t in biggest])}: to relax, let this cycle "
                "group schools of one trust together, change the group size, or allow a longer time limit."
            ]
        )
    )


def _smallest_core(
    model: cp_model.CpModel, literal_for: dict[int, cp_model.IntVar], core: list[int], seed: int
) -> list[int]:
    """Drop trusts from an infeasible core one at a time while it stays infeasible (a short re-solve
    each), so the message names only trusts that matter. Best effort: a re-solve that times out keeps
    its trust in."""
    kept = sorted(core)
    for trust in list(kept):
        if len(kept) <= 1:
            break
        trial = [t for t in kept if t != trust]
        model.clear_assumptions()
        model.add_assumptions([literal_for[t] for t in trial])
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = 1.0
        solver.parameters.num_workers = 1
        solver.parameters.random_seed = seed
        if solver.solve(model) == cp_model.INFEASIBLE:
            kept = trial
    return kept


def _raise(error: GroupingInfeasible) -> list[list[int]]:
    raise error
