"""Synthetic GIAS extracts: files in the exact format of `edubasealldataYYYYMMDD.csv`, with made-up schools.

The demo data, the benchmark and the tests write their own files with this module; no real extract is ever
stored in the repository. The header is the real one (about 140 columns, most of which the importer ignores),
and files are written as the Department for Education publishes them: Windows-1252, DD-MM-YYYY dates.
"""

import csv
import io
import random
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import BinaryIO

SEN_COLUMNS = tuple(f"SEN{n} (name)" for n in range(1, 14))

GIAS_COLUMNS: tuple[str, ...] = (
    "URN",
    "LA (code)",
    "LA (name)",
    "EstablishmentNumber",
    "EstablishmentName",
    "TypeOfEstablishment (code)",
    "TypeOfEstablishment (name)",
    "EstablishmentTypeGroup (code)",
    "EstablishmentTypeGroup (name)",
    "EstablishmentStatus (code)",
    "EstablishmentStatus (name)",
    "ReasonEstablishmentOpened (code)",
    "ReasonEstablishmentOpened (name)",
    "OpenDate",
    "ReasonEstablishmentClosed (code)",
    "ReasonEstablishmentClosed (name)",
    "CloseDate",
    "PhaseOfEducation (code)",
    "PhaseOfEducation (name)",
    "StatutoryLowAge",
    "StatutoryHighAge",
    "Boarders (code)",
    "Boarders (name)",
    "NurseryProvision (name)",
    "OfficialSixthForm (code)",
    "OfficialSixthForm (name)",
    "Gender (code)",
    "Gender (name)",
    "ReligiousCharacter (code)",
    "ReligiousCharacter (name)",
    "ReligiousEthos (name)",
    "Diocese (code)",
    "Diocese (name)",
    "AdmissionsPolicy (code)",
    "AdmissionsPolicy (name)",
    "SchoolCapacity",
    "SpecialClasses (code)",
    "SpecialClasses (name)",
    "CensusDate",
    "NumberOfPupils",
    "NumberOfBoys",
    "NumberOfGirls",
    "PercentageFSM",
    "TrustSchoolFlag (code)",
    "TrustSchoolFlag (name)",
    "Trusts (code)",
    "Trusts (name)",
    "SchoolSponsorFlag (name)",
    "SchoolSponsors (name)",
    "FederationFlag (name)",
    "Federations (code)",
    "Federations (name)",
    "UKPRN",
    "FEHEIdentifier",
    "FurtherEducationType (name)",
    "OfstedLastInsp",
    "OfstedSpecialMeasures (code)",
    "OfstedSpecialMeasures (name)",
    "LastChangedDate",
    "Street",
    "Locality",
    "Address3",
    "Town",
    "County (name)",
    "Postcode",
    "SchoolWebsite",
    "TelephoneNum",
    "HeadTitle (name)",
    "HeadFirstName",
    "HeadLastName",
    "HeadPreferredJobTitle",
    "BSOInspectorateName (name)",
    "InspectorateReport",
    "DateOfLastInspectionVisit",
    "NextInspectionVisit",
    "TeenMoth (name)",
    "TeenMothPlaces",
    "CCF (name)",
    "SENPRU (name)",
    "EBD (name)",
    "PlacesPRU",
    "FTProv (name)",
    "EdByOther (name)",
    "Section41Approved (name)",
    *SEN_COLUMNS,
    "TypeOfResourcedProvision (name)",
    "ResourcedProvisionOnRoll",
    "ResourcedProvisionCapacity",
    "SenUnitOnRoll",
    "SenUnitCapacity",
    "GOR (code)",
    "GOR (name)",
    "DistrictAdministrative (code)",
    "DistrictAdministrative (name)",
    "AdministrativeWard (code)",
    "AdministrativeWard (name)",
    "ParliamentaryConstituency (code)",
    "ParliamentaryConstituency (name)",
    "UrbanRural (code)",
    "UrbanRural (name)",
    "GSSLACode (name)",
    "Easting",
    "Northing",
    "MSOA (name)",
    "LSOA (name)",
    "InspectorateName (name)",
    "SENStat",
    "SENNoStat",
    "BoardingEstablishment (name)",
    "PropsName",
    "PreviousLA (code)",
    "PreviousLA (name)",
    "PreviousEstablishmentNumber",
    "OfstedRating (name)",
    "RSCRegion (name)",
    "Country (name)",
    "UPRN",
    "SiteName",
    "QABName (code)",
    "QABName (name)",
    "EstablishmentAccredited (code)",
    "EstablishmentAccredited (name)",
    "QABReport",
    "CHNumber",
    "MSOA (code)",
    "LSOA (code)",
    "FSM",
    "AccreditationExpiryDate",
)

STATUS_CODES = {"Open": "1", "Closed": "2", "Open, but proposed to close": "3", "Proposed to open": "4"}
PHASE_CODES = {
    "Not applicable": "0",
    "Nursery": "1",
    "Primary": "2",
    "Middle deemed primary": "3",
    "Secondary": "4",
    "Middle deemed secondary": "5",
    "16 plus": "6",
    "All-through": "7",
}

# (type name, type code, type group name, type group code, phase name, low age, high age)
ESTABLISHMENT_KINDS = [
    ("Community school", "1", "Local authority maintained schools", "4", "Primary", 4, 11),
    ("Voluntary aided school", "2", "Local authority maintained schools", "4", "Primary", 4, 11),
    ("Voluntary controlled school", "3", "Local authority maintained schools", "4", "Primary", 4, 11),
    ("Foundation school", "5", "Local authority maintained schools", "4", "Secondary", 11, 16),
    ("Academy converter", "28", "Academies", "10", "Primary", 4, 11),
    ("Academy converter", "28", "Academies", "10", "Secondary", 11, 18),
    ("Academy sponsor led", "34", "Academies", "10", "Secondary", 11, 16),
    ("Free schools", "35", "Free Schools", "11", "All-through", 4, 18),
    ("Community special school", "7", "Special schools", "5", "Not applicable", 2, 19),
    ("Pupil referral unit", "14", "Other types", "9", "Not applicable", 5, 16),
    ("Other independent school", "11", "Independent schools", "3", "Not applicable", 3, 18),
    ("Further education", "18", "Colleges", "2", "16 plus", 16, 99),
]


def gias_date(value) -> str:
    """A date as GIAS writes it: DD-MM-YYYY."""
    return value.strftime("%d-%m-%Y") if value else ""


def gias_row(values: Mapping[str, object]) -> list[str]:
    """One row in header order; columns not given are empty, as most are in a real extract."""
    unknown = set(values) - set(GIAS_COLUMNS)
    if unknown:
        raise KeyError(f"Not GIAS columns: {sorted(unknown)}")
    return ["" if values.get(column) is None else str(values.get(column, "")) for column in GIAS_COLUMNS]


def write_gias_csv(
    target: Path | BinaryIO,
    rows: Iterable[Mapping[str, object] | list[str]],
    *,
    encoding: str = "cp1252",
    bom: bool = False,
    columns: tuple[str, ...] = GIAS_COLUMNS,
) -> None:
    """Write an extract. Rows are mappings of column -> value, or lists already in header order."""
    if isinstance(target, Path):
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as binary:
            write_gias_csv(binary, rows, encoding=encoding, bom=bom, columns=columns)
        return
    text = io.TextIOWrapper(target, encoding="utf-8-sig" if bom else encoding, newline="", write_through=False)
    try:
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow(columns)
        for row in rows:
            if isinstance(row, Mapping):
                row = gias_row(row)
                if columns is not GIAS_COLUMNS:
                    row = [row[GIAS_COLUMNS.index(c)] if c in GIAS_COLUMNS else "" for c in columns]
            writer.writerow(row)
        text.flush()
    finally:
        text.detach()


def gias_csv_bytes(rows: Iterable[Mapping[str, object]], **options) -> bytes:
    buffer = io.BytesIO()
    write_gias_csv(buffer, rows, **options)
    return buffer.getvalue()


def establishment(
    *,
    urn: int,
    name: str,
    la_code: str,
    la_name: str,
    number: int | str,
    kind: tuple = ESTABLISHMENT_KINDS[0],
    status: str = "Open",
    **extra: object,
) -> dict[str, object]:
    """A row for one establishment with the columns a real row always has filled in."""
    type_name, type_code, group_name, group_code, phase_name, low, high = kind
    row: dict[str, object] = {
        "URN": urn,
        "LA (code)": la_code,
        "LA (name)": la_name,
        "EstablishmentNumber": number,
        "EstablishmentName": name,
        "TypeOfEstablishment (code)": type_code,
        "TypeOfEstablishment (name)": type_name,
        "EstablishmentTypeGroup (code)": group_code,
        "EstablishmentTypeGroup (name)": group_name,
        "EstablishmentStatus (code)": STATUS_CODES.get(status, "9"),
        "EstablishmentStatus (name)": status,
        "PhaseOfEducation (code)": PHASE_CODES.get(phase_name, "9"),
        "PhaseOfEducation (name)": phase_name,
        "StatutoryLowAge": low,
        "StatutoryHighAge": high,
        "Boarders (name)": "No boarders",
        "Gender (name)": "Mixed",
        "ReligiousCharacter (name)": "Does not apply",
        "Diocese (name)": "Not applicable",
        "AdmissionsPolicy (name)": "Not applicable",
        "CensusDate": "16-01-2026",
        "TrustSchoolFlag (name)": "Not applicable",
        "SchoolSponsorFlag (name)": "Not applicable",
        "FederationFlag (name)": "Not under a federation",
        "Country (name)": "United Kingdom",
        "GOR (name)": "North East",
        "UrbanRural (name)": "(England/Wales) Urban city and town",
        "LastChangedDate": "01-11-2026",
    }
    row.update(extra)
    return row


FIRST_NAMES = ["Amira", "Ben", "Chloe", "Daniel", "Ellen", "Farid", "Grace", "Harry", "Imogen", "Jack", "Kiran"]
LAST_NAMES = ["Ahmed", "Baker", "Clarke", "Davies", "Evans", "Fletcher", "Green", "Hughes", "Iqbal", "Jones"]
TOWNS = ["Ashworth", "Barnsdale", "Brontë Vale", "Café Quay", "Dunholme", "Elmsworth", "Gorsebrook", "Holt End"]
OFSTED = ["Outstanding", "Good", "Good", "Good", "Requires improvement", "Inadequate", ""]


def national_rows(
    count: int, *, la_code: str = "960", la_name: str = "Northshire", la_share: int = 300, seed: int = 1
) -> Iterator[list[str]]:
    """A national-sized extract: `count` rows over about 150 local authorities, `la_share` of them in `la_code`.

    Elsewhere about half the rows are closed establishments, as in a real extract; in `la_code` one in ten is.
    Place names need Windows-1252 (Brontë, Café). Rows come as lists in header order so that writing 50,000
    of them is quick.
    """
    rng = random.Random(seed)
    other_las = [(str(code), f"Authority {code}") for code in range(800, 960)]
    la_every = max(count // max(la_share, 1), 1)
    for index in range(count):
        ours = index % la_every == 0 and index // la_every < la_share
        code, name = (la_code, la_name) if ours else rng.choice(other_las)
        kind = rng.choice(ESTABLISHMENT_KINDS)
        closed = rng.random() < (0.1 if ours else 0.45)
        status = "Closed" if closed else rng.choice(["Open"] * 30 + ["Open, but proposed to close"])
        town = rng.choice(TOWNS)
        in_trust = kind[2] == "Academies" and rng.random() < 0.8
        trust_code = rng.randint(2000, 2400)
        extra = {
            "OpenDate": f"01-09-{rng.randint(1950, 2020)}" if rng.random() < 0.5 else "",
            "CloseDate": f"31-08-{rng.randint(2021, 2025)}" if status == "Closed" else "",
            "NumberOfPupils": rng.randint(20, 1800) if status != "Closed" else "",
            "PercentageFSM": f"{rng.uniform(2, 60):.1f}" if status != "Closed" else "",
            "Trusts (code)": trust_code if in_trust else "",
            "Trusts (name)": f"Trust number {trust_code} Academies" if in_trust else "",
            "OfstedRating (name)": rng.choice(OFSTED),
            "OfstedLastInsp": f"{rng.randint(1, 28):02d}-{rng.randint(1, 12):02d}-{rng.randint(2012, 2025)}",
            "Street": f"{rng.randint(1, 200)} School Lane",
            "Town": town,
            "Postcode": f"XX{rng.randint(1, 40)} {rng.randint(1, 9)}AB",
            "SchoolWebsite": f"www.school{index}.example",
            "TelephoneNum": f"01{rng.randint(100000000, 999999999)}",
            "HeadTitle (name)": rng.choice(["Mr", "Mrs", "Ms", "Dr"]),
            "HeadFirstName": rng.choice(FIRST_NAMES),
            "HeadLastName": rng.choice(LAST_NAMES),
            "Easting": rng.randint(100000, 650000),
            "Northing": rng.randint(50000, 650000),
            "DistrictAdministrative (name)": f"{town} District",
            "SchoolCapacity": rng.randint(30, 2000),
            "UPRN": rng.randint(10**9, 10**10),
            "MSOA (name)": f"{town} 00{rng.randint(1, 9)}",
            "LSOA (name)": f"{town} 00{rng.randint(1, 9)}A",
        }
        yield gias_row(
            establishment(
                urn=100000 + index,
                name=f"{town} {kind[4] if kind[4] != 'Not applicable' else 'Community'} School {index}",
                la_code=code,
                la_name=name,
                number=1000 + index % 8000,
                kind=kind,
                status=status,
                **extra,
            )
        )
