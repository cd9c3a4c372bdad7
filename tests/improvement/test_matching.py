"""The matching rules on many random cases (a fixed seed, so a failure is seen again): never a conflicted,
same-trust (unless allowed), own-school, inactive or over-capacity leader; every proposal explains itself; the
best are first."""

import random

import pytest

from improvement.matching import LeaderFacts, RequestFacts, propose, refusal

FOCUS = ["Early reading", "Mathematics", "SEND", "Leadership", "Attendance"]
PHASES = ["primary", "secondary", "special", "nursery"]
CASES = 600


def random_leader(rng: random.Random, number: int) -> LeaderFacts:
    capacity = rng.randint(0, 12)
    return LeaderFacts(
        id=number,
        name=f"Leader {number}",
        school_id=rng.choice([None, *range(1, 30)]),
        trust_id=rng.choice([None, None, 1, 2, 3]),
        easting=rng.choice([None, rng.randint(380_000, 460_000)]),
        northing=rng.choice([None, rng.randint(280_000, 360_000)]),
        focus_areas=frozenset(rng.sample(FOCUS, rng.randint(0, 3))),
        phases=frozenset(rng.sample(PHASES, rng.randint(0, 2))),
        capacity=capacity,
        used=rng.randint(0, capacity + 2),
        active=rng.random() > 0.1,
    )


def random_case(rng: random.Random):
    leaders = [random_leader(rng, number) for number in range(rng.randint(0, 40))]
    request = RequestFacts(
        school_id=rng.randint(1, 30),
        trust_id=rng.choice([None, 1, 2, 3]),
        easting=rng.choice([None, rng.randint(380_000, 460_000)]),
        northing=rng.randint(280_000, 360_000),
        focus=rng.choice(FOCUS),
        phase=rng.choice(PHASES),
        days=rng.randint(1, 6),
        allow_same_trust=rng.random() < 0.3,
    )
    conflicts = {leader.id for leader in leaders if rng.random() < 0.15}
    return request, leaders, conflicts


@pytest.mark.parametrize("seed", range(CASES))
def test_no_proposal_breaks_a_rule_and_each_says_why(seed):
    rng = random.Random(seed)
    request, leaders, conflicts = random_case(rng)
    limit = rng.randint(1, 10)
    proposals = propose(request, leaders, conflicts, limit=limit)
    assert len(proposals) <= limit
    for proposal in proposals:
        leader = proposal.leader
        assert leader.id not in conflicts
        assert leader.active
        assert leader.remaining >= request.days
        assert leader.school_id is None or leader.school_id != request.school_id
        if not request.allow_same_trust and request.trust_id is not None:
            assert leader.trust_id != request.trust_id
        assert proposal.reasons and any("days left" in reason for reason in proposal.reasons)
        assert (request.focus in leader.focus_areas) == any("expertise in" in reason for reason in proposal.reasons)
    scores = [proposal.score for proposal in proposals]
    assert scores == sorted(scores, reverse=True)
    # Nobody eligible is left out for someone who scores lower.
    eligible = [leader for leader in leaders if refusal(request, leader, leader.id in conflicts) is None]
    assert len(proposals) == min(limit, len(eligible))
    if proposals and len(eligible) > len(proposals):
        everyone = propose(request, leaders, conflicts, limit=len(leaders))
        assert everyone[: len(proposals)] == proposals


def test_the_same_trust_is_proposed_only_when_the_request_allows_it():
    leader = LeaderFacts(1, "A", 5, 7, 400_000, 300_000, frozenset({"SEND"}), frozenset({"primary"}), 6)
    request = RequestFacts(9, 7, 401_000, 300_000, "SEND", "primary", days=2)
    assert propose(request, [leader], set()) == []
    allowed = propose(
        RequestFacts(9, 7, 401_000, 300_000, "SEND", "primary", days=2, allow_same_trust=True), [leader], set()
    )
    assert [p.leader.id for p in allowed] == [1]
    assert "in the school's trust, which this request allows" in allowed[0].reasons
    assert "1 km away" in allowed[0].reasons
