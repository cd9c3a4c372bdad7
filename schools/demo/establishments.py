"""Demo schools: deterministic, realistic establishments for the two demo partnerships."""

import datetime
import random
from dataclasses import dataclass, field
from pathlib import Path

from partnership.tenancy.models import Partnership

from ..models import Area, Cluster, ImportRun, School

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


# The demo's GIAS extracts: what the Department for Education would publish about the demo schools.

PREVIOUS_EXTRACT = "edubasealldata20260901.csv"
CURRENT_EXTRACT = "edubasealldata20261122.csv"
CLOSING_THIS_SUMMER = [
    (110150, "Eastwick Infant School", "Eastwick", "West", "West cluster 3"),
    (110160, "Langton Church Junior School", "Langton", "South", "South cluster 3"),
]
LONG_CLOSED = [
    (109901, "Ashby Marsh Board School"),
    (109902, "Netherby Secondary Modern School"),
    (109903, "Fenwick Ragged School"),
]
FEDERATION = ("FED0960", "Ashby and Bramford Church Schools Federation")
DIOCESE = "Diocese of Northshire"
OTHER_LAS = [("877", "Westmoorland"), ("878", "Fellside"), ("879", "Estuary Borough"), ("962", "Southdale")]
OTHER_TOWNS = ["Kirkby Fell", "Saint-Omer Lane", "Brontë Vale", "Ørby Marsh", "Haverigg", "Café Quay", "Low Howe"]
STREETS = ["School Lane", "Church Road", "Mill Lane", "Station Road", "The Green", "Chapel Street", "Park View"]
HEAD_FIRST = ["Amira", "Ben", "Chloe", "Daniel", "Ellen", "Farid", "Grace", "Harry", "Imogen", "Jack", "Kiran", "Nia"]
HEAD_LAST = ["Ahmed", "Baker", "Clarke", "Davies", "Evans", "Fletcher", "Green", "Hughes", "Iqbal", "Jones", "Shaw"]


def _kind(record: DemoSchool) -> tuple:
    from ..gias.synthetic import ESTABLISHMENT_KINDS

    if record.phase == "special":
        return ESTABLISHMENT_KINDS[8]
    if record.phase == "secondary":
        return ESTABLISHMENT_KINDS[5]
    if record.trust or "Academy" in record.establishment_type:
        return ESTABLISHMENT_KINDS[4]
    if "aided" in record.establishment_type:
        return ESTABLISHMENT_KINDS[1]
    return ESTABLISHMENT_KINDS[0]


def _gias_row(record: DemoSchool, la_code: str, la_name: str, *, federation: tuple[str, str] | None = None) -> dict:
    """A GIAS row for a demo school; details not in DemoSchool come from a random stream of its own URN."""
    from ..gias.synthetic import establishment, gias_date

    rng = random.Random(record.urn)
    church = "CofE" in record.name
    inspected = (
        datetime.date(2021 + record.urn % 4, 1 + record.urn % 12, 1 + record.urn % 27) if record.ofsted else None
    )
    return establishment(
        urn=record.urn,
        name=record.name,
        la_code=la_code,
        la_name=la_name,
        number=2000 + record.urn % 1000 if record.phase != "secondary" else 4000 + record.urn % 1000,
        kind=_kind(record),
        **{
            "OpenDate": gias_date(datetime.date(rng.choice([1952, 1968, 1975, 1989, 2012, 2015]), 9, 1)),
            "NumberOfPupils": record.pupils,
            "PercentageFSM": f"{record.fsm:.1f}",
            "ReligiousCharacter (name)": "Church of England" if church else "Does not apply",
            "Diocese (name)": DIOCESE if church else "Not applicable",
            "Trusts (code)": record.trust[0] if record.trust else "",
            "Trusts (name)": record.trust[1] if record.trust else "",
            "TrustSchoolFlag (name)": "Supported by a multi-academy trust" if record.trust else "Not applicable",
            "FederationFlag (name)": "Supported by a federation" if federation else "Not under a federation",
            "Federations (code)": federation[0] if federation else "",
            "Federations (name)": federation[1] if federation else "",
            "OfstedRating (name)": record.ofsted,
            "OfstedLastInsp": gias_date(inspected),
            "Street": f"{rng.randint(1, 120)} {rng.choice(STREETS)}",
            "Town": record.town,
            "County (name)": "Northshire" if la_code == "960" else "",
            "Postcode": record.postcode,
            "SchoolWebsite": "www." + "".join(ch for ch in record.name.lower() if ch.isalnum())[:28] + ".sch.uk",
            "TelephoneNum": f"01632 {rng.randint(100000, 999999)}",
            "HeadTitle (name)": rng.choice(["Mr", "Mrs", "Ms", "Dr"]),
            "HeadFirstName": rng.choice(HEAD_FIRST),
            "HeadLastName": rng.choice(HEAD_LAST),
            "HeadPreferredJobTitle": "Headteacher",
            "Easting": record.easting,
            "Northing": record.northing,
            "DistrictAdministrative (name)": f"{record.area or record.town} District",
            "SchoolCapacity": int(record.pupils * 1.1),
        },
    )


def _other_la_rows(rng: random.Random) -> list[dict]:
    """Establishments elsewhere in the country, which the demo partnerships do not import."""
    from ..gias.synthetic import ESTABLISHMENT_KINDS, establishment

    rows = []
    for index in range(60):
        code, name = OTHER_LAS[index % len(OTHER_LAS)]
        kind = ESTABLISHMENT_KINDS[index % len(ESTABLISHMENT_KINDS)]
        town = OTHER_TOWNS[index % len(OTHER_TOWNS)]
        status = "Closed" if index % 4 == 0 else "Open"
        rows.append(
            establishment(
                urn=130000 + index * 7,
                name=f"{town} {'Primary' if kind[4] == 'Primary' else 'Community'} School",
                la_code=code,
                la_name=name,
                number=3000 + index,
                kind=kind,
                status=status,
                Town=town,
                Postcode=f"XX{rng.randint(1, 30)} {rng.randint(1, 9)}QT",
                NumberOfPupils="" if status == "Closed" else rng.randint(50, 900),
                CloseDate="31-08-2019" if status == "Closed" else "",
                Easting=rng.randint(300000, 500000),
                Northing=rng.randint(300000, 500000),
            )
        )
    return rows


def _riverside_neighbours(rng: random.Random) -> list[dict]:
    """Other schools of the Riverside local authority, which the Riverside partnership does not include."""
    from ..gias.synthetic import ESTABLISHMENT_KINDS, establishment

    return [
        establishment(
            urn=142000 + index * 11,
            name=f"{town} {'Primary School' if index % 3 else 'High School'}",
            la_code=RIVERSIDE_LA[0],
            la_name=RIVERSIDE_LA[1],
            number=2500 + index,
            kind=ESTABLISHMENT_KINDS[0] if index % 3 else ESTABLISHMENT_KINDS[3],
            Town=town,
            Postcode=f"RV{index + 1} {rng.randint(1, 9)}LP",
            NumberOfPupils=rng.randint(120, 900),
        )
        for index, town in enumerate(["Riverton", "Upper Weir", "Lockside", "Ferry Cross", "Millhaven", "Otterford"])
    ]


NORTHSHIRE_LA = ("960", "Northshire")
RIVERSIDE_LA = ("961", "Riverside")


def write_demo_extracts(directory: Path) -> tuple[Path, Path]:
    """Write the previous and the current demo extracts (Windows-1252, about 140 columns). Deterministic: the
    same bytes every time, so a second demo run imports nothing new."""
    from ..gias.synthetic import establishment, write_gias_csv

    rng = random.Random(960)
    federated = {
        r.urn for r in northshire_schools() if r.name.startswith("St ") and r.town in ("Ashby Marsh", "Bramford")
    }
    northshire = [
        _gias_row(r, *NORTHSHIRE_LA, federation=FEDERATION if r.urn in federated else None)
        for r in northshire_schools()
    ]
    riverside = [_gias_row(r, *RIVERSIDE_LA) for r in riverside_schools()]
    long_closed = [
        establishment(urn=urn, name=name, la_code="960", la_name="Northshire", number=1000 + urn % 100,
                      status="Closed", OpenDate="01-09-1950", CloseDate="31-08-1998")
        for urn, name in LONG_CLOSED
    ]  # fmt: skip
    others = _other_la_rows(rng) + _riverside_neighbours(rng)

    def closing(closed: bool) -> list[dict]:
        rows = []
        for urn, name, town, area, _ in CLOSING_THIS_SUMMER:
            record = DemoSchool(urn, name, "primary", "Community school", town, "NS9 9ZZ", 440000, 292000,
                                60, 20.0, "Requires improvement", area=area)  # fmt: skip
            row = _gias_row(record, *NORTHSHIRE_LA)
            if closed:
                row.update({"EstablishmentStatus (name)": "Closed", "EstablishmentStatus (code)": "2",
                            "CloseDate": "31-08-2026", "NumberOfPupils": ""})  # fmt: skip
            rows.append(row)
        return rows

    previous_northshire = [dict(row) for row in northshire]
    previous_northshire[0] = {**previous_northshire[0], "HeadFirstName": "Harold", "HeadLastName": "Wilson"}
    previous = directory / PREVIOUS_EXTRACT
    current = directory / CURRENT_EXTRACT
    write_gias_csv(previous, [*previous_northshire, *closing(False), *long_closed, *riverside, *others])
    write_gias_csv(current, [*northshire, *closing(True), *long_closed, *riverside, *others])
    return previous, current


def _placement(records: list[DemoSchool]) -> dict[int, tuple[str | None, str | None]]:
    placement = {r.urn: (r.area, r.cluster) for r in records}
    placement.update({urn: (area, cluster) for urn, _, _, area, cluster in CLOSING_THIS_SUMMER})
    return placement


def ensure_demo_registry(
    partnership: Partnership,
    *,
    extracts: tuple[Path, Path],
    records: list[DemoSchool],
    la_codes: tuple[str, ...] = (),
    urns: tuple[int, ...] = (),
) -> list[School]:
    """Import the demo extracts through the real importer, then put schools in areas and clusters.

    Safe to run again: the older extract is imported only the first time (importing it again would reopen the
    schools the newer one closed); importing the current one again changes and records nothing; areas and
    clusters are created only when missing; and only schools not yet in a cluster are placed.
    """
    from ..services import area_create, cluster_create, gias_import_file, schools_assign

    history_imported = ImportRun.objects.filter(status=ImportRun.Status.APPLIED).exists()
    for path in extracts[-1:] if history_imported else extracts:
        with path.open("rb") as source:
            gias_import_file(partnership=partnership, source=source, file_name=path.name, la_codes=la_codes, urns=urns)

    placement = _placement(records)
    present = set(School.objects.filter(urn__in=placement).values_list("urn", flat=True))
    placement = {urn: place for urn, place in placement.items() if urn in present}
    areas = {area.name: area for area in Area.objects.all()}
    for name in sorted({area for area, _ in placement.values() if area}):
        if name not in areas:
            areas[name] = area_create(partnership=partnership, name=name)
    clusters = {cluster.name: cluster for cluster in Cluster.objects.all()}
    for area, cluster in sorted({p for p in placement.values() if p[1]}):
        if cluster not in clusters:
            clusters[cluster] = cluster_create(partnership=partnership, name=cluster, area=areas[area])
    unplaced = School.objects.filter(urn__in=placement, cluster__isnull=True).select_related("cluster")
    by_cluster: dict[str, list[School]] = {}
    for school in unplaced:
        by_cluster.setdefault(placement[school.urn][1], []).append(school)
    for name, schools in sorted(by_cluster.items()):
        schools_assign(partnership=partnership, schools=schools, cluster=clusters[name])
    in_order = {school.urn: school for school in School.objects.filter(urn__in=[r.urn for r in records]).current()}
    return [in_order[r.urn] for r in records if r.urn in in_order]
