"""Forming review groups: pure Python in, pure Python out (no Django).

`proposer` is the entry point (`propose_groups`, `check_hard_rules`, `describe_group`); `types` holds the
rules, the inputs and the results; `costs` prices a group; `feasibility` says why rules cannot be met;
`solver` bounds and finds the optimum with `search` (local search) and CP-SAT.
"""

from .feasibility import GroupingTimedOut, size_plan
from .proposer import check_hard_rules, describe_group, hard_rule_problems, propose_groups
from .types import (
    PREFERENCE_UNITS,
    PREFERENCES,
    GroupingInfeasible,
    GroupingResult,
    GroupingRules,
    PreferenceWeights,
    ProposedGroup,
    SchoolForGrouping,
)

__all__ = [
    "PREFERENCES",
    "PREFERENCE_UNITS",
    "GroupingInfeasible",
    "GroupingResult",
    "GroupingRules",
    "GroupingTimedOut",
    "PreferenceWeights",
    "ProposedGroup",
    "SchoolForGrouping",
    "check_hard_rules",
    "describe_group",
    "hard_rule_problems",
    "propose_groups",
    "size_plan",
]
