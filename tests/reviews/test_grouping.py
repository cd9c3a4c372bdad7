"""The review-group proposer (reviews.grouping): hard rules, preferences, explanations, infeasibility,
determinism and the bound. Plain functions, no database."""

import itertools
import random

import numpy as np
import pytest

from benchmarks.realistic_schools import county_schools
from reviews.grouping import (
    GroupingInfeasible,
    GroupingRules,
    PreferenceWeights,
    SchoolForGrouping,
    check_hard_rules,
    describe_group,
    hard_rule_problems,
    propose_groups,
    size_plan,
)
from reviews.grouping.costs import CostModel, group_units, mix_points, weighted
from reviews.grouping.types import RULE_EVERY_SCHOOL_ONCE, RULE_GROUP_SIZES, RULE_LOCKED_KEPT, RULE_TRUSTS_APART

FAST = {"time_limit_seconds": 5.0}
ORIGIN_E, ORIGIN_N = 400_000, 200_000


def school(
    school_id,
    at=(0.0, 0.0),
    *,
    name=None,
    phase="Primary",
    trusts=(),
    ofsted="Good",
    last=(),
):
    """A school `at` (east km, north km) from an arbitrary origin; at=None: location unknown."""
    return SchoolForGrouping(
        id=school_id,
        name=name or f"School {school_id}",
        phase=phase,
        trust_ids=frozenset(trusts),
        easting=None if at is None else ORIGIN_E + round(at[0] * 1000),
        northing=None if at is None else ORIGIN_N + round(at[1] * 1000),
        ofsted=ofsted,
        last_partners=frozenset(last),
    )


def as_sets(result):
    return {frozenset(group.school_ids) for group in result.groups}


def all_met(result):
    return bool(result.hard_rules_met) and all(result.hard_rules_met.values())


# --- Size plan --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "rules", "expected"),
    [
        (600, GroupingRules(), {3: 200}),
        (10, GroupingRules(), {3: 2, 4: 1}),
        (11, GroupingRules(), {3: 1, 4: 2}),
        (10, GroupingRules(remainder="smaller"), {2: 2, 3: 2}),
        (11, GroupingRules(remainder="smaller"), {2: 1, 3: 3}),
        (4, GroupingRules(), {4: 1}),
        (2, GroupingRules(), None),
        (5, GroupingRules(), None),
        (5, GroupingRules(min_size=2), {2: 1, 3: 1}),
        (12, GroupingRules(group_size=5), {4: 3}),
        (13, GroupingRules(group_size=4), {4: 2, 5: 1}),
        (7, GroupingRules(group_size=2), {2: 2, 3: 1}),
        (0, GroupingRules(), {}),
    ],
)
def test_size_plan_uses_as_few_groups_of_another_size_as_possible(count, rules, expected):
    assert size_plan(count, rules) == expected


def test_rules_refuse_sizes_outside_2_to_5_and_bad_weights():
    with pytest.raises(ValueError, match="2-5"):
        GroupingRules(group_size=6)
    with pytest.raises(ValueError, match="stay within"):
        GroupingRules(group_size=5, max_size=6)
    with pytest.raises(ValueError, match="remainder"):
        GroupingRules(remainder="sideways")
    with pytest.raises(ValueError, match="weight of distance"):
        PreferenceWeights(distance=-1)


# --- Hard rules -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "group_size", "remainder", "seed"),
    [(9, 3, "larger", 1), (10, 3, "larger", 1), (10, 3, "smaller", 1), (23, 3, "larger", 1), (8, 2, "larger", 1),
     (9, 2, "larger", 1), (16, 4, "larger", 1), (18, 4, "smaller", 1), (20, 5, "larger", 3), (23, 5, "larger", 2),
     (40, 3, "larger", 1)],
)  # fmt: skip
@pytest.mark.parametrize("separate_trusts", [True, False])
def test_every_hard_rule_is_met_for_sizes_2_to_5_and_uneven_counts(count, group_size, remainder, seed, separate_trusts):
    county = county_schools(count, seed=seed)  # seeds whose trusts can be kept apart (counting says so)
    rules = GroupingRules(group_size=group_size, remainder=remainder, separate_trusts=separate_trusts, **FAST)
    result = propose_groups(county.schools, rules, trust_names=county.trust_names)

    assert all_met(result), hard_rule_problems(county.schools, [g.school_ids for g in result.groups], rules)
    assert (RULE_TRUSTS_APART in result.hard_rules_met) is separate_trusts
    assert sorted(i for g in result.groups for i in g.school_ids) == sorted(s.id for s in county.schools)
    sizes = sorted(len(g.school_ids) for g in result.groups)
    assert sizes == sorted(size for size, n in size_plan(count, rules).items() for _ in range(n))
    assert result.lower_bound <= result.total_cost + 1e-6
    assert result.total_cost == pytest.approx(sum(g.total_cost for g in result.groups))


def test_trust_rule_separates_schools_that_distance_alone_would_group():
    # Two tight clusters 30 km apart; in the west one, schools 1 and 2 share a trust.
    west = [school(1, (0, 0), trusts={7}), school(2, (0.1, 0), trusts={7}), school(3, (0, 0.1))]
    east = [school(4, (30, 0)), school(5, (30.1, 0)), school(6, (30, 0.1))]
    apart = propose_groups(west + east, GroupingRules(separate_trusts=True, **FAST))
    together = propose_groups(west + east, GroupingRules(separate_trusts=False, **FAST))

    assert together.hard_rules_met == {RULE_EVERY_SCHOOL_ONCE: True, RULE_GROUP_SIZES: True}
    assert as_sets(together) == {frozenset({1, 2, 3}), frozenset({4, 5, 6})}
    assert all_met(apart)
    assert not any({1, 2} <= group for group in as_sets(apart))
    assert any("both in trust or federation 7 (allowed" in line for g in together.groups for line in g.explanation)


def test_federation_ids_count_like_trusts():
    schools = [school(1, (0, 0), trusts={1001}), school(2, (0, 0), trusts={5, 1001}), school(3, (0, 0))]
    schools += [school(4, (1, 0)), school(5, (1, 0)), school(6, (1, 0), trusts={5})]
    result = propose_groups(schools, GroupingRules(**FAST))
    assert all_met(result)
    for group in as_sets(result):
        assert not ({1, 2} <= group or {2, 6} <= group)


def test_locked_groups_are_kept_exactly_and_the_rest_is_reproposed():
    county = county_schools(30, seed=11)
    ids = [s.id for s in county.schools]
    by_id = {s.id: s for s in county.schools}
    # Lock an expensive group (far apart schools) that the proposer would never make itself.
    far = sorted(county.schools, key=lambda s: s.easting)
    candidates = [far[0], far[len(far) // 2], far[-1]]
    if any(a.trust_ids & b.trust_ids for a, b in itertools.combinations(candidates, 2)):
        candidates = [far[1], far[len(far) // 2 + 1], far[-2]]
    locked = [tuple(s.id for s in candidates)]
    rules = GroupingRules(**FAST)
    result = propose_groups(county.schools, rules, locked_groups=locked, trust_names=county.trust_names)

    assert all_met(result) and result.hard_rules_met[RULE_LOCKED_KEPT]
    locked_groups = [g for g in result.groups if g.locked]
    assert [set(g.school_ids) for g in locked_groups] == [set(locked[0])]
    assert "Locked by the coordinator" in locked_groups[0].explanation
    assert locked_groups[0].total_cost == pytest.approx(describe_group(by_id, locked[0], rules).total_cost)
    assert sorted(i for g in result.groups for i in g.school_ids) == sorted(ids)
    # The other 27 schools were regrouped on their own (nine triads) and the totals include the lock.
    assert result.size_plan == {3: 9}
    assert result.total_cost == pytest.approx(sum(g.total_cost for g in result.groups))
    assert result.lower_bound >= locked_groups[0].total_cost


def test_relocking_the_whole_proposal_returns_it_unchanged():
    county = county_schools(15, seed=3)
    first = propose_groups(county.schools, GroupingRules(**FAST))
    again = propose_groups(county.schools, GroupingRules(**FAST), locked_groups=[g.school_ids for g in first.groups])
    assert as_sets(again) == as_sets(first)
    assert all(g.locked for g in again.groups)
    assert again.total_cost == pytest.approx(first.total_cost)


# --- Preferences change the result -------------------------------------------------------------------


def test_same_phase_grouping_when_possible():
    # Each spot has a primary and a secondary; distance alone is indifferent to how they are paired up.
    spots = [(0, 0), (2, 0), (0, 2)]
    schools = [school(i + 1, spot, phase="Primary") for i, spot in enumerate(spots)]
    schools += [school(i + 4, spot, phase="Secondary") for i, spot in enumerate(spots)]
    result = propose_groups(schools, GroupingRules(**FAST))
    assert as_sets(result) == {frozenset({1, 2, 3}), frozenset({4, 5, 6})}
    assert all(g.units["phase"] == 0 for g in result.groups)
    assert {g.explanation[0] for g in result.groups} == {"Same phase (Primary)", "Same phase (Secondary)"}


def test_phase_preference_switched_off_lets_distance_decide():
    # Primary and secondary at each of two spots 10 km apart: phase says split by phase, distance by spot.
    schools = [school(1, (0, 0)), school(2, (0, 0.1)), school(3, (10, 0)), school(4, (10, 0.1))]
    schools += [school(5, (0, 0.2), phase="Secondary"), school(6, (10, 0.2), phase="Secondary")]
    by_phase = propose_groups(schools, GroupingRules(**FAST))
    by_distance = propose_groups(schools, GroupingRules(weights=PreferenceWeights(phase=0), **FAST))
    assert as_sets(by_distance) == {frozenset({1, 2, 5}), frozenset({3, 4, 6})}
    assert as_sets(by_phase) != as_sets(by_distance)


def test_nearby_schools_are_grouped():
    rng = random.Random(4)
    towns = [(0, 0), (25, 0), (0, 25), (25, 25)]
    schools, town_of = [], {}
    for t, (east, north) in enumerate(towns):
        for k in range(3):
            sid = 10 * t + k + 1
            schools.append(school(sid, (east + rng.uniform(-1, 1), north + rng.uniform(-1, 1))))
            town_of[sid] = t
    rng.shuffle(schools)
    result = propose_groups(schools, GroupingRules(**FAST))
    for group in result.groups:
        assert len({town_of[i] for i in group.school_ids}) == 1
        assert group.units["distance"] < 10


def test_last_cycles_partners_are_avoided_when_an_alternative_exists():
    last = [{1, 2, 3}, {4, 5, 6}, {7, 8, 9}]
    schools = [school(i, (0, 0), last=set(next(g for g in last if i in g)) - {i}) for i in range(1, 10)]
    result = propose_groups(schools, GroupingRules(**FAST))
    for group in as_sets(result):
        assert all(len(group & old) <= 1 for old in last)
    assert result.total_cost == 0
    # Without the preference the solver has no reason to avoid them; with it, the cost says why.
    unavoidable = propose_groups(schools[:6], GroupingRules(**FAST))
    assert sum(g.units["repeat_partners"] for g in unavoidable.groups) == 2
    assert any("were partners last cycle" in line for g in unavoidable.groups for line in g.explanation)


def test_weaker_schools_are_spread_across_groups():
    outcomes = ["Requires improvement", "Inadequate", "Good", "Good", "Outstanding", "Good"]
    schools = [school(i + 1, (0, 0), ofsted=o) for i, o in enumerate(outcomes)]
    result = propose_groups(schools, GroupingRules(**FAST))
    assert not any({1, 2} <= group for group in as_sets(result))
    assert result.total_cost == 0
    assert all("stronger and weaker schools together" in " ".join(g.explanation) for g in result.groups)


def test_preference_weights_trade_off_as_documented():
    # 1 and 2 were partners. Keeping the west triad costs one repeat (30 points by default); splitting
    # 1 from 2 sends two schools 12 km east, about 43 km more in all. Weight 100 tips the balance.
    west = [school(1, (0, 0), last={2}), school(2, (0, 1), last={1}), school(3, (0, 2))]
    east = [school(4, (12, 0)), school(5, (12, 1)), school(6, (12, 2))]
    default = propose_groups(west + east, GroupingRules(**FAST))
    strict = propose_groups(west + east, GroupingRules(weights=PreferenceWeights(repeat_partners=100), **FAST))
    assert as_sets(default) == {frozenset({1, 2, 3}), frozenset({4, 5, 6})}
    assert not any({1, 2} <= group for group in as_sets(strict))
    assert sum(g.units["repeat_partners"] for g in strict.groups) == 0


# --- Costs and explanations -------------------------------------------------------------------------


def test_explanation_states_each_preference_and_its_cost():
    by_id = {
        1: school(1, (0, 0), name="Kingsmead Primary", last={2}),
        2: school(2, (3, 4), name="Otterbrook Primary", ofsted="Requires improvement"),
        3: school(3, (0, 4), name="Ashford Academy", phase="Special", ofsted="Outstanding"),
    }
    group = describe_group(by_id, [3, 1, 2], GroupingRules())

    assert group.school_ids == (1, 2, 3)
    assert group.explanation[0] == "Mixed phases: Primary (2), Special (1); 2 pairs differ"
    assert (
        "Longest distance 5.0 km (Kingsmead Primary - Otterbrook Primary); 12.0 km over all pairs" in group.explanation
    )
    assert "Kingsmead Primary and Otterbrook Primary were partners last cycle" in group.explanation
    assert "Ofsted mix: Good, Requires improvement, Outstanding (stronger and weaker schools together)" in (
        group.explanation
    )
    assert "No two members share a trust or federation" in group.explanation
    assert group.units == {"phase": 2, "distance": pytest.approx(12.0), "repeat_partners": 1, "ofsted_mix": 0}
    assert group.costs == {"phase": 40, "distance": pytest.approx(12.0), "repeat_partners": 30, "ofsted_mix": 0}
    assert group.total_cost == pytest.approx(82.0)
    # Issue 12: the explanation is in words; the figures stay in `costs` (shown under details).
    assert not any(word in line.lower() for line in group.explanation for word in ("cost", "points", "bound"))


def test_ofsted_mix_points():
    assert mix_points(["Good", "Good", "Good"]) == 0
    assert mix_points(["Good", "Requires improvement", "Inadequate"]) == 1
    assert mix_points(["Requires improvement", "Inadequate"]) == 2  # one weak pair, nobody to learn from
    assert mix_points(["requires  improvement", "Needs attention", "Special Measures"]) == 4
    assert mix_points(["Requires improvement", "", "Not yet inspected"]) == 1
    assert mix_points(["", "", ""]) == 0
    assert mix_points(["Urgent improvement", "Expected standard"]) == 0
    by_id = {i: school(i, ofsted=o) for i, o in enumerate(["Requires improvement", "Inadequate", ""], start=1)}
    line = next(x for x in describe_group(by_id, [1, 2, 3]).explanation if x.startswith("Ofsted"))
    assert line == (
        "Ofsted mix: Requires improvement, Inadequate, not rated "
        "(2 schools rated below Good together; no school rated Good or better)"
    )


def test_missing_location_is_neutral_and_said():
    schools = [school(1, (0, 0), name="Hilltop"), school(2, None, name="Nowhere"), school(3, (0, 6), name="Dale")]
    group = describe_group({s.id: s for s in schools}, [1, 2, 3])
    assert group.units["distance"] == pytest.approx(6.0)
    assert "Nowhere has no known location: distances to it are not counted" in group.explanation
    result = propose_groups([*schools, school(4, None), school(5, (50, 0)), school(6, (50, 1))], GroupingRules(**FAST))
    assert all_met(result)


def test_fast_cost_model_agrees_with_the_plain_one():
    county = county_schools(40, seed=8)
    rules = GroupingRules()
    model = CostModel(county.schools, rules.weights, separate_trusts=True)
    rng = random.Random(1)
    for size in (2, 3, 4, 5):
        for _ in range(30):
            members = rng.sample(range(40), size)
            plain = sum(weighted(group_units([county.schools[i] for i in members]), rules.weights).values())
            assert model.group_cost(members) == pytest.approx(plain)
            assert model.costs_of(np.array([members]))[0] == pytest.approx(plain) or not model.group_is_allowed(members)


# --- Infeasible rules are explained -----------------------------------------------------------------


def test_too_few_schools_for_the_group_size():
    with pytest.raises(GroupingInfeasible) as raised:
        propose_groups([school(1), school(2)], GroupingRules(**FAST))
    assert raised.value.reasons == [
        "2 schools cannot be split into groups of 3-4. Allow other group sizes (smaller or larger groups for "
        "the remainder), or enrol or withdraw schools."
    ]


def test_a_trust_with_more_schools_than_groups():
    schools = [school(i, (i, 0), trusts={7}) for i in range(1, 8)] + [school(8, (8, 0)), school(9, (9, 0))]
    with pytest.raises(GroupingInfeasible) as raised:
        propose_groups(schools, GroupingRules(**FAST), trust_names={7: "Riverside Academies Trust"})
    assert raised.value.reasons == [
        "'Riverside Academies Trust' has 7 of the 9 schools to group; with groups of 3 and no two schools of one "
        "trust in a group, at most 3 groups can each hold one of its schools."
    ]
    # The same schools can be grouped when the cycle lets trusts share groups.
    assert all_met(propose_groups(schools, GroupingRules(separate_trusts=False, **FAST)))


def test_a_school_in_a_trust_and_a_federation_counts_for_both():
    schools = [school(1, trusts={1}), school(2, trusts={1}), school(3, trusts={2}), school(4, trusts={2})]
    schools += [school(5, trusts={3}), school(6, trusts={3})]
    rules = GroupingRules(min_size=3, max_size=3, **FAST)
    assert all_met(propose_groups(schools, rules))
    schools[5] = school(6, trusts={1, 3})  # now also in trust 1, which then has 3 schools for 2 groups
    with pytest.raises(GroupingInfeasible) as raised:
        propose_groups(schools, rules, trust_names={1: "Alpha Trust"})
    assert raised.value.reasons == [
        "'Alpha Trust' has 3 of the 6 schools to group; with groups of 3 and no two schools of one trust in a "
        "group, at most 2 groups can each hold one of its schools."
    ]


def test_combined_counting_reason_names_the_trusts():
    # Three trusts of two schools each. In three pairs they fit; in a group of 4 and a pair they cannot:
    # a group holds at most one school of each trust, so at most 3 + 2 = 5 of the 6.
    schools = [school(i, trusts={(i + 1) // 2}) for i in range(1, 7)]
    rules = GroupingRules(group_size=2, min_size=2, max_size=4, **FAST)
    assert size_plan(6, rules) == {2: 3}
    assert all_met(propose_groups(schools, rules))
    rules_of_6 = GroupingRules(group_size=4, min_size=2, max_size=4, **FAST)  # 6 = 4 + 2
    assert size_plan(6, rules_of_6) == {2: 1, 4: 1}
    with pytest.raises(GroupingInfeasible) as raised:
        propose_groups(schools, rules_of_6, trust_names={1: "Alpha", 2: "Beta", 3: "Gamma"})
    assert raised.value.reasons == [
        "'Alpha', 'Beta' and 'Gamma' have 6 of the 6 schools to group between them; with groups of 2 (1) and "
        "4 (1) and no two schools of one trust in a group, each group can hold at most 3 of them (one of each), "
        "so the 2 groups at most 5."
    ]


def test_overlapping_trusts_proved_impossible_by_cp_sat_are_named():
    # Counting cannot see it: each trust has 2 schools for 2 groups. But school 1 clashes with 2 and 3,
    # which clash with each other, so no triad can take any two of 1, 2, 3 and two triads cannot hold them.
    schools = [school(1, trusts={1, 2}), school(2, trusts={1, 4}), school(3, trusts={2, 4})]
    schools += [school(4, trusts={3}), school(5, trusts={3}), school(6)]
    names = {1: "Alpha Trust", 2: "Beta Federation", 3: "Gamma Trust", 4: "Delta Trust"}
    with pytest.raises(GroupingInfeasible) as raised:
        propose_groups(schools, GroupingRules(min_size=3, max_size=3, **FAST), trust_names=names)
    (reason,) = raised.value.reasons
    assert reason.startswith("No grouping into groups of 3 keeps apart the schools of ")
    for name in ("'Alpha Trust'", "'Beta Federation'", "'Delta Trust'"):
        assert name in reason
    assert "'Gamma Trust'" not in reason


def test_locked_groups_that_break_the_rules_are_each_explained():
    schools = [school(i, name=f"S{i}", trusts={9} if i in (1, 2) else ()) for i in range(1, 11)]
    locked = [(1, 2, 3), (3, 4, 5), (6, 7), (8, 9, 99)]
    with pytest.raises(GroupingInfeasible) as raised:
        propose_groups(schools, GroupingRules(**FAST), locked_groups=locked, trust_names={9: "Nine Trust"})
    assert raised.value.reasons == [
        "Locked group 1 (S1, S2 and S3) breaks the trust rule: S1 and S2 are both in 'Nine Trust'.",
        "S3 is in two locked groups (1 and 2).",
        "Locked group 3 (S6 and S7) has 2 schools; groups must have 3-4.",
        "Locked group 4 has school 99, which is not enrolled in this cycle.",
        "1 school still to group cannot be split into groups of 3-4. Allow other group sizes (smaller or larger "
        "groups for the remainder), or enrol or withdraw schools.",
    ]


def test_duplicate_school_ids_are_a_programming_error():
    with pytest.raises(ValueError, match="given twice"):
        propose_groups([school(1), school(1), school(2)], GroupingRules(**FAST))


# --- The independent checker ------------------------------------------------------------------------


def test_check_hard_rules_catches_each_broken_rule():
    schools = [school(i, trusts={5} if i in (1, 2) else ()) for i in range(1, 8)]
    rules = GroupingRules()
    good = [(1, 3, 4), (2, 5, 6, 7)]
    assert check_hard_rules(schools, good, rules) == {
        RULE_EVERY_SCHOOL_ONCE: True,
        RULE_GROUP_SIZES: True,
        RULE_TRUSTS_APART: True,
    }
    assert not check_hard_rules(schools, [(1, 3, 4), (2, 5, 6)], rules)[RULE_EVERY_SCHOOL_ONCE]
    assert not check_hard_rules(schools, [(1, 3, 4), (2, 5, 6, 7, 4)], rules)[RULE_EVERY_SCHOOL_ONCE]
    assert not check_hard_rules(schools, [(1, 3, 4), (2, 5, 6, 7, 8)], rules)[RULE_EVERY_SCHOOL_ONCE]
    assert not check_hard_rules(schools, [(1, 3), (4, 2, 5, 6, 7)], rules)[RULE_GROUP_SIZES]
    assert not check_hard_rules(schools, [(1, 2, 4), (3, 5, 6, 7)], rules)[RULE_TRUSTS_APART]
    assert RULE_TRUSTS_APART not in check_hard_rules(schools, good, GroupingRules(separate_trusts=False))
    met = check_hard_rules(schools, good, rules, locked_groups=[(1, 3, 5)])
    assert met[RULE_LOCKED_KEPT] is False
    problems = hard_rule_problems(schools, [(1, 2, 4), (3, 5, 6, 7)], rules)
    assert problems[RULE_TRUSTS_APART] == ["School 1 and School 2 share a trust or federation"]


# --- Determinism and the bound ----------------------------------------------------------------------


def test_same_input_same_output():
    county = county_schools(90, seed=21)
    rules = GroupingRules(workers=2, time_limit_seconds=60)  # deterministic limits, not the clock, decide
    first = propose_groups(county.schools, rules, trust_names=county.trust_names)
    second = propose_groups(list(county.schools), rules, trust_names=county.trust_names)
    assert first.reproducible and second.reproducible
    assert [g.school_ids for g in first.groups] == [g.school_ids for g in second.groups]
    assert first.total_cost == second.total_cost and first.lower_bound == second.lower_bound


def _brute_force_optimum(schools, rules):
    """The cheapest grouping by enumerating every split (tiny instances only)."""
    by_id = {s.id: s for s in schools}
    plan = size_plan(len(schools), rules)
    sizes = tuple(sorted(size for size, count in plan.items() for _ in range(count)))
    best = float("inf")

    def splits(items, sizes_left):
        if not sizes_left:
            yield []
            return
        first, rest = items[0], items[1:]
        for size in sorted(set(sizes_left)):
            remaining = list(sizes_left)
            remaining.remove(size)
            for others in itertools.combinations(rest, size - 1):
                left = [i for i in rest if i not in others]
                for tail in splits(left, tuple(remaining)):
                    yield [(first, *others), *tail]

    for grouping in splits([s.id for s in schools], sizes):
        if rules.separate_trusts and not check_hard_rules(schools, grouping, rules)[RULE_TRUSTS_APART]:
            continue
        cost = sum(sum(weighted(group_units([by_id[i] for i in group]), rules.weights).values()) for group in grouping)
        best = min(best, cost)
    return best


@pytest.mark.parametrize(
    ("count", "group_size", "seed"),
    [(9, 3, 1), (9, 3, 2), (10, 3, 3), (11, 3, 4), (8, 2, 5), (9, 2, 6), (8, 4, 7), (9, 4, 8), (10, 5, 9)],
)
def test_bound_is_below_the_true_optimum_and_tiny_instances_are_solved_exactly(count, group_size, seed):
    rng = random.Random(seed)
    outcomes = ["Good", "Good", "Outstanding", "Requires improvement", "Inadequate", ""]
    phases = ["Primary", "Primary", "Primary", "Secondary", "Special"]
    schools = [
        school(
            i,
            (rng.uniform(0, 15), rng.uniform(0, 15)),
            phase=rng.choice(phases),
            ofsted=rng.choice(outcomes),
            trusts={1} if i in (1, 2) else ({2} if i in (3, 4) else ()),
            last={i + 1} if i % 3 == 1 else (),
        )
        for i in range(1, count + 1)
    ]
    rules = GroupingRules(group_size=group_size, **FAST)
    optimum = _brute_force_optimum(schools, rules)
    result = propose_groups(schools, rules)
    assert result.lower_bound <= optimum + 1e-6
    assert result.total_cost == pytest.approx(optimum)
    assert result.status == "optimal" or result.gap > 0


def test_realistic_generator_has_the_documented_shape():
    county = county_schools(200, seed=3)
    phases = [s.phase for s in county.schools]
    assert phases.count("Primary") == 160 and phases.count("Secondary") == 30
    in_trusts = sum(1 for s in county.schools if any(t < 1000 for t in s.trust_ids))
    assert 40 <= in_trusts <= 60
    assert len({s.name for s in county.schools}) == 200
    assert all(420_000 <= s.easting <= 480_000 and 250_000 <= s.northing <= 310_000 for s in county.schools)
    assert sum(1 for s in county.schools if s.last_partners) > 150
    assert county_schools(200, seed=3) == county


def test_zero_weights_and_missing_locations_are_handled_quickly():
    county = county_schools(60, seed=2)
    zero = GroupingRules(weights=PreferenceWeights(0, 0, 0, 0), **FAST)
    result = propose_groups(county.schools, zero, trust_names=county.trust_names)
    assert all_met(result) and result.total_cost == 0 and result.status == "optimal"
    nowhere = [SchoolForGrouping(id=s.id, name=s.name, phase=s.phase, trust_ids=s.trust_ids) for s in county.schools]
    result = propose_groups(nowhere, GroupingRules(**FAST))
    assert all_met(result)
    assert all(g.units["distance"] == 0 for g in result.groups)
    assert result.lower_bound <= result.total_cost
