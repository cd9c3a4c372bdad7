"""Plain data passed in and out of the review-group proposer (see `reviews.grouping` for the story).

Nothing here knows about Django: the caller turns its models into `SchoolForGrouping` and turns the
`GroupingResult` back into rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

PREFERENCES = ("phase", "distance", "repeat_partners", "ofsted_mix")
"""The weighted preferences, in the order they are reported."""

PREFERENCE_UNITS = {
    "phase": "pairs of members with different phases",
    "distance": "km of straight-line distance, summed over every pair of members",
    "repeat_partners": "pairs of members who were partners last cycle",
    "ofsted_mix": "mix points: 1 per pair of members rated below Good, 1 more if no member is Good or better",
}

RULE_EVERY_SCHOOL_ONCE = "every school in exactly one group"
RULE_GROUP_SIZES = "group sizes"
RULE_TRUSTS_APART = "no two schools of one trust or federation in a group"
RULE_LOCKED_KEPT = "locked groups kept"

MIN_GROUP_SIZE = 2
MAX_GROUP_SIZE = 5


@dataclass(frozen=True)
class SchoolForGrouping:
    """One enrolled school, as the proposer sees it.

    `trust_ids` holds the ids of the school's trust and/or federation (one id space: the caller makes
    sure a trust and a federation never share an id). `easting`/`northing` are Ordnance Survey grid
    metres (GIAS `Easting`/`Northing`); None when unknown. `ofsted` is the latest outcome word, legacy
    ("Outstanding", "Good", "Requires improvement", "Inadequate", "Serious Weaknesses", "Special
    Measures") or renewed framework ("Exceptional", "Strong standard", "Expected standard", "Needs
    attention", "Urgent improvement"); anything else (including "") counts as not rated.
    `last_partners` are the ids of the schools it was grouped with in the previous cycle.
    """

    id: int
    name: str
    phase: str = ""
    trust_ids: frozenset[int] = frozenset()
    easting: int | None = None
    northing: int | None = None
    ofsted: str = ""
    last_partners: frozenset[int] = frozenset()


@dataclass(frozen=True)
class PreferenceWeights:
    """How much one unit of each preference costs, in points (see PREFERENCE_UNITS for the units).

    The defaults read as: one pair of different phases is worth 20 km of extra travel, one repeated
    partnership 30 km, one Ofsted mix point 10 km. A weight of 0 switches a preference off.
    """

    phase: float = 20.0
    distance: float = 1.0
    repeat_partners: float = 30.0
    ofsted_mix: float = 10.0

    def __post_init__(self) -> None:
        for name in PREFERENCES:
            value = getattr(self, name)
            if not value >= 0:  # also refuses NaN
                raise ValueError(f"The weight of {name} must be a number of 0 or more, not {value!r}.")

    def as_dict(self) -> dict[str, float]:
        return {name: float(getattr(self, name)) for name in PREFERENCES}


@dataclass(frozen=True)
class GroupingRules:
    """The cycle's hard rules and preferences.

    Group sizes: groups have `group_size` schools (2-5, default 3). When the number of schools to
    group does not divide, `remainder` says which way the few other groups go: "larger" (default:
    10 schools in triads become 3 + 3 + 4) or "smaller" (10 become 3 + 3 + 2 + 2). The allowed range is
    `min_size`..`max_size`; by default it is group_size..group_size+1 for "larger" and
    group_size-1..group_size for "smaller" (turned the other way at the ends of 2-5: groups of 5
    "larger" may use 4s). Explicit `min_size`/`max_size` widen or narrow it; the proposer always uses as
    few groups of another size as the range allows (see `size_plan`). Locked groups must also fit the
    range.

    `time_limit_seconds` bounds the whole proposal (wall clock). `workers` is CP-SAT's thread count
    when it merges the best groups found; with more than one, CP-SAT runs its deterministic parallel
    mode (`interleave_search`). The infeasibility proof always uses one (a reproducible core). One is
    the default: on this problem the single-threaded search solved the merge in about a tenth of the
    time two interleaved workers took (600-school benchmark), and it leaves the other core free.
    The search is deterministic (same input, same output) unless the wall-clock limit cuts it short:
    see `GroupingResult.reproducible`.
    """

    group_size: int = 3
    remainder: str = "larger"
    min_size: int | None = None
    max_size: int | None = None
    separate_trusts: bool = True
    weights: PreferenceWeights = field(default_factory=PreferenceWeights)
    time_limit_seconds: float = 8.0
    workers: int = 1
    random_seed: int = 0

    def __post_init__(self) -> None:
        if not MIN_GROUP_SIZE <= self.group_size <= MAX_GROUP_SIZE:
            raise ValueError(f"The group size must be {MIN_GROUP_SIZE}-{MAX_GROUP_SIZE}, not {self.group_size}.")
        if self.remainder not in ("larger", "smaller"):
            raise ValueError(f'remainder must be "larger" or "smaller", not {self.remainder!r}.')
        low, high = self.size_range
        if not MIN_GROUP_SIZE <= low <= self.group_size <= high <= MAX_GROUP_SIZE:
            raise ValueError(
                f"Sizes {low}-{high} must include the group size {self.group_size} and stay within "
                f"{MIN_GROUP_SIZE}-{MAX_GROUP_SIZE}."
            )
        if not self.time_limit_seconds > 0:
            raise ValueError("The time limit must be positive.")
        if self.workers < 1:
            raise ValueError("At least one worker is needed.")

    @property
    def size_range(self) -> tuple[int, int]:
        """(smallest, largest) group size allowed."""
        size = self.group_size
        larger = self.remainder == "larger"
        if larger and size == MAX_GROUP_SIZE:
            larger = False
        elif not larger and size == MIN_GROUP_SIZE:
            larger = True
        default = (size, size + 1) if larger else (size - 1, size)
        return (
            default[0] if self.min_size is None else self.min_size,
            default[1] if self.max_size is None else self.max_size,
        )


@dataclass(frozen=True)
class ProposedGroup:
    """One group and why it was formed.

    `units` holds each preference's raw amount (see PREFERENCE_UNITS), `costs` the same times its
    weight, `total_cost` their sum. `explanation` holds lines a coordinator can read.
    """

    school_ids: tuple[int, ...]
    costs: dict[str, float]
    units: dict[str, float]
    total_cost: float
    explanation: tuple[str, ...]
    locked: bool = False


@dataclass(frozen=True)
class GroupingResult:
    """The proposal.

    `total_cost` sums every group's cost (locked groups included). `lower_bound` is a lower bound on
    the total cost of ANY grouping that keeps the locked groups and meets every hard rule (not only of
    the groupings the solver looked at): the locked groups' cost plus a Lagrangian bound from column
    generation, see `reviews.grouping.solver`. `gap` is (cost - bound) / bound over the re-proposed
    part only (the locked groups' cost is a constant that would flatter it); 0 when both are 0.
    `hard_rules_met` comes from `check_hard_rules`, which knows nothing of the solver. `reproducible`
    is False when a wall-clock limit stopped a search early (then another run may return another
    grouping). `stats` holds the solver's figures (iterations, columns, each stage's cost and time).
    """

    groups: tuple[ProposedGroup, ...]
    total_cost: float
    lower_bound: float
    gap: float
    status: str
    hard_rules_met: dict[str, bool]
    seconds: float
    size_plan: dict[int, int]
    reproducible: bool = True
    bound_description: str = ""
    stats: dict[str, float] = field(default_factory=dict)


class GroupingInfeasible(Exception):  # noqa: N818 - the name says what happened, as the issue asks
    """The hard rules cannot all be met; `reasons` says which, in words a coordinator can act on."""

    def __init__(self, reasons: list[str]):
        self.reasons = list(reasons)
        super().__init__(" ".join(self.reasons))
