"""Matching a request for school-to-school support to system leaders: pure rules over plain facts, so that the
rules can be tested on many random cases and measured at county scale (benchmarks/support_matching.py).

Rules that never bend (a leader who breaks one is not proposed at all):
- no leader with a declared conflict with the school;
- no leader from the school itself, nor from the school's trust unless the request allows it;
- no leader without the days the support needs left in their capacity this term;
- no leader who is not taking requests.
Among the rest, the ranking weighs expertise in the request's focus, experience of the school's phase, distance
(GIAS easting and northing, in kilometres) and the capacity left; each proposal says why, in words.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

FOCUS_POINTS = 40
PHASE_POINTS = 25
CAPACITY_POINTS_PER_DAY = 2
CAPACITY_POINTS_CAP = 20
DISTANCE_POINTS_PER_KM = 0.5
DISTANCE_POINTS_CAP = 30
UNKNOWN_DISTANCE_PENALTY = 15


@dataclass(frozen=True)
class LeaderFacts:
    id: int
    name: str  # for people reading a case; the rules never use it
    school_id: int | None
    trust_id: int | None
    easting: int | None
    northing: int | None
    focus_areas: frozenset[str]
    phases: frozenset[str]
    capacity: int
    used: int = 0
    active: bool = True

    @property
    def remaining(self) -> int:
        return self.capacity - self.used


@dataclass(frozen=True)
class RequestFacts:
    school_id: int
    trust_id: int | None
    easting: int | None
    northing: int | None
    focus: str
    phase: str
    days: int = 1
    allow_same_trust: bool = False


@dataclass
class Proposal:
    leader: LeaderFacts
    score: float
    reasons: list[str] = field(default_factory=list)
    distance_km: float | None = None


def distance_km(request: RequestFacts, leader: LeaderFacts) -> float | None:
    if None in (request.easting, request.northing, leader.easting, leader.northing):
        return None
    return math.hypot(request.easting - leader.easting, request.northing - leader.northing) / 1000


def refusal(request: RequestFacts, leader: LeaderFacts, conflicted: bool) -> str | None:
    """Why the leader may not be proposed at all, or None."""
    if not leader.active:
        return "not taking requests"
    if conflicted:
        return "has declared a conflict of interest with the school"
    if leader.school_id is not None and leader.school_id == request.school_id:
        return "works at the school"
    if not request.allow_same_trust and request.trust_id is not None and leader.trust_id == request.trust_id:
        return "is in the school's trust"
    if leader.remaining < request.days:
        return f"has {max(leader.remaining, 0)} of the {request.days} days needed left this term"
    return None


def propose(
    request: RequestFacts, leaders: Iterable[LeaderFacts], conflicts: set[int], *, limit: int = 5
) -> list[Proposal]:
    """The best `limit` leaders for the request, best first, each with its reasons (ties: nearer, then by id)."""
    proposals = []
    for leader in leaders:
        if refusal(request, leader, leader.id in conflicts) is not None:
            continue
        score, reasons = 0.0, []
        if request.focus and request.focus in leader.focus_areas:
            score += FOCUS_POINTS
            reasons.append(f"expertise in {request.focus.lower()}")
        if request.phase and request.phase in leader.phases:
            score += PHASE_POINTS
            reasons.append(f"experience of {request.phase.replace('_', ' ')} schools")
        km = distance_km(request, leader)
        if km is None:
            score -= UNKNOWN_DISTANCE_PENALTY
            reasons.append("distance not known")
        else:
            score -= min(km * DISTANCE_POINTS_PER_KM, DISTANCE_POINTS_CAP)
            reasons.append(f"{km:.0f} km away")
        score += min(leader.remaining * CAPACITY_POINTS_PER_DAY, CAPACITY_POINTS_CAP)
        reasons.append(f"{leader.remaining} of {leader.capacity} days left this term")
        if request.allow_same_trust and request.trust_id is not None and leader.trust_id == request.trust_id:
            reasons.append("in the school's trust, which this request allows")
        proposals.append(Proposal(leader=leader, score=round(score, 2), reasons=reasons, distance_km=km))
    proposals.sort(key=lambda p: (-p.score, p.distance_km if p.distance_km is not None else math.inf, p.leader.id))
    return proposals[:limit]
