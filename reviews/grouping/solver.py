"""The optimisation: column generation (GLOP) for a bound valid for the full problem, local search
from several roundings of the LP, and CP-SAT to merge the best groups found.

The model. Let T range over every allowed group (a set of schools whose size is in the size plan
and, when the rule is on, with no two schools of one trust). With x_T in {0, 1}:

    minimise    sum_T cost(T) x_T
    subject to  sum_{T containing i} x_T = 1        for every school i        (duals pi_i)
                sum_{|T| = s} x_T = K_s              for every size s in plan  (duals mu_s)

There are far too many T to write down (600 schools: 36 million triads), so we work with a subset
(columns): each school's nearest compatible partners, the columns of a first feasible grouping, and
whatever pricing adds.

Column generation. Solve the LP relaxation over the columns, read the duals, and look over ALL
allowed groups for ones of negative reduced cost cost(T) - pi(T) - mu_|T|; add them; repeat.

Pricing works on pair weights. Because cost(T) = sum of pair costs + an Ofsted term that depends
only on the members' outcome codes, for a group of size s:

    cost(T) - pi(T) = sum over pairs {a, b} of w_s(a, b) + mix(T),   w_s(a, b) = c(a, b) - (pi_a + pi_b) / (s - 1)

(each member sits in s - 1 pairs). Triads: f(T) < theta forces a pair with w < theta / 3 (mix >= 0),
so we enumerate those pairs and, for each, the best third member over all schools (numpy, one
vector per pair): the minimum over ALL triads is found exactly. Quads: the six pairs split into three
perfect matchings, one of which is below theta / 3; its lighter pair ("anchor") is below theta / 6
and its other pair below theta / 3 - min w; enumerating anchor x light pairs finds the exact
minimum. Groups of 5: the ten pairs split into five classes of two disjoint pairs (K5 has chromatic
index 5), so an anchor below theta / 10 and a light pair below theta / 5 - min w, then the best fifth
member over all schools. When these searches would be too much work (wild early duals, or a size
with only a few groups, such as the one group of 4 among 199 triads), we bound instead by counting
sub-groups (a group of 4 holds each pair in 2 of its 4 triads, so pairs >= 2 x the lightest triad;
groups of 5: 5/3 x the lightest quad, or 10/3 x the lightest triad) and generate columns greedily.

The bound (Lagrangian, valid for the full problem at ANY iteration). Relax the school constraints
with multipliers pi; what remains picks K_s groups of each size s, each at least as cheap as the
cheapest allowed group:

    L(pi) = sum_i pi_i + sum_s K_s * m_s,     m_s <= min over ALL allowed T of size s of cost(T) - pi(T)

Every feasible grouping costs at least L(pi) (weak duality), whatever the columns were. We keep the
best L over the iterations. When pricing finds nothing negative, L equals the LP optimum over ALL
allowed groups (not only the generated ones). This is `GroupingResult.lower_bound`. Two things
weaken it, still validly: the sub-group bounds above, and an iteration whose triad pricing had to be
cut short (`PRICING_WORK`: then the lightest pairs only, and the bound is capped by three times the
lightest pair left out). A time-limited run may stop before convergence; the bound is then the best
of the iterations done (at worst 0, which is always valid as every cost is at least 0).

Finding groupings (search.py). The LP is nearly integral but not quite: a cluster of four
close schools, for example, can be "4/3 of a triad" in the LP, while a real grouping must send one
of them further. So: round the LP (columns at 0.5 or more, the rest grouped nearest-first), then
local search (exact re-splitting of 2-3 neighbouring groups, and cyclic exchanges of schools along
up to five groups). Different roundings land in different local optima, often better in different
regions, so we do this RESTARTS times (the LP values jittered with a seeded generator) and let
CP-SAT pick the best combination of all the groups seen (plus the LP's own columns with reduced cost
near 0): a set partitioning over a few thousand columns with a very good hint. A last local search
polishes the result.

Determinism: numpy and GLOP are deterministic; the column generation stops on convergence or an
iteration count; the restarts use a seeded generator and a fixed count; CP-SAT runs with a fixed
seed, `interleave_search` (deterministic parallel search) and a deterministic time limit. The
wall-clock limit is a safety net: when it is what stopped a stage, `reproducible` is False.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from .costs import CostModel
from .search import construct, improve, total_cost

TOLERANCE = 1e-7
NEIGHBOURS = {2: 10, 3: 6, 4: 6, 5: 6}  # candidate partners per school, by group size
MAX_ITERATIONS = 60
RESTARTS = 5  # local searches from differently rounded LP solutions
MERGE_REDUCED_COST = 0.25  # LP columns this close to the LP optimum join the merge pool
MERGE_DETERMINISTIC_SECONDS = 1.0
COST_SCALE = 100  # CP-SAT works in hundredths of a point
QUAD_SEARCH_WORK = 10_000_000  # anchor x light pairs we are willing to scan for exact quad pricing
QUINT_SEARCH_WORK = 10_000_000  # (anchor x light quads) x schools for exact pricing of groups of 5
CHUNK_CELLS = 2_000_000
MINORITY_SHARE = 0.1
MERGE_POOL_PER_SCHOOL = 3  # LP columns in the merge pool, at most, per school
PRICING_WORK = 6_000_000  # pairs x schools scanned per triad pricing, at most


@dataclass
class Partition:
    groups: list[tuple[int, ...]]
    cost: float
    lower_bound: float
    reproducible: bool
    stats: dict[str, float] = field(default_factory=dict)


class _Columns:
    def __init__(self, model: CostModel):
        self.model = model
        self.members: list[tuple[int, ...]] = []
        self.cost: list[float] = []
        self.index: dict[tuple[int, ...], int] = {}

    def add_array(self, groups: np.ndarray) -> list[int]:
        """Add allowed, new groups (rows of member indices); returns the new column numbers."""
        if len(groups) == 0:
            return []
        groups = np.sort(np.asarray(groups, dtype=np.int64), axis=1)
        costs = self.model.costs_of(groups)
        allowed = np.isfinite(costs)
        added = []
        for row, cost in zip(groups[allowed].tolist(), costs[allowed].tolist(), strict=True):
            key = tuple(row)
            if key not in self.index:
                self.index[key] = len(self.members)
                self.members.append(key)
                self.cost.append(cost)
                added.append(self.index[key])
        return added


class _Master:
    """The LP relaxation over the columns (GLOP, re-solved incrementally as columns arrive)."""

    def __init__(self, n: int, plan: Mapping[int, int]):
        self.n = n
        self.plan = dict(plan)
        self.columns: list[tuple[Sequence[int], float]] = []
        self._build()

    def _build(self) -> None:
        self.solver = pywraplp.Solver.CreateSolver("GLOP")
        # Set partitioning LPs are very degenerate; the dual simplex copes better (about twice as fast).
        self.solver.SetSolverSpecificParametersAsString("use_dual_simplex: true")
        self.rows = [self.solver.Constraint(1.0, 1.0) for _ in range(self.n)]
        self.size_rows = {size: self.solver.Constraint(count, count) for size, count in self.plan.items()}
        self.objective = self.solver.Objective()
        self.objective.SetMinimization()
        self.variables: list[pywraplp.Variable] = []
        for members, cost in self.columns:
            self._add_variable(members, cost)

    def _add_variable(self, members: Sequence[int], cost: float) -> None:
        variable = self.solver.NumVar(0.0, self.solver.infinity(), "")
        for i in members:
            self.rows[i].SetCoefficient(variable, 1.0)
        self.size_rows[len(members)].SetCoefficient(variable, 1.0)
        self.objective.SetCoefficient(variable, cost)
        self.variables.append(variable)

    def add(self, members: Sequence[int], cost: float) -> None:
        self.columns.append((members, cost))
        self._add_variable(members, cost)

    def solve(self) -> tuple[float, np.ndarray, np.ndarray, dict[int, float]]:
        status = self.solver.Solve()
        if status != pywraplp.Solver.OPTIMAL:
            # GLOP's incremental re-solve very occasionally ends ABNORMAL; a fresh model solves fine.
            self._build()
            status = self.solver.Solve()
        if status != pywraplp.Solver.OPTIMAL:
            raise RuntimeError(f"The LP relaxation ended with status {status}.")
        values = np.array([v.solution_value() for v in self.variables])
        pi = np.array([row.dual_value() for row in self.rows])
        mu = {size: row.dual_value() for size, row in self.size_rows.items()}
        return self.objective.Value(), values, pi, mu


def _weights(model: CostModel, pi: np.ndarray, size: int) -> np.ndarray:
    w = model.pair - (pi[:, None] + pi[None, :]) / (size - 1)
    w[~model.compatible] = np.inf
    return w


def _upper_pairs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return np.nonzero(np.triu(mask, 1))


def _heuristic_triad(w: np.ndarray, table: np.ndarray | None, codes: np.ndarray) -> float:
    """The value of a real triad (each school, its best partner, their best third): an upper bound on
    the minimum, used as a search threshold."""
    n = len(w)
    best = np.argmin(w, axis=1)
    totals = w + w[best]
    if table is not None:
        totals = totals + table[codes[:, None], codes[best][:, None], codes[None, :]]
    third = np.argmin(totals, axis=1)
    values = w[np.arange(n), best] + totals[np.arange(n), third]
    return float(values.min()) if n else math.inf


def _triads_below(
    w: np.ndarray, table: np.ndarray | None, codes: np.ndarray, theta: float
) -> tuple[float, np.ndarray, np.ndarray]:
    """Exact: (min over ALL triads of pairs + mix if it is below theta else theta, triads found below
    theta, their values). Each pair below theta / 3 contributes its best third member."""
    n = len(w)
    if not math.isfinite(theta):
        theta = _heuristic_triad(w, table, codes)
        if not math.isfinite(theta):
            return math.inf, np.zeros((0, 3), dtype=np.int64), np.zeros(0)
        theta = math.nextafter(theta, math.inf)
    first, second = _upper_pairs(w < theta / 3.0)
    bound_cap = theta
    most = PRICING_WORK // max(n, 1)
    if len(first) > most:
        # Too many light pairs (early duals can be wild): scan the lightest ones only. A triad without
        # any of them has three pairs of at least the first one left out, hence the cap on the bound.
        order = np.argsort(w[first, second], kind="stable")
        bound_cap = min(theta, 3.0 * float(w[first[order[most]], second[order[most]]]))
        first, second = first[order[:most]], second[order[:most]]
    chunk = max(1, CHUNK_CELLS // max(n, 1))
    found, values = [], []
    for start in range(0, len(first), chunk):
        a, b = first[start : start + chunk], second[start : start + chunk]
        totals = w[a] + w[b]
        if table is not None:
            totals += table[codes[a][:, None], codes[b][:, None], codes[None, :]]
        third = np.argmin(totals, axis=1)
        value = totals[np.arange(len(a)), third] + w[a, b]
        keep = value < theta
        if keep.any():
            found.append(np.stack([a[keep], b[keep], third[keep]], axis=1))
            values.append(value[keep])
    if not found:
        return bound_cap, np.zeros((0, 3), dtype=np.int64), np.zeros(0)
    triads, value = np.concatenate(found), np.concatenate(values)
    return float(min(value.min(), bound_cap)), triads, value


def _quads_below(
    w: np.ndarray, table: np.ndarray | None, codes: np.ndarray, theta: float
) -> tuple[float, np.ndarray, np.ndarray] | None:
    """Exact like _triads_below but for quads (anchor x light pairs); None when that would be too much
    work (the caller then falls back to a weaker bound)."""
    finite = w[np.isfinite(w)]
    if finite.size == 0 or not math.isfinite(theta):
        return None
    lightest = float(finite.min())
    a_first, a_second = _upper_pairs(w < theta / 6.0)
    l_first, l_second = _upper_pairs(w < theta / 3.0 - lightest)
    if len(a_first) * len(l_first) > QUAD_SEARCH_WORK:
        return None
    chunk = max(1, CHUNK_CELLS // max(len(l_first), 1))
    light_weight = w[l_first, l_second]
    found, values = [], []
    for start in range(0, len(a_first), chunk):
        a, b = a_first[start : start + chunk, None], a_second[start : start + chunk, None]
        value = w[a, b] + light_weight[None, :] + w[a, l_first] + w[a, l_second] + w[b, l_first] + w[b, l_second]
        if table is not None:
            value = value + table[codes[a], codes[b], codes[l_first][None, :], codes[l_second][None, :]]
        rows, cols = np.nonzero(value < theta)
        if len(rows):
            found.append(np.stack([a[rows, 0], b[rows, 0], l_first[cols], l_second[cols]], axis=1))
            values.append(value[rows, cols])
    if not found:
        return theta, np.zeros((0, 4), dtype=np.int64), np.zeros(0)
    quads, value = np.concatenate(found), np.concatenate(values)
    return float(min(value.min(), theta)), quads, value


def _quints_below(
    w: np.ndarray, table: np.ndarray, codes: np.ndarray, theta: float
) -> tuple[float, np.ndarray, np.ndarray] | None:
    """Exact like _quads_below, for groups of 5. The ten pairs of five schools split into five classes
    of two disjoint pairs (K5 has chromatic index 5), one of which is below theta / 5: an anchor pair
    below theta / 10 and a light pair below theta / 5 - min w. For each anchor x light quad, the best
    fifth member over all schools. None when that would be too much work."""
    n = len(w)
    finite = w[np.isfinite(w)]
    if finite.size == 0 or not math.isfinite(theta):
        return None
    lightest = float(finite.min())
    a_first, a_second = _upper_pairs(w < theta / 10.0)
    l_first, l_second = _upper_pairs(w < theta / 5.0 - lightest)
    if len(a_first) * len(l_first) > QUAD_SEARCH_WORK:
        return None
    light_weight = w[l_first, l_second]
    lightest_to = np.where(np.isfinite(w), w, np.inf).min(axis=1)  # each school's lightest pair
    found, values = [], []
    work = 0
    chunk = max(1, CHUNK_CELLS // max(len(l_first), 1))
    for start in range(0, len(a_first), chunk):
        a, b = a_first[start : start + chunk, None], a_second[start : start + chunk, None]
        base = w[a, b] + light_weight[None, :] + w[a, l_first] + w[a, l_second] + w[b, l_first] + w[b, l_second]
        rows, cols = np.nonzero(
            base + lightest_to[a] + lightest_to[b] + (lightest_to[l_first] + lightest_to[l_second])[None, :] < theta
        )
        work += len(rows) * n
        if work > QUINT_SEARCH_WORK:
            return None
        quads = np.stack([a[rows, 0], b[rows, 0], l_first[cols], l_second[cols]], axis=1)
        for sub in range(0, len(quads), max(1, CHUNK_CELLS // max(n, 1))):
            block = quads[sub : sub + max(1, CHUNK_CELLS // max(n, 1))]
            totals = w[block[:, 0]] + w[block[:, 1]] + w[block[:, 2]] + w[block[:, 3]]
            block_codes = codes[block]
            totals = (
                totals
                + table[
                    block_codes[:, 0, None],
                    block_codes[:, 1, None],
                    block_codes[:, 2, None],
                    block_codes[:, 3, None],
                    codes[None, :],
                ]
            )
            fifth = np.argmin(totals, axis=1)
            value = totals[np.arange(len(block)), fifth] + base[rows, cols][sub : sub + len(block)]
            keep = value < theta
            if keep.any():
                found.append(np.concatenate([block[keep], fifth[keep, None]], axis=1))
                values.append(value[keep])
    if not found:
        return theta, np.zeros((0, 5), dtype=np.int64), np.zeros(0)
    quints, value = np.concatenate(found), np.concatenate(values)
    return float(min(value.min(), theta)), quints, value


def _grow(w: np.ndarray, size: int) -> np.ndarray:
    """From every school, a group grown greedily: each step adds the school with the lightest total
    pair weight to the members so far (heuristic columns when exact pricing is too much work)."""
    n = len(w)
    seeds = np.arange(n)
    members = seeds[:, None]
    total_to = w.copy()
    for _ in range(size - 1):
        nxt = np.argmin(total_to, axis=1)
        members = np.concatenate([members, nxt[:, None]], axis=1)
        total_to = total_to + w[nxt]
        total_to[seeds[:, None], members] = np.inf
    weight = np.zeros(n)
    for a, b in itertools.combinations(range(size), 2):
        weight += w[members[:, a], members[:, b]]
    return members[np.isfinite(weight)]


def _extend(w: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Each group plus its best extra member (by pair weights)."""
    totals = w[groups].sum(axis=1)
    return np.concatenate([groups, np.argmin(totals, axis=1)[:, None]], axis=1)


def _price(
    model: CostModel, plan: Mapping[int, int], pi: np.ndarray, mu: Mapping[int, float]
) -> tuple[dict[int, float], list[np.ndarray]]:
    """(m_s lower bounds for each size, candidate groups with negative reduced cost)."""
    codes = model.outcome_code
    bounds: dict[int, float] = {}
    new: list[np.ndarray] = []
    for size in plan:
        w = _weights(model, pi, size)
        theta = mu[size]
        if size == 2:
            values = w + model.mix_table(2)[codes[:, None], codes[None, :]]
            bounds[2] = float(values.min())
            first, second = _upper_pairs(values < theta - TOLERANCE)
            order = np.argsort(values[first, second], kind="stable")
            new.append(np.stack([first, second], axis=1)[order])
        elif size == 3:
            bounds[3], triads, values = _triads_below(w, model.mix_table(3), codes, theta)
            order = np.argsort(values, kind="stable")
            new.append(triads[order][values[order] < theta - TOLERANCE])
        elif size == 4:
            exact = None if _minority(plan, 4) else _quads_below(w, model.mix_table(4), codes, theta)
            if exact is not None:
                bounds[4], quads, values = exact
                order = np.argsort(values, kind="stable")
                new.append(quads[order][values[order] < theta - TOLERANCE])
            else:
                best_triad, triads, values = _triads_below(w, None, codes, math.inf)
                bounds[4] = 2.0 * best_triad
                grown = [_grow(w, 4), _extend(w, triads[np.argsort(values, kind="stable")][: 4 * len(pi)])]
                new.append(_negative(model, w, np.concatenate(grown), theta))
        else:
            exact = None if _minority(plan, 5) else _quints_below(w, model.mix_table(5), codes, theta)
            if exact is not None:
                bounds[5], quints, values = exact
                order = np.argsort(values, kind="stable")
                new.append(quints[order][values[order] < theta - TOLERANCE])
                continue
            best_triad, triads, values = _triads_below(w, None, codes, math.inf)
            bound = 10.0 / 3.0 * best_triad
            if len(triads):
                quads = _extend(w, triads[np.argsort(values, kind="stable")][: 4 * len(pi)])
                quad_values = np.zeros(len(quads))
                for a, b in itertools.combinations(range(4), 2):
                    quad_values += w[quads[:, a], quads[:, b]]
                exact = _quads_below(w, None, codes, float(quad_values.min()) + 1e-9)
                if exact is not None:
                    bound = max(bound, 5.0 / 3.0 * exact[0])
                new.append(_negative(model, w, _extend(w, quads), theta))
            new.append(_negative(model, w, _grow(w, 5), theta))
            bounds[5] = bound
    return bounds, new


def _negative(model: CostModel, w: np.ndarray, groups: np.ndarray, theta: float) -> np.ndarray:
    """The heuristic candidates whose reduced cost is negative, most negative first."""
    if len(groups) == 0:
        return groups
    size = groups.shape[1]
    values = model.mix_table(size)[tuple(model.outcome_code[groups].T)]
    for a, b in itertools.combinations(range(size), 2):
        values = values + w[groups[:, a], groups[:, b]]
    order = np.argsort(values, kind="stable")
    return groups[order][values[order] < theta - TOLERANCE]


def _minority(plan: Mapping[int, int], size: int) -> bool:
    """A size with few groups (the remainder, e.g. the one group of 4 among 199 triads): its columns
    and its share of the bound matter little, so cheaper pricing is used for it."""
    return plan[size] < MINORITY_SHARE * sum(plan.values())


def _initial_columns(model: CostModel, plan: Mapping[int, int]) -> list[np.ndarray]:
    n = len(model)
    cost = np.where(model.compatible, model.pair, np.inf)
    out = []
    for size in plan:
        k = min(NEIGHBOURS[size] if not _minority(plan, size) else size, n - 1)
        if k < size - 1:
            continue
        nearest = np.argsort(cost, axis=1, kind="stable")[:, :k]
        reachable = np.isfinite(np.take_along_axis(cost, nearest, axis=1))
        for combo in itertools.combinations(range(k), size - 1):
            ok = reachable[:, list(combo)].all(axis=1)
            out.append(np.concatenate([np.arange(n)[:, None], nearest[:, list(combo)]], axis=1)[ok])
    return out


def solve_partition(
    model: CostModel,
    plan: Mapping[int, int],
    start: Sequence[Sequence[int]],
    *,
    seconds: float,
    workers: int,
    seed: int,
) -> Partition:
    """Best grouping of model's schools into `plan`, given a feasible `start` grouping."""
    began, cpu = time.perf_counter(), time.process_time()
    n = len(model)
    stats: dict[str, float] = {}
    columns = _Columns(model)
    master = _Master(n, plan)
    for group in start:  # a feasible grouping keeps the LP feasible from the first iteration
        columns.add_array(np.array([group]))
    for block in _initial_columns(model, plan):
        columns.add_array(block)
    for members, cost in zip(columns.members, columns.cost, strict=True):
        master.add(members, cost)
    stats["initial columns"] = len(columns.members)

    reproducible = True
    best_bound = -math.inf
    iterations = 0
    column_budget = 0.4 * seconds
    last_iteration = 0.0
    while True:
        iteration_began = time.perf_counter()
        lp_value, values, pi, mu = master.solve()
        iterations += 1
        bounds, candidates = _price(model, plan, pi, mu)
        bound = float(pi.sum()) + sum(count * bounds[size] for size, count in plan.items())
        best_bound = max(best_bound, bound)
        if lp_value - best_bound <= 1e-9 * max(1.0, abs(lp_value)):
            break
        if iterations >= MAX_ITERATIONS:
            break
        last_iteration = time.perf_counter() - iteration_began
        if time.perf_counter() - began + last_iteration > column_budget:
            reproducible = False  # stopped by the clock, not by convergence or the iteration count
            break
        added = []
        for block in candidates:
            added += columns.add_array(block[: max(n, 50)])
        if not added:
            break
        for c in added:
            master.add(columns.members[c], columns.cost[c])
    stats["column generation iterations"] = iterations
    stats["columns"] = len(columns.members)
    stats["LP value"] = lp_value
    stats["column generation seconds"] = time.perf_counter() - began
    stats["column generation CPU seconds"] = time.process_time() - cpu

    searched, cpu = time.perf_counter(), time.process_time()
    # Several local optima: the LP rounded as it is, then with its values jittered (seeded).
    rng = np.random.default_rng(seed)
    pool: dict[tuple[int, ...], None] = {}
    best: list[np.ndarray] | None = None
    best_cost = math.inf
    for run in range(RESTARTS):
        if run and time.perf_counter() > began + 0.7 * seconds:
            reproducible = False
            break
        priorities = values if run == 0 else values * rng.uniform(0.8, 1.2, len(values))
        built = construct(model, plan, columns.members, priorities, columns.cost, start)
        improved, _rounds, clock_stopped = improve(model, built, deadline=began + 0.8 * seconds)
        reproducible &= not clock_stopped
        cost = total_cost(model, improved)
        if run == 0:
            stats["construction cost"] = total_cost(model, built)
            stats["local search cost"] = cost
        if cost < best_cost - 1e-9:
            best, best_cost = improved, cost
        for members in improved:
            pool[tuple(int(i) for i in members)] = None
    assert best is not None
    stats["local searches"] = run + 1
    stats["best local search cost"] = best_cost
    stats["local search seconds"] = time.perf_counter() - searched
    stats["local search CPU seconds"] = time.process_time() - cpu

    searched, cpu = time.perf_counter(), time.process_time()
    reduced = np.array(
        [
            cost - pi[list(members)].sum() - mu[len(members)]
            for members, cost in zip(columns.members, columns.cost, strict=True)
        ]
    )
    near_zero = np.nonzero(reduced <= MERGE_REDUCED_COST)[0]
    near_zero = near_zero[np.argsort(reduced[near_zero], kind="stable")][: MERGE_POOL_PER_SCHOOL * n]
    for c in near_zero.tolist():
        pool[columns.members[c]] = None
    if best_cost <= best_bound + 1e-9 * max(1.0, abs(best_bound)):
        merged = best  # already as good as the bound: nothing to merge
    else:
        merged, merge_reproducible = _merge(model, plan, list(pool), best, began + 0.95 * seconds, workers, seed, stats)
        reproducible &= merge_reproducible
    final, _rounds, clock_stopped = improve(model, merged, deadline=began + 0.97 * seconds)
    reproducible &= not clock_stopped
    stats["merge seconds"] = time.perf_counter() - searched
    stats["merge CPU seconds"] = time.process_time() - cpu
    groups = [tuple(int(i) for i in members) for members in final]
    return Partition(
        groups=groups,
        cost=total_cost(model, groups),
        lower_bound=best_bound,
        reproducible=reproducible,
        stats=stats,
    )


def _merge(
    model: CostModel,
    plan: Mapping[int, int],
    pool: list[tuple[int, ...]],
    hint: Sequence[np.ndarray],
    deadline: float,
    workers: int,
    seed: int,
    stats: dict[str, float],
) -> tuple[list[np.ndarray], bool]:
    """CP-SAT picks the best grouping out of the pooled groups (the local optima's groups and the LP's
    cheapest columns): a set partitioning small enough to solve in well under a second."""
    cp = cp_model.CpModel()
    chosen = [cp.new_bool_var(f"g{k}") for k in range(len(pool))]
    covering: list[list[cp_model.IntVar]] = [[] for _ in range(len(model))]
    for variable, members in zip(chosen, pool, strict=True):
        for i in members:
            covering[i].append(variable)
    for variables in covering:
        cp.add_exactly_one(variables)
    if len(plan) > 1:
        for size, count in plan.items():
            cp.add(sum(v for v, members in zip(chosen, pool, strict=True) if len(members) == size) == count)
    costs = [model.group_cost(members) for members in pool]
    cp.minimize(sum(round(cost * COST_SCALE) * v for cost, v in zip(costs, chosen, strict=True)))
    in_hint = {tuple(int(i) for i in members) for members in hint}
    for variable, members in zip(chosen, pool, strict=True):
        cp.add_hint(variable, members in in_hint)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers
    solver.parameters.interleave_search = workers > 1
    solver.parameters.random_seed = seed
    solver.parameters.linearization_level = 2
    solver.parameters.max_deterministic_time = MERGE_DETERMINISTIC_SECONDS
    solver.parameters.max_time_in_seconds = max(0.1, deadline - time.perf_counter())
    status = solver.solve(cp)
    stats["merge pool"] = len(pool)
    stats["merge optimal"] = float(status == cp_model.OPTIMAL)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return [np.asarray(g) for g in hint], False
    picked = [np.array(members) for members, v in zip(pool, chosen, strict=True) if solver.value(v)]
    hint_cost = sum(model.group_cost(g) for g in hint)
    if sum(model.group_cost(g) for g in picked) > hint_cost:
        picked = [np.asarray(g) for g in hint]
    wall_stopped = status != cp_model.OPTIMAL and solver.deterministic_time < 0.99 * MERGE_DETERMINISTIC_SECONDS
    return picked, not wall_stopped
