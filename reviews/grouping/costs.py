"""What a review group costs, preference by preference, and the words that explain it.

A group's cost is a sum over its pairs of members plus one term for the group as a whole:

    cost(G) = sum over pairs {a, b} in G of pair_cost(a, b)  +  ofsted_weight * mix_points(G)
    pair_cost(a, b) = phase_weight    * [phase(a) != phase(b)]
                    + distance_weight * km(a, b)
                    + repeat_weight   * [a and b were partners last cycle]

* phase: one unit per pair of members of different phases (a triad of two primaries and a special
  school has 2 such pairs). Phases are compared as given (case and spaces ignored); "" is a phase.
* distance: straight-line km between Ordnance Survey easting/northing, summed over the pairs (a
  triad's perimeter). A pair with a missing location counts 0 km: neutral, it neither attracts nor
  repels (every school has the same number of partners, so a constant would not change any choice),
  and the explanation says the distance is unknown.
* repeat partners: one unit per pair who were partners last cycle (either school's list says so).
* Ofsted mix ("mix strong and weaker schools"): 1 point for each pair of members both rated below
  Good (Requires improvement, Inadequate, Serious Weaknesses, Special Measures, Needs attention,
  Urgent improvement), plus 1 point when the group has such a school but none rated Good or better
  (Outstanding, Good, Exceptional, Strong standard, Expected standard): nobody to learn from. Schools
  not rated (new schools, "") are neutral. Three Good schools together cost nothing: most schools are
  Good, and the point is to keep weaker schools apart and each with a stronger one.

Pair terms let the solver (solver.py) price groups fast and bound the optimum; the Ofsted term
depends only on the members' outcome categories, so it is a table lookup.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import numpy as np

from .types import PREFERENCES, PreferenceWeights, SchoolForGrouping

GOOD_OR_BETTER = frozenset({"outstanding", "good", "exceptional", "strong standard", "expected standard"})
BELOW_GOOD = frozenset(
    {
        "requires improvement",
        "inadequate",
        "serious weaknesses",
        "special measures",
        "needs attention",
        "urgent improvement",
    }
)
UNRATED = ""


def normalise_outcome(outcome: str) -> str:
    """Lower case, single spaces; anything that is not a known outcome becomes "" (not rated)."""
    word = " ".join((outcome or "").lower().split())
    return word if word in GOOD_OR_BETTER or word in BELOW_GOOD else UNRATED


def mix_points(outcomes: Sequence[str]) -> int:
    """Ofsted mix points of a group with these outcomes (see the module docstring)."""
    words = [normalise_outcome(outcome) for outcome in outcomes]
    weaker = sum(word in BELOW_GOOD for word in words)
    nobody_to_learn_from = weaker > 0 and not any(word in GOOD_OR_BETTER for word in words)
    return weaker * (weaker - 1) // 2 + int(nobody_to_learn_from)


def normalise_phase(phase: str) -> str:
    return " ".join((phase or "").lower().split())


def km_between(a: SchoolForGrouping, b: SchoolForGrouping) -> float | None:
    if a.easting is None or a.northing is None or b.easting is None or b.northing is None:
        return None
    return math.hypot(a.easting - b.easting, a.northing - b.northing) / 1000.0


def were_partners(a: SchoolForGrouping, b: SchoolForGrouping) -> bool:
    return b.id in a.last_partners or a.id in b.last_partners


def share_trust(a: SchoolForGrouping, b: SchoolForGrouping) -> frozenset[int]:
    return a.trust_ids & b.trust_ids


def group_units(members: Sequence[SchoolForGrouping]) -> dict[str, float]:
    """Each preference's raw amount for a group, computed one pair at a time (the reference the fast
    matrices in `CostModel` are tested against)."""
    units = dict.fromkeys(PREFERENCES, 0.0)
    for a, b in itertools.combinations(members, 2):
        units["phase"] += normalise_phase(a.phase) != normalise_phase(b.phase)
        units["distance"] += km_between(a, b) or 0.0
        units["repeat_partners"] += were_partners(a, b)
    units["ofsted_mix"] = float(mix_points([member.ofsted for member in members]))
    return units


def weighted(units: dict[str, float], weights: PreferenceWeights) -> dict[str, float]:
    factors = weights.as_dict()
    return {name: units[name] * factors[name] for name in PREFERENCES}


class CostModel:
    """Matrices over a fixed list of schools (indices 0..n-1) for the solver.

    `pair` is the weighted pair cost (n x n, 0 on the diagonal); `compatible[a, b]` is False when a and
    b may not share a group (same trust or federation while the rule is on, or a == b). Outcomes are
    coded as small integers (`outcome_code`) so the Ofsted term of a group of size s is the table
    `mix_table(s)[codes...]`.
    """

    def __init__(self, schools: Sequence[SchoolForGrouping], weights: PreferenceWeights, separate_trusts: bool):
        self.schools = list(schools)
        self.weights = weights
        n = len(self.schools)
        phases = [normalise_phase(school.phase) for school in self.schools]
        phase_codes = {phase: code for code, phase in enumerate(sorted(set(phases)))}
        phase_of = np.array([phase_codes[phase] for phase in phases], dtype=np.int64)
        self.phase_mismatch = (phase_of[:, None] != phase_of[None, :]).astype(np.float64)

        located = np.array([s.easting is not None and s.northing is not None for s in self.schools], dtype=bool)
        east = np.array([s.easting if s.easting is not None else 0 for s in self.schools], dtype=np.float64)
        north = np.array([s.northing if s.northing is not None else 0 for s in self.schools], dtype=np.float64)
        km = np.hypot(east[:, None] - east[None, :], north[:, None] - north[None, :]) / 1000.0
        km[~(located[:, None] & located[None, :])] = 0.0
        self.km = km
        self.located = located

        index_of = {school.id: index for index, school in enumerate(self.schools)}
        repeat = np.zeros((n, n), dtype=np.float64)
        for a, school in enumerate(self.schools):
            for partner in school.last_partners:
                b = index_of.get(partner)
                if b is not None and b != a:
                    repeat[a, b] = repeat[b, a] = 1.0
        self.repeat = repeat

        self.pair = (
            weights.phase * self.phase_mismatch + weights.distance * self.km + weights.repeat_partners * self.repeat
        )
        np.fill_diagonal(self.pair, 0.0)

        compatible = np.ones((n, n), dtype=bool)
        if separate_trusts:
            trust_codes = {t: c for c, t in enumerate(sorted({t for s in self.schools for t in s.trust_ids}))}
            if trust_codes:
                member = np.zeros((n, len(trust_codes)), dtype=np.int32)
                for a, school in enumerate(self.schools):
                    for trust in school.trust_ids:
                        member[a, trust_codes[trust]] = 1
                compatible = (member @ member.T) == 0
        np.fill_diagonal(compatible, False)
        self.compatible = compatible
        self.pair_or_inf = np.where(compatible, self.pair, np.inf)

        words = [normalise_outcome(school.ofsted) for school in self.schools]
        self.outcome_words = sorted(set(words))
        codes = {word: code for code, word in enumerate(self.outcome_words)}
        self.outcome_code = np.array([codes[word] for word in words], dtype=np.int64)
        self._mix_tables: dict[int, np.ndarray] = {}
        self._partner_order: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.schools)

    def mix_table(self, size: int) -> np.ndarray:
        """Weighted Ofsted cost of a group of `size` members, indexed by their outcome codes."""
        table = self._mix_tables.get(size)
        if table is None:
            k = len(self.outcome_words)
            band = np.array(
                [1 if word in GOOD_OR_BETTER else -1 if word in BELOW_GOOD else 0 for word in self.outcome_words]
            )
            codes = np.stack(np.meshgrid(*([np.arange(k)] * size), indexing="ij"), axis=-1)
            bands = band[codes]
            weaker = (bands == -1).sum(axis=-1)
            nobody = (weaker > 0) & ~(bands == 1).any(axis=-1)
            table = self.weights.ofsted_mix * (weaker * (weaker - 1) / 2 + nobody)
            self._mix_tables[size] = table
        return table

    def cheapest_partners(self, count: int) -> np.ndarray:
        """For each school, the indices of its `count` cheapest partners (compatible ones first)."""
        count = max(1, min(count, len(self) - 1))
        if self._partner_order is None or self._partner_order.shape[1] < count:
            depth = min(max(count, 16), len(self) - 1)
            # Cheapest first, ties by index: a stable sort of the `depth` cheapest.
            nearest = (
                np.argpartition(self.pair_or_inf, depth - 1, axis=1)[:, :depth]
                if depth < len(self)
                else (np.tile(np.arange(len(self)), (len(self), 1)))
            )
            values = np.take_along_axis(self.pair_or_inf, nearest, axis=1)
            # Ties (e.g. schools without a location) are broken by a fixed scramble rather than by
            # index, so that tied schools do not all share the same few "nearest" partners.
            scramble = (nearest * 104_729 + np.arange(len(self))[:, None] * 7_919) % 1_000_003
            order = np.lexsort((nearest, scramble, values), axis=1)
            self._partner_order = np.take_along_axis(nearest, order, axis=1)
        return self._partner_order[:, :count]

    def costs_of(self, groups: np.ndarray) -> np.ndarray:
        """Cost of each row of member indices; infinity where a row breaks the trust rule."""
        groups = np.asarray(groups, dtype=np.int64)
        size = groups.shape[1]
        total = np.zeros(len(groups))
        for a, b in itertools.combinations(range(size), 2):
            total += self.pair_or_inf[groups[:, a], groups[:, b]]
        return total + self.mix_table(size)[tuple(self.outcome_code[groups].T)]

    def group_cost(self, members: Sequence[int]) -> float:
        """Weighted cost of the group of these indices (pairs + Ofsted term)."""
        index = np.asarray(members, dtype=np.int64)
        pairs = float(np.triu(self.pair[np.ix_(index, index)], 1).sum())
        return pairs + float(self.mix_table(len(index))[tuple(self.outcome_code[index])])

    def group_is_allowed(self, members: Sequence[int]) -> bool:
        index = np.asarray(members, dtype=np.int64)
        block = self.compatible[np.ix_(index, index)]
        return bool(block.sum() == len(index) * (len(index) - 1))
