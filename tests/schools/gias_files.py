"""GIAS-format files for tests: the real ~140-column header, our own made-up rows, in the encodings GIAS uses.

`school(...)` gives one row with every column a real row fills in; `gias_file(...)` writes rows to bytes the
way the DfE does (Windows-1252) or as a spreadsheet might re-save them (UTF-8, with or without a BOM).
"""

from django.core.files.uploadedfile import SimpleUploadedFile

from schools.gias.synthetic import ESTABLISHMENT_KINDS, GIAS_COLUMNS, establishment, gias_csv_bytes

PRIMARY = ESTABLISHMENT_KINDS[0]
VOLUNTARY_AIDED = ESTABLISHMENT_KINDS[1]
ACADEMY_SECONDARY = ESTABLISHMENT_KINDS[5]
SPECIAL = ESTABLISHMENT_KINDS[8]
PUPIL_REFERRAL_UNIT = ESTABLISHMENT_KINDS[9]


def school(urn: int, name: str | None = None, *, la: str = "960", status: str = "Open", kind=PRIMARY, **columns):
    """One establishment's row. Pass other columns by their GIAS heading through `columns` (a dict) or kwargs."""
    extra = {
        "Town": "Ashby Marsh",
        "Postcode": "NS1 2AB",
        "Street": "School Lane",
        "NumberOfPupils": "210",
        "PercentageFSM": "12.5",
        "OpenDate": "01-09-1975",
        "OfstedRating (name)": "Good",
        "OfstedLastInsp": "14-03-2023",
        "HeadTitle (name)": "Mrs",
        "HeadFirstName": "Ada",
        "HeadLastName": "Lovelace",
        "Easting": "431000",
        "Northing": "291000",
        "SchoolWebsite": "www.example-school.sch.uk",
        "TelephoneNum": "01234567890",
        "DistrictAdministrative (name)": "Northshire Vale",
    }
    extra.update(columns.pop("columns", {}))
    extra.update(columns)
    return establishment(
        urn=urn,
        name=name or f"School {urn}",
        la_code=la,
        la_name={"960": "Northshire"}.get(la, f"Authority {la}"),
        number=2000 + urn % 1000,
        kind=kind,
        status=status,
        **extra,
    )


def gias_file(rows, *, encoding: str = "cp1252", bom: bool = False, columns: tuple[str, ...] = GIAS_COLUMNS) -> bytes:
    return gias_csv_bytes(rows, encoding=encoding, bom=bom, columns=columns)


def without(*dropped: str) -> tuple[str, ...]:
    """The GIAS header without some columns."""
    return tuple(column for column in GIAS_COLUMNS if column not in dropped)


def upload(content: bytes, name: str = "edubasealldata20261122.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


def with_cell(content: bytes, row: int, column: str, value: str, *, encoding: str = "cp1252") -> bytes:
    """Replace one cell of an encoded file (row 1 is the header), keeping everything else byte for byte."""
    import csv
    import io

    lines = list(csv.reader(io.StringIO(content.decode(encoding), newline="")))
    lines[row - 1][GIAS_COLUMNS.index(column)] = value
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(lines)
    return out.getvalue().encode(encoding)
