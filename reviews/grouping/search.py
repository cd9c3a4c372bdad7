"""Local optima for the proposer: rounding the LP into a grouping, then local search.

Construction: take the LP solution's columns, highest value first, while they stay disjoint and the
size plan has room; group the schools left over nearest-first (the loneliest school first, with
its cheapest compatible leftovers). If trusts leave no way to finish, fall back to the `start`
grouping (the Gale-Ryser construction, which always meets the hard rules).

Local search, two kinds of moves, neither of which can break a hard rule (sizes are kept, pairs that
may not meet cost infinity):
* re-split two or three neighbouring groups exactly: every way to split their schools into groups
  of the same sizes is costed (numpy, in batches over neighbourhoods) and the best kept. Groups are
  neighbours when a member of one is among the cheapest partners of a member of the other.
* cyclic exchanges along up to five groups (`cyclic_exchanges`), for chains no 2-3 group move sees.
Improving moves that do not share a group are applied together, largest gain first; after the first
round only neighbourhoods touching a changed group are costed again. Rounds repeat until nothing
improves or the time is up. Everything is deterministic.
"""

from __future__ import annotations

import functools
import itertools
import math
import time
from collections.abc import Mapping, Sequence

import numpy as np

from .costs import CostModel

PARTNERS_PER_SCHOOL = 8
MAX_TEMPLATES = 2500  # neighbourhoods with more ways to split (three groups of 4 or 5) are skipped
BATCH_CELLS = 3_000_000


@functools.cache
def partition_templates(sizes: tuple[int, ...]) -> np.ndarray:
    """Every split of slots 0..S-1 into blocks of these sizes, once each (blocks of equal size are
    interchangeable). Row r lists the slots block by block, blocks ordered as sorted(sizes)."""
    layout = sorted(sizes)

    def split(items: tuple[int, ...], sizes_left: tuple[int, ...]):
        if not sizes_left:
            yield ()
            return
        first, rest = items[0], items[1:]
        for size in sorted(set(sizes_left)):
            remaining_sizes = list(sizes_left)
            remaining_sizes.remove(size)
            for others in itertools.combinations(rest, size - 1):
                block = (first, *others)
                remaining = tuple(i for i in rest if i not in others)
                for tail in split(remaining, tuple(remaining_sizes)):
                    yield (block, *tail)

    rows = []
    for blocks in split(tuple(range(sum(layout))), tuple(layout)):
        ordered = sorted(blocks, key=lambda block: (len(block), block))
        rows.append([slot for block in ordered for slot in block])
    return np.array(rows, dtype=np.int64)


@functools.cache
def _template_pairs(layout: tuple[int, ...]) -> np.ndarray:
    """For each template, the flat indices (a * S + b) of the slot pairs that end up in one block."""
    templates = partition_templates(layout)
    total = sum(layout)
    columns = []
    offset = 0
    for size in layout:
        for a, b in itertools.combinations(range(offset, offset + size), 2):
            columns.append(templates[:, a] * total + templates[:, b])
        offset += size
    return np.stack(columns, axis=1)


def _split_costs(model: CostModel, members: np.ndarray, layout: tuple[int, ...]) -> np.ndarray:
    """Cost of every template split of every neighbourhood: members is (B, S), the result (B, P).
    Pair costs come from each neighbourhood's own small S x S block, which keeps the gathers local."""
    templates = partition_templates(layout)
    total_slots = sum(layout)
    block = model.pair_or_inf[members[:, :, None], members[:, None, :]].reshape(len(members), -1)
    costs = block[:, _template_pairs(layout)].sum(axis=2)
    codes = model.outcome_code[members]
    offset = 0
    for size in layout:
        slots = templates[:, offset : offset + size]
        costs += model.mix_table(size)[tuple(np.moveaxis(codes[:, slots], -1, 0))]
        offset += size
    assert costs.shape == (len(members), len(templates)) and total_slots == members.shape[1]
    return costs


def _best_splits(
    model: CostModel, neighbourhoods: list[tuple[int, ...]], groups: list[np.ndarray], current: np.ndarray
) -> list[tuple[float, tuple[int, ...], list[np.ndarray]]]:
    """(gain, group numbers, new groups) for every neighbourhood where re-splitting gains."""
    moves = []
    by_shape: dict[tuple[int, ...], list[tuple[int, ...]]] = {}
    for hood in neighbourhoods:
        by_shape.setdefault(tuple(len(groups[g]) for g in hood), []).append(hood)
    for shape, hoods in sorted(by_shape.items()):
        if math.prod(range(1, sum(shape) + 1)) > 50 * MAX_TEMPLATES * math.prod(
            math.prod(range(1, size + 1)) for size in shape
        ):
            continue  # far too many splits (a quick over-estimate, before building the templates)
        layout = sorted(shape)
        templates = partition_templates(tuple(layout))
        if len(templates) > MAX_TEMPLATES:
            continue
        batch = max(1, BATCH_CELLS // (templates.size or 1))
        for start in range(0, len(hoods), batch):
            chunk = hoods[start : start + batch]
            members = np.array([np.concatenate([groups[g] for g in hood]) for hood in chunk])
            costs = _split_costs(model, members, tuple(layout))
            best = np.argmin(costs, axis=1)
            best_cost = costs[np.arange(len(chunk)), best]
            before = np.array([sum(current[g] for g in hood) for hood in chunk])
            for k in np.nonzero(best_cost < before - 1e-9)[0]:
                row = members[k, templates[best[k]]]
                new, offset = [], 0
                for size in layout:
                    new.append(np.sort(row[offset : offset + size]))
                    offset += size
                moves.append((float(before[k] - best_cost[k]), chunk[k], new))
    return moves


def improve(
    model: CostModel, groups: Sequence[Sequence[int]], deadline: float, max_rounds: int = 200
) -> tuple[list[np.ndarray], int, bool]:
    """Local search from `groups` (indices into model); returns (groups, rounds, stopped by the clock).

    After the first round only neighbourhoods touching a group that changed (or holding an improving
    move that lost out to a bigger one) are costed again: the others cannot have improved."""
    groups = [np.sort(np.asarray(g, dtype=np.int64)) for g in groups]
    partners = model.cheapest_partners(PARTNERS_PER_SCHOOL)
    rounds = 0
    dirty: set[int] | None = None  # None: everything
    pending: set[tuple[int, ...]] = set()
    while rounds < max_rounds:
        if time.perf_counter() > deadline:
            return groups, rounds, True
        rounds += 1
        group_of = np.empty(len(model), dtype=np.int64)
        for g, members in enumerate(groups):
            group_of[members] = g
        current = group_costs(model, groups)
        near: list[list[int]] = []
        for g, members in enumerate(groups):
            linked = sorted(set(group_of[partners[members]].ravel().tolist()) - {g})
            near.append(linked)
        pairs = {(min(g, h), max(g, h)) for g in range(len(groups)) for h in near[g]}
        triples = {tuple(sorted((g, h, k))) for g in range(len(groups)) for h, k in itertools.combinations(near[g], 2)}
        if dirty is not None:
            pairs = {hood for hood in pairs if not dirty.isdisjoint(hood) or hood in pending}
            triples = {hood for hood in triples if not dirty.isdisjoint(hood) or hood in pending}
        moves = _best_splits(model, sorted(pairs), groups, current)
        moves += _best_splits(model, sorted(triples), groups, current)
        if not moves:
            groups, changed = cyclic_exchanges(model, groups)
            if not changed:
                break
            dirty, pending = changed, set()
            continue
        moves.sort(key=lambda move: (-move[0], move[1]))
        touched: set[int] = set()
        pending = set()
        for _gain, hood, new in moves:
            if touched.isdisjoint(hood):
                touched.update(hood)
                for g, members in zip(hood, _match_sizes(hood, new, groups), strict=True):
                    groups[g] = members
            else:
                pending.add(hood)
        dirty = touched
    return groups, rounds, False


def _match_sizes(hood: tuple[int, ...], new: list[np.ndarray], groups: list[np.ndarray]) -> list[np.ndarray]:
    """Give each group number of the neighbourhood a new group of its old size."""
    pool = list(new)
    out = []
    for g in hood:
        index = next(i for i, members in enumerate(pool) if len(members) == len(groups[g]))
        out.append(pool.pop(index))
    return out


def construct(
    model: CostModel,
    plan: Mapping[int, int],
    columns: Sequence[tuple[int, ...]],
    values: np.ndarray,
    costs: Sequence[float],
    start: Sequence[Sequence[int]],
) -> list[list[int]]:
    """A complete grouping that follows the LP where it is (nearly) integral."""
    n = len(model)
    order = sorted(
        range(len(columns)), key=lambda c: (-round(float(values[c]), 6), costs[c] / len(columns[c]), columns[c])
    )
    covered = np.zeros(n, dtype=bool)
    left = dict(plan)
    chosen: list[list[int]] = []
    for c in order:
        if values[c] < 0.5 - 1e-9:
            break
        members = list(columns[c])
        if left.get(len(members), 0) and not covered[members].any():
            chosen.append(members)
            covered[members] = True
            left[len(members)] -= 1
    rest = _group_leftovers(model, np.nonzero(~covered)[0], left)
    if rest is None:
        return [list(g) for g in start]
    return chosen + rest


def _group_leftovers(model: CostModel, leftovers: np.ndarray, plan: Mapping[int, int]) -> list[list[int]] | None:
    """Nearest-first grouping of the leftovers: the loneliest school first, with its cheapest
    compatible leftovers. None when trusts leave no way to finish."""
    sizes = [size for size, count in sorted(plan.items(), reverse=True) for _ in range(count)]
    remaining = [int(i) for i in leftovers]
    groups = []
    for size in sizes:
        if len(remaining) < size:
            return None
        block = model.pair_or_inf[np.ix_(remaining, remaining)]
        loneliness = np.sort(block, axis=1)[:, min(size, len(remaining)) - 2]
        first = remaining[int(np.argmax(np.where(np.isfinite(loneliness), loneliness, -1.0)))]
        group = [first]
        for candidate in sorted(remaining, key=lambda j: (model.pair_or_inf[first, j], j)):
            if len(group) == size:
                break
            if candidate not in group and all(model.compatible[candidate, member] for member in group):
                group.append(candidate)
        if len(group) < size:
            return None
        groups.append(group)
        remaining = [i for i in remaining if i not in group]
    return groups if not remaining else None


def group_costs(model: CostModel, groups: Sequence[Sequence[int]]) -> np.ndarray:
    """Each group's cost (vectorised by size)."""
    costs = np.zeros(len(groups))
    sizes = np.array([len(g) for g in groups])
    for size in np.unique(sizes):
        rows = np.nonzero(sizes == size)[0]
        costs[rows] = model.costs_of(np.array([groups[r] for r in rows]))
    return costs


def total_cost(model: CostModel, groups: Sequence[Sequence[int]]) -> float:
    return float(group_costs(model, groups).sum()) if len(groups) else 0.0


def cyclic_exchanges(
    model: CostModel, groups: list[np.ndarray], candidates: int = 8, max_length: int = 5, branching: int = 6
) -> tuple[list[np.ndarray], set[int]]:
    """One round of cyclic exchanges (Thompson and Psaraftis): school a1 takes a2's place, a2 takes a3's,
    ..., ak takes a1's, each in a different group, so every group keeps its size. An arc a -> b costs
    what b's group gains or loses when a replaces b; a cycle of negative total improves the grouping
    by exactly that total (each group changes once). Every negative cycle has a starting point from
    which every partial sum is negative, so a depth-first search that only follows negative partial
    sums finds them (here: the `branching` cheapest arcs out of each school, cycles of up to
    `max_length`). Returns (groups, the groups changed)."""
    n = len(model)
    group_of = np.empty(n, dtype=np.int64)
    for g, members in enumerate(groups):
        group_of[members] = g
    membership = np.zeros((n, len(groups)))
    membership[np.arange(n), group_of] = 1.0
    pair = np.where(np.isfinite(model.pair_or_inf), model.pair_or_inf, 0.0)
    to_group = pair @ membership  # to_group[a, g]: sum of a's pair costs to g's members
    clashes = (~model.compatible).astype(np.float64) @ membership  # a == b counts as a clash
    mix_now = np.array([model.mix_table(len(m))[tuple(model.outcome_code[m])] for m in groups])

    # Candidate arcs a -> b: a is among the cheapest partners of someone in b's group.
    partners = model.cheapest_partners(candidates)
    sources, targets = [], []
    for g, members in enumerate(groups):
        near = np.unique(partners[members].ravel())
        near = near[group_of[near] != g]
        for b in members:
            sources.append(near)
            targets.append(np.full(len(near), b))
    a = np.concatenate(sources)
    b = np.concatenate(targets)
    gb = group_of[b]
    # a replaces b: a may not clash with the others (a clashes with b itself only if they conflict).
    allowed = (clashes[a, gb] - (~model.compatible[a, b])) < 0.5
    a, b, gb = a[allowed], b[allowed], gb[allowed]
    delta = (to_group[a, gb] - pair[a, b]) - to_group[b, gb]
    mix_after = np.empty(len(a))
    for size in sorted({len(m) for m in groups}):
        rows = np.nonzero(np.array([len(groups[g]) for g in gb]) == size)[0]
        if not len(rows):
            continue
        stacked = np.stack([groups[g] for g in gb[rows]])
        member_codes = np.where(
            stacked == b[rows, None], model.outcome_code[a[rows]][:, None], model.outcome_code[stacked]
        )
        mix_after[rows] = model.mix_table(size)[tuple(member_codes.T)]
    delta += mix_after - mix_now[gb]

    order = np.lexsort((b, a, delta))
    outgoing: dict[int, list[tuple[float, int]]] = {}
    for k in order.tolist():
        arcs = outgoing.setdefault(int(a[k]), [])
        if len(arcs) < branching:
            arcs.append((float(delta[k]), int(b[k])))
    arc = {(int(x), int(y)): float(d) for x, y, d in zip(a.tolist(), b.tolist(), delta.tolist(), strict=True)}

    found: list[tuple[float, list[int]]] = []
    for start in sorted(outgoing):
        best: tuple[float, list[int]] | None = None
        stack: list[tuple[int, float, list[int], frozenset[int]]] = [
            (start, 0.0, [start], frozenset({int(group_of[start])}))
        ]
        while stack:
            node, total, path, used = stack.pop()
            for cost, nxt in outgoing.get(node, ()):
                partial = total + cost
                if partial >= -1e-9:
                    break  # arcs are sorted by cost
                closing = arc.get((nxt, start))
                if group_of[nxt] not in used and closing is not None and len(path) >= 2:
                    cycle_total = partial + closing
                    if cycle_total < -1e-6 and (best is None or cycle_total < best[0]):
                        best = (cycle_total, [*path, nxt])
                if group_of[nxt] not in used and len(path) < max_length:
                    stack.append((nxt, partial, [*path, nxt], used | {int(group_of[nxt])}))
        if best is not None:
            found.append(best)

    found.sort(key=lambda item: (item[0], item[1]))
    touched: set[int] = set()
    for _total, cycle in found:
        cycle_groups = {int(group_of[s]) for s in cycle}
        if touched & cycle_groups:
            continue
        touched |= cycle_groups
        # cycle[i] takes cycle[i + 1]'s place; the last takes cycle[0]'s place.
        replacement = {cycle[(i + 1) % len(cycle)]: cycle[i] for i in range(len(cycle))}
        for school in cycle:
            g = int(group_of[school])
            groups[g] = np.sort(np.where(groups[g] == school, replacement[school], groups[g]))
    return groups, touched
