"""Demo schools: deterministic, realistic establishments for the two demo partnerships."""

import datetime
import random
from dataclasses import dataclass, field

from partnership.tenancy.models import Partnership

from .models import Area, Cluster, School, Trust

NORTHSHIRE_TOWNS = {
    "West": ["Ashby Marsh", "Bramford", "Colebrook", "Dunmere", "Eastwick", "Fordham"],
    "South": ["Fenwick", "Greyhaven", "Hartley Green", "Ivy Cross", "Kelmscott", "Langton"],
    "Mid": ["Longmoor", "Marston Vale", "Netherby", "Oakhurst", "Pendleford", "Quarrington"],
}
SAINTS = ["Mary", "John", "Peter", "Andrew", "Michael", "Anne", "Joseph", "Thomas", "Hilda", "Aidan"]
POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
OFSTED = ["Outstanding", "Good", "Good", "Good", "Requires improvement", "Serious Weaknesses", ""]


@dataclass
class DemoSchool:
    urn: int
    name: str
    phase: str
    establishment_type: str
    town: str
    postcode: str
    easting: int
    northing: int
    pupils: int
    fsm: float
    ofsted: str
    area: str | None = None
    cluster: str | None = None
    trust: tuple[str, str] | None = None
    extra: dict = field(default_factory=dict)


def _school(
    rng: random.Random,
    urn: int,
    name: str,
    phase: str,
    kind: str,
    town: str,
    centre: tuple[int, int],
    area: str | None,
    cluster: str | None,
    trust: tuple[str, str] | None,
) -> DemoSchool:
    pupils = {"primary": rng.randint(90, 480), "secondary": rng.randint(600, 1600), "special": rng.randint(40, 160)}
    return DemoSchool(
        urn=urn,
        name=name,
        phase=phase,
        establishment_type=kind,
        town=town,
        postcode=f"NS{rng.randint(1, 19)} {rng.randint(1, 9)}{''.join(rng.choices(POSTCODE_LETTERS, k=2))}",
        easting=centre[0] + rng.randint(-6000, 6000),
        northing=centre[1] + rng.randint(-6000, 6000),
        pupils=pupils[phase],
        fsm=round(rng.uniform(4, 42), 1),
        ofsted=rng.choice(OFSTED),
        area=area,
        cluster=cluster,
        trust=trust,
    )


def northshire_schools() -> list[DemoSchool]:
    """A county partnership: three areas, nine clusters, 45 schools; a few in trusts."""
    rng = random.Random(20261)
    schools: list[DemoSchool] = []
    urn = 110200
    trusts = [("TR01234", "Northshire Schools Trust"), ("TR04567", "Vale Learning Partnership")]
    for area_index, (area, towns) in enumerate(NORTHSHIRE_TOWNS.items()):
        for cluster_index in range(3):
            cluster = f"{area} cluster {cluster_index + 1}"
            centre = (430000 + area_index * 25000 + cluster_index * 7000, 290000 + cluster_index * 6000)
            for town in towns[cluster_index * 2 : cluster_index * 2 + 2]:
                urn += rng.randint(3, 40)
                trust = trusts[area_index % 2] if rng.random() < 0.3 else None
                schools.append(
                    _school(
                        rng,
                        urn,
                        f"{town} Primary School",
                        "primary",
                        "Community school",
                        town,
                        centre,
                        area,
                        cluster,
                        trust,
                    )
                )
                urn += rng.randint(3, 40)
                saint = SAINTS[(urn // 7) % len(SAINTS)]
                schools.append(
                    _school(
                        rng,
                        urn,
                        f"St {saint}'s CofE Primary School, {town}",
                        "primary",
                        "Voluntary aided school",
                        town,
                        centre,
                        area,
                        cluster,
                        None,
                    )
                )
            urn += rng.randint(3, 40)
            high = towns[cluster_index * 2]
            schools.append(
                _school(
                    rng,
                    urn,
                    f"{high} Academy",
                    "secondary",
                    "Academy converter",
                    high,
                    centre,
                    area,
                    cluster,
                    trusts[cluster_index % 2],
                )
            )
    schools.append(
        _school(
            rng,
            110999,
            "Northshire Valley Special School",
            "special",
            "Community special school",
            "Longmoor",
            (455000, 296000),
            "Mid",
            "Mid cluster 1",
            None,
        )
    )
    return schools


def riverside_schools() -> list[DemoSchool]:
    """A local partnership of nine primary academies in one trust, heads working in triads."""
    rng = random.Random(20262)
    trust = ("TR09876", "Riverside Academies Trust")
    names = [
        "Riverside",
        "Millbrook",
        "Kingsmead",
        "Willow Bank",
        "Ferry Lane",
        "Weir Meadow",
        "Otterbrook",
        "Heron Way",
        "Lock Street",
    ]
    clusters = ["East bank", "West bank", "Town centre"]
    return [
        _school(
            rng,
            141000 + index * 17,
            f"{name} Primary Academy",
            "primary",
            "Academy converter",
            "Riverton",
            (512000, 181000),
            "Riverton",
            clusters[index % 3],
            trust,
        )
        for index, name in enumerate(names)
    ]


def ensure_demo_schools(
    partnership: Partnership, records: list[DemoSchool], la_code: str, la_name: str
) -> list[School]:
    """Create what is missing; leave what exists alone, so a second run changes nothing."""
    areas = {
        name: Area.objects.get_or_create(partnership=partnership, name=name)[0]
        for name in sorted({r.area for r in records if r.area})
    }
    clusters = {}
    for record in records:
        if record.cluster and record.cluster not in clusters:
            clusters[record.cluster] = Cluster.objects.get_or_create(
                partnership=partnership, name=record.cluster, defaults={"area": areas.get(record.area)}
            )[0]
    trusts = {}
    for record in records:
        if record.trust and record.trust[0] not in trusts:
            trusts[record.trust[0]] = Trust.objects.get_or_create(
                partnership=partnership, gias_code=record.trust[0], defaults={"name": record.trust[1]}
            )[0]
    schools = []
    for record in records:
        school, _ = School.objects.get_or_create(
            partnership=partnership,
            urn=record.urn,
            defaults={
                "name": record.name,
                "phase": record.phase,
                "establishment_type": record.establishment_type,
                "type_group": "Academies"
                if "Academy" in record.establishment_type
                else "Local authority maintained schools",
                "status": School.Status.OPEN,
                "la_code": la_code,
                "la_name": la_name,
                "town": record.town,
                "postcode": record.postcode,
                "easting": record.easting,
                "northing": record.northing,
                "pupils": record.pupils,
                "fsm_percentage": record.fsm,
                "ofsted_rating": record.ofsted,
                "ofsted_inspected_on": datetime.date(2021 + record.urn % 4, 1 + record.urn % 12, 1 + record.urn % 27)
                if record.ofsted
                else None,
                "statutory_low_age": {"primary": 4, "secondary": 11, "special": 2}[record.phase],
                "statutory_high_age": {"primary": 11, "secondary": 18, "special": 19}[record.phase],
                "area": areas.get(record.area),
                "cluster": clusters.get(record.cluster),
                "trust": trusts.get(record.trust[0]) if record.trust else None,
            },
        )
        schools.append(school)
    return schools
