"""Generated, realistic schools of an English county for the review-group benchmark and tests.

`county_schools(count, seed)` returns a `County`: schools as `SchoolForGrouping` and the names of
their trusts and federations. Shape, from GIAS and Ofsted figures for a shire county:

* phases: about 80% primary, 15% secondary, 5% special, alternative provision, nursery, all-through;
* locations: OS grid metres over a 60 x 60 km county, clustered around a county town and six market
  towns, the rest spread over villages (secondary and special schools more often in towns);
* trusts: about 25% of schools in multi-academy trusts of 3-15 schools, each grown from a seed
  school through its nearest neighbours (trusts are local, which is what makes the trust rule bite);
  about 4% in federations of 2-3 nearby village primaries outside trusts;
* Ofsted: about 15% Outstanding, 69% Good, 9% Requires improvement, 3% Inadequate (Serious
  Weaknesses / Special Measures), 2% not yet rated, and a few renewed-framework words;
* last cycle's partners: a previous hand-made-like grouping (nearby, same-phase triads, trusts apart)
  of about 90% of the schools.

Deterministic for a given (count, seed).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, replace

from reviews.grouping import SchoolForGrouping

COUNTY_EAST = 420_000
COUNTY_NORTH = 250_000
COUNTY_KM = 60

PHASE_SHARES = [
    ("Primary", 0.80),
    ("Secondary", 0.15),
    ("Special", 0.03),
    ("Alternative provision", 0.01),
    ("Nursery", 0.005),
    ("All-through", 0.005),
]
OFSTED_SHARES = [
    ("Outstanding", 0.15),
    ("Good", 0.66),
    ("Requires improvement", 0.09),
    ("Inadequate", 0.01),
    ("Serious Weaknesses", 0.01),
    ("Special Measures", 0.01),
    ("", 0.02),
    ("Expected standard", 0.03),
    ("Strong standard", 0.01),
    ("Needs attention", 0.01),
]
TOWN_SHARE = {"Primary": 0.5, "Secondary": 0.75, "Special": 0.85, "Alternative provision": 0.9}

PLACE_STARTS = [
    "Ash", "Bram", "Kings", "Otter", "Mill", "Oak", "Elm", "Haw", "Thorn", "Wil", "Bur", "Cran", "Dun",
    "Fen", "Gold", "Holm", "Lang", "Mor", "Nor", "Red", "Stan", "Whit", "Wood", "Ald", "Bex", "Chal",
]  # fmt: skip
PLACE_ENDS = [
    "mead", "brook", "field", "ford", "ton", "ley", "bury", "wick", "stead", "well", "dale", "combe",
    "hurst", "worth", "by", "ham",
]  # fmt: skip
KINDS = {
    "Primary": ["Primary School", "Church of England Primary School", "Community Primary School", "Infant School",
                "Junior School", "Primary Academy", "St Mary's CofE Primary School"],
    "Secondary": ["Academy", "High School", "School", "Community College", "Grammar School"],
    "Special": ["Special School", "School (Special)"],
    "Alternative provision": ["Pupil Referral Unit", "Learning Centre"],
    "Nursery": ["Nursery School"],
    "All-through": ["All-through School"],
}  # fmt: skip
TRUST_WORDS = ["Learning", "Academies", "Education", "Schools", "Partnership", "Community"]


@dataclass(frozen=True)
class County:
    schools: list[SchoolForGrouping]
    trust_names: dict[int, str]


def _shares(count: int, shares: list[tuple[str, float]], rng: random.Random) -> list[str]:
    """Exactly proportional counts (largest remainder), shuffled."""
    raw = [(name, share * count) for name, share in shares]
    counts = {name: int(value) for name, value in raw}
    by_remainder = sorted(raw, key=lambda item: item[1] - int(item[1]), reverse=True)
    for name, _value in by_remainder[: count - sum(counts.values())]:
        counts[name] += 1
    out = [name for name, _ in shares for _ in range(counts[name])]
    rng.shuffle(out)
    return out


def _towns(rng: random.Random) -> list[tuple[float, float, float, float]]:
    """(east km, north km, spread km, weight) of the county town and six market towns."""
    towns = [(30 + rng.uniform(-5, 5), 30 + rng.uniform(-5, 5), 2.5, 0.4)]
    while len(towns) < 7:
        east, north = rng.uniform(5, 55), rng.uniform(5, 55)
        if all(math.hypot(east - t[0], north - t[1]) > 12 for t in towns):
            towns.append((east, north, 1.2, 0.1))
    return towns


def county_schools(count: int = 600, seed: int = 2026) -> County:
    rng = random.Random(seed)
    phases = _shares(count, PHASE_SHARES, rng)
    outcomes = _shares(count, OFSTED_SHARES, rng)
    towns = _towns(rng)
    villages = [(rng.uniform(1, 59), rng.uniform(1, 59)) for _ in range(max(1, count // 2))]
    places = [start + end for start in PLACE_STARTS for end in PLACE_ENDS]
    rng.shuffle(places)

    located = []
    used_names: set[str] = set()
    for index, phase in enumerate(phases):
        if rng.random() < TOWN_SHARE.get(phase, 0.6):
            east0, north0, spread, _ = rng.choices(towns, weights=[t[3] for t in towns])[0]
            east, north = rng.gauss(east0, spread), rng.gauss(north0, spread)
        else:
            east, north = rng.choice(villages)
            east, north = east + rng.uniform(-0.4, 0.4), north + rng.uniform(-0.4, 0.4)
        east, north = min(max(east, 0.0), COUNTY_KM), min(max(north, 0.0), COUNTY_KM)
        name = ""
        while not name or name in used_names:
            name = f"{places[rng.randrange(len(places))]} {rng.choice(KINDS[phase])}"
        used_names.add(name)
        located.append(
            SchoolForGrouping(
                id=100_000 + 7 * index + 3,
                name=name,
                phase=phase,
                easting=COUNTY_EAST + round(east * 1000),
                northing=COUNTY_NORTH + round(north * 1000),
                ofsted=outcomes[index],
            )
        )

    trusts: dict[int, set[int]] = {}
    trust_names: dict[int, str] = {}
    in_group: set[int] = set()

    def distance(a: SchoolForGrouping, b: SchoolForGrouping) -> float:
        return math.hypot(a.easting - b.easting, a.northing - b.northing)  # type: ignore[operator]

    target = round(0.25 * count)
    trust_id = 1
    order = list(range(count))
    rng.shuffle(order)
    for seed_index in order:
        if sum(len(members) for members in trusts.values()) >= target:
            break
        if seed_index in in_group:
            continue
        size = min(rng.choice([3, 3, 4, 4, 5, 5, 6, 7, 8, 10, 12, 15]), target - len(in_group))
        if size < 3:
            break
        seed_school = located[seed_index]
        nearby = sorted(
            (i for i in range(count) if i not in in_group and i != seed_index),
            key=lambda i: distance(seed_school, located[i]) * rng.uniform(0.7, 1.3),
        )
        members = {seed_index, *nearby[: size - 1]}
        trusts[trust_id] = members
        in_group |= members
        trust_names[trust_id] = f"{places[rng.randrange(len(places))]} {rng.choice(TRUST_WORDS)} Trust"
        trust_id += 1

    federation_id = 1001
    federated = 0
    for seed_index in order:
        if federated >= round(0.04 * count):
            break
        if seed_index in in_group or located[seed_index].phase != "Primary":
            continue
        seed_school = located[seed_index]
        nearby = sorted(
            (i for i in range(count) if i not in in_group and i != seed_index and located[i].phase == "Primary"),
            key=lambda i: distance(seed_school, located[i]),
        )
        members = {seed_index, *nearby[: rng.choice([1, 1, 2])]}
        trusts[federation_id] = members
        in_group |= members
        federated += len(members)
        trust_names[federation_id] = f"The {places[rng.randrange(len(places))]} Federation"
        federation_id += 1

    with_trusts = []
    for index, school in enumerate(located):
        ids = frozenset(t for t, members in trusts.items() if index in members)
        with_trusts.append(replace(school, trust_ids=ids))

    partners = _last_cycle(with_trusts, rng)
    schools = [replace(school, last_partners=partners.get(school.id, frozenset())) for school in with_trusts]
    return County(schools=schools, trust_names=trust_names)


def _last_cycle(schools: list[SchoolForGrouping], rng: random.Random) -> dict[int, frozenset[int]]:
    """Last year's grouping, as a coordinator would make it by hand: sweep west to east, each school with
    its two nearest same-phase schools not yet grouped (trusts apart). About 90% took part."""
    taking_part = sorted((s for s in schools if rng.random() < 0.9), key=lambda s: (s.phase, s.easting, s.id))
    left = {school.id: school for school in taking_part}
    partners: dict[int, frozenset[int]] = {}
    for school in taking_part:
        if school.id not in left:
            continue
        del left[school.id]
        group = [school]
        for other in sorted(
            (o for o in left.values() if o.phase == school.phase),
            key=lambda o: (math.hypot(o.easting - school.easting, o.northing - school.northing), o.id),  # type: ignore[operator]
        ):
            if len(group) == 3:
                break
            if all(not (other.trust_ids & member.trust_ids) for member in group):
                group.append(other)
                del left[other.id]
        for member in group:
            partners[member.id] = frozenset(m.id for m in group if m.id != member.id)
    return partners
