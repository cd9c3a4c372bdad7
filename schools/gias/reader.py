"""Reading a GIAS extract (`edubasealldataYYYYMMDD.csv`) into school records, row by row.

The file is streamed: one pass checks that it is text and finds its encoding (UTF-8 with or without a BOM,
else Windows-1252, which is what the Department for Education publishes) while hashing it; a second pass
reads it with the csv module and keeps only the rows the partnership selected (by local-authority code or
URN). About 140 columns exist; the ones we do not use are never converted. Every problem found in a selected
row is collected with its row number (as a spreadsheet numbers it: the header is row 1) and column, and a
file with any problem is rejected as a whole.

Nothing here touches the database: `schools.importer` compares the records with the partnership's schools.
"""

import codecs
import csv
import datetime
import hashlib
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import BinaryIO

import filetype

from ..models import School, Trust

CHUNK = 1 << 20
MAX_PROBLEMS = 100


@dataclass(frozen=True)
class Problem:
    message: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = ", ".join(part for part in (f"Row {self.row}" if self.row else "", self.column or "") if part)
        return f"{where}: {self.message}" if where else self.message


class GiasFileError(Exception):
    """The file cannot be imported. `problems` lists the first problems found; `total` counts them all."""

    def __init__(self, problems: list[Problem], total: int | None = None):
        self.problems = problems
        self.total = total if total is not None else len(problems)
        super().__init__("; ".join(str(p) for p in problems[:3]))


def _reject(message: str, row: int | None = None, column: str | None = None) -> GiasFileError:
    return GiasFileError([Problem(message, row, column)])


@dataclass(frozen=True)
class Selection:
    """The establishments that make up the partnership: every school of some local authorities, plus URNs."""

    la_codes: frozenset[str] = frozenset()
    urns: frozenset[int] = frozenset()

    def __post_init__(self):
        if not self.la_codes and not self.urns:
            raise ValueError("A selection needs local-authority codes or URNs")

    def __bool__(self) -> bool:
        return True


@dataclass(frozen=True)
class TrustRef:
    """A trust or federation as a row names it: matched by its GIAS code, or by name when it has none."""

    kind: str
    code: str
    name: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, f"code:{self.code}" if self.code else f"name:{self.name}")


@dataclass
class GiasRecord:
    row: int
    urn: int
    values: dict[str, object]
    trust: TrustRef | None = None
    federation: TrustRef | None = None

    @property
    def status(self) -> str:
        return str(self.values["status"])

    @property
    def name(self) -> str:
        return str(self.values["name"])


@dataclass
class GiasExtract:
    encoding: str
    sha256: str
    size: int
    rows_read: int
    records: list[GiasRecord]
    trust_columns: bool
    federation_columns: bool
    missing_columns: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    urns_not_found: list[int] = field(default_factory=list)


# The columns we import, by exact GIAS heading. Required ones must be present; for the others a missing
# column leaves that detail of each school as it is (with a warning), so an older extract still imports.
REQUIRED_COLUMNS = (
    "URN",
    "EstablishmentName",
    "LA (code)",
    "EstablishmentStatus (name)",
    "PhaseOfEducation (name)",
    "TypeOfEstablishment (name)",
    "EstablishmentTypeGroup (name)",
)
TEXT_COLUMNS = {
    "EstablishmentName": "name",
    "LA (code)": "la_code",
    "LA (name)": "la_name",
    "EstablishmentNumber": "establishment_number",
    "TypeOfEstablishment (name)": "establishment_type",
    "EstablishmentTypeGroup (name)": "type_group",
    "DistrictAdministrative (name)": "district",
    "Street": "street",
    "Locality": "locality",
    "Town": "town",
    "Postcode": "postcode",
    "ReligiousCharacter (name)": "religious_character",
    "Diocese (name)": "diocese",
    "SchoolWebsite": "website",
    "TelephoneNum": "telephone",
    "HeadTitle (name)": "head_title",
    "HeadFirstName": "head_first_name",
    "HeadLastName": "head_last_name",
    "OfstedRating (name)": "ofsted_rating",
}
# column -> (field, smallest, largest)
WHOLE_NUMBER_COLUMNS = {
    "StatutoryLowAge": ("statutory_low_age", 0, 99),
    "StatutoryHighAge": ("statutory_high_age", 0, 99),
    "NumberOfPupils": ("pupils", 0, 100_000),
    "Easting": ("easting", 0, 700_000),
    "Northing": ("northing", 0, 1_300_000),
}
DECIMAL_COLUMNS = {"PercentageFSM": ("fsm_percentage", Decimal(0), Decimal(100))}
DATE_COLUMNS = {"OpenDate": "opened_on", "CloseDate": "closed_on", "OfstedLastInsp": "ofsted_inspected_on"}
TRUST_COLUMNS = ("Trusts (code)", "Trusts (name)")
FEDERATION_COLUMNS = ("Federations (code)", "Federations (name)")
OPTIONAL_COLUMNS = (
    *(c for c in TEXT_COLUMNS if c not in REQUIRED_COLUMNS),
    *WHOLE_NUMBER_COLUMNS,
    *DECIMAL_COLUMNS,
    *DATE_COLUMNS,
    *TRUST_COLUMNS,
    "Federations (name)",
)

STATUSES = {
    "open": School.Status.OPEN,
    "closed": School.Status.CLOSED,
    "open, but proposed to close": School.Status.PROPOSED_TO_CLOSE,
    "proposed to open": School.Status.PROPOSED_TO_OPEN,
}
PHASES = {
    "nursery": School.Phase.NURSERY,
    "primary": School.Phase.PRIMARY,
    "middle deemed primary": School.Phase.MIDDLE,
    "middle deemed secondary": School.Phase.MIDDLE,
    "secondary": School.Phase.SECONDARY,
    "16 plus": School.Phase.SIXTEEN_PLUS,
    "all-through": School.Phase.ALL_THROUGH,
    "all through": School.Phase.ALL_THROUGH,
    "not applicable": School.Phase.NOT_APPLICABLE,
}
# GIAS's words for "none" in columns where we would rather show nothing.
NONE_VALUES = {"religious_character": {"does not apply", "none"}, "diocese": {"not applicable"}}
MAX_LENGTHS = {f.name: f.max_length for f in School._meta.get_fields() if getattr(f, "max_length", None) and f.concrete}
URN_PATTERN = re.compile(r"^\d{6}$")
DATE_PATTERN = re.compile(r"^(\d{1,2})[-/](\d{1,2})[-/](\d{4})$")
LA_CODE_PATTERN = re.compile(r"^\d{3}$")

BINARY_KINDS = {
    "pdf": "a PDF document",
    "zip": "a ZIP archive (unzip it and upload the .csv file inside)",
    "xlsx": "an Excel workbook (.xlsx); in Excel choose Save As and 'CSV (Comma delimited)'",
    "xls": "an Excel workbook (.xls); in Excel choose Save As and 'CSV (Comma delimited)'",
    "ods": "a spreadsheet (.ods); save it as CSV",
    "docx": "a Word document",
    "doc": "a Word document",
    "gz": "a compressed (gzip) file",
    "7z": "a 7-Zip archive",
    "rar": "a RAR archive",
}


def phase_of(phase_name: str, type_name: str, type_group: str) -> str | None:
    """Our phase from GIAS: special schools and alternative provision by their type, the rest by phase."""
    kind, group = type_name.strip().lower(), type_group.strip().lower()
    if group == "special schools" or "special" in kind:
        return School.Phase.SPECIAL
    if "alternative provision" in kind or kind == "pupil referral unit":
        return School.Phase.ALTERNATIVE
    return PHASES.get(phase_name.strip().lower())


def parse_urn(raw: str) -> int:
    if not URN_PATTERN.match(raw):
        raise ValueError(f"“{raw}” is not a URN: a URN is six digits, such as 110234." if raw else "The URN is empty.")
    return int(raw)


def parse_date(raw: str) -> datetime.date | None:
    if not raw:
        return None
    match = DATE_PATTERN.match(raw)
    if not match:
        raise ValueError(f"“{raw}” is not a date in the form DD-MM-YYYY.")
    day, month, year = (int(part) for part in match.groups())
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise ValueError(f"“{raw}” is not a real date.") from None


def parse_whole_number(raw: str, smallest: int, largest: int) -> int | None:
    if not raw:
        return None
    if not re.fullmatch(r"\d+", raw):
        raise ValueError(f"“{raw}” is not a whole number.")
    value = int(raw)
    if not smallest <= value <= largest:
        raise ValueError(f"{value} is not between {smallest} and {largest}.")
    return value


def parse_decimal(raw: str, smallest: Decimal, largest: Decimal) -> Decimal | None:
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValueError(f"“{raw}” is not a number.") from None
    if not value.is_finite() or not smallest <= value <= largest:
        raise ValueError(f"“{raw}” is not between {smallest} and {largest}.")
    return value.quantize(Decimal("0.01"))


def parse_la_codes(text: str) -> list[str]:
    """Local-authority codes typed by a person: three digits each, separated by commas or spaces."""
    codes = [code for code in re.split(r"[\s,;]+", text.strip()) if code]
    bad = [code for code in codes if not LA_CODE_PATTERN.match(code)]
    if bad:
        raise ValueError(f"“{bad[0]}” is not a local-authority code: a code is three digits, such as 960.")
    return sorted(set(codes))


def parse_urn_list(text: str) -> list[int]:
    """URNs typed or listed in a file: six digits each, separated by commas, spaces or new lines; # comments."""
    urns = []
    for line_number, line in enumerate(text.splitlines(), start=1):
        line = line.split("#", 1)[0]
        for item in re.split(r"[\s,;]+", line.strip()):
            if not item:
                continue
            if not URN_PATTERN.match(item):
                raise ValueError(f"Line {line_number}: “{item}” is not a URN (six digits, such as 110234).")
            urns.append(int(item))
    return sorted(set(urns))


# Reading


class _Reader(io.RawIOBase):
    """Presents anything with a .read(n) (a Django File, an upload, a BytesIO) to io.TextIOWrapper."""

    def __init__(self, source):
        self.source = source

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.source.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _describe_binary(head: bytes) -> str | None:
    kind = filetype.guess(head)
    if kind is not None:
        return BINARY_KINDS.get(kind.extension, f"a {kind.extension.upper()} file ({kind.mime})")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "saved as UTF-16 ('Unicode text'); save it as 'CSV (Comma delimited)' or 'CSV UTF-8'"
    if b"\x00" in head:
        return "not a text file (it contains binary data)"
    return None


def inspect_file(binary: BinaryIO) -> tuple[str, str, int]:
    """(encoding, sha256, size) of a text file, or GiasFileError saying why it is not one. Rewinds."""
    binary.seek(0)
    head = binary.read(8192)
    binary.seek(0)
    if not head.strip():
        raise _reject("The file is empty.")
    binary_kind = _describe_binary(head)
    if binary_kind:
        raise _reject(f"This is {binary_kind}, not a CSV file. Upload the GIAS extract as it was downloaded.")
    utf8 = head.startswith(codecs.BOM_UTF8)
    candidates = ["utf-8-sig"] if utf8 else ["utf-8", "cp1252"]
    failure = None
    for encoding in candidates:
        digest, size, lines = hashlib.sha256(), 0, 1
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            for chunk in iter(lambda: binary.read(CHUNK), b""):
                if b"\x00" in chunk:
                    raise _reject(
                        "This is not a text file (it contains binary data), not a CSV file. "
                        "Upload the GIAS extract as it was downloaded.",
                        row=lines + chunk[: chunk.index(b"\x00")].count(b"\n"),
                    )
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as error:
                    raise _EncodingError(lines + chunk[: error.start].count(b"\n"), chunk[error.start]) from None
                digest.update(chunk)
                size += len(chunk)
                lines += chunk.count(b"\n")
            decoder.decode(b"", final=True)
        except _EncodingError as error:
            failure = error
            binary.seek(0)
            continue
        binary.seek(0)
        return encoding, digest.hexdigest(), size
    raise _reject(
        f"The file is not in an encoding we can read: byte 0x{failure.byte:02X} is not valid in UTF-8 or in "
        "Windows-1252 (the encoding GIAS uses). Download the extract again, or save it as 'CSV UTF-8'.",
        row=failure.line,
    )


class _EncodingError(Exception):
    def __init__(self, line: int, byte: int):
        self.line, self.byte = line, byte


def _column_index(header: list[str]) -> dict[str, int]:
    """Heading -> position, matching GIAS headings whatever their case or spacing."""
    return {" ".join(name.split()).lower(): position for position, name in enumerate(header)}


def read_extract(binary: BinaryIO, selection: Selection, *, max_problems: int = MAX_PROBLEMS) -> GiasExtract:
    """Read the selected establishments of an extract, or raise GiasFileError listing every problem."""
    encoding, sha256, size = inspect_file(binary)
    text = io.TextIOWrapper(io.BufferedReader(_Reader(binary), CHUNK), encoding=encoding, newline="")
    try:
        return _read_rows(csv.reader(text), selection, encoding, sha256, size, max_problems)
    except csv.Error as error:
        raise _reject(
            f"The file cannot be read as CSV ({error}). Upload the GIAS extract as it was downloaded."
        ) from None
    finally:
        text.detach()


def _read_rows(reader, selection: Selection, encoding, sha256, size, max_problems) -> GiasExtract:
    try:
        header = next(reader)
    except StopIteration:
        raise _reject("The file is empty.") from None
    header = [name.strip().lstrip("\ufeff") for name in header]
    positions = _column_index(header)
    problems = _header_problems(header, positions)
    if problems:
        raise GiasFileError(problems)

    def at(column: str) -> int | None:
        return positions.get(" ".join(column.split()).lower())

    width = len(header)
    urn_at, la_at = at("URN"), at("LA (code)")
    missing = [column for column in OPTIONAL_COLUMNS if at(column) is None]
    wanted_urns = {str(urn) for urn in selection.urns}
    state = _RowState(max_problems)
    records: list[GiasRecord] = []
    seen: dict[int, int] = {}
    rows_read = 0
    for row_number, row in enumerate(reader, start=2):
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        rows_read += 1
        if len(row) != width:
            state.add(
                f"This row has {len(row)} values but the header has {width} columns: the file may be cut short "
                "or have been edited.",
                row_number,
            )
            continue
        urn_text = row[urn_at].strip()
        if row[la_at].strip() not in selection.la_codes and urn_text not in wanted_urns:
            continue
        record = _record(row, row_number, at, state)
        if record is None:
            continue
        if record.urn in seen:
            state.add(f"URN {record.urn} appears twice, in rows {seen[record.urn]} and {row_number}.", row_number)
            continue
        seen[record.urn] = row_number
        records.append(record)
    if state.total:
        raise GiasFileError(state.problems, state.total)
    warnings = []
    if missing:
        warnings.append(
            "The file has no column " + ", ".join(f"“{c}”" for c in missing) + ": those details of each school "
            "are left as they are."
        )
    if not records:
        warnings.append("No establishment in the file matches the local-authority codes or URNs you chose.")
    return GiasExtract(
        encoding=encoding,
        sha256=sha256,
        size=size,
        rows_read=rows_read,
        records=records,
        trust_columns=at("Trusts (code)") is not None or at("Trusts (name)") is not None,
        federation_columns=at("Federations (name)") is not None,
        missing_columns=missing,
        warnings=warnings + state.warnings,
        urns_not_found=sorted(selection.urns - set(seen)),
    )


def _header_problems(header: list[str], positions: dict[str, int]) -> list[Problem]:
    problems = []
    missing = [column for column in REQUIRED_COLUMNS if " ".join(column.split()).lower() not in positions]
    if "URN" in missing:
        return [
            Problem(
                "The first row must be the column headings of a GIAS extract, starting with “URN”. "
                "Download “All establishment data” (edubasealldataYYYYMMDD.csv) from Get Information About "
                "Schools and upload it as it is.",
                row=1,
            )
        ]
    for column in missing:
        problems.append(Problem(f"The column “{column}” is missing; a GIAS extract always has it.", 1, column))
    duplicates = sorted({name for name in header if header.count(name) > 1 and name})
    for column in duplicates:
        problems.append(Problem(f"The column “{column}” appears more than once.", 1, column))
    return problems


class _RowState:
    def __init__(self, max_problems: int):
        self.max_problems = max_problems
        self.problems: list[Problem] = []
        self.total = 0
        self.warnings: list[str] = []
        self.unknown_phases: set[str] = set()

    def add(self, message: str, row: int, column: str | None = None) -> None:
        self.total += 1
        if len(self.problems) < self.max_problems:
            self.problems.append(Problem(message, row, column))


def _record(row: list[str], row_number: int, at, state: _RowState) -> GiasRecord | None:
    before = state.total
    values: dict[str, object] = {}

    def cell(column: str) -> str | None:
        position = at(column)
        return None if position is None else row[position].strip()

    try:
        urn = parse_urn(cell("URN"))
    except ValueError as error:
        state.add(str(error), row_number, "URN")
        urn = 0
    for column, name in TEXT_COLUMNS.items():
        raw = cell(column)
        if raw is None:
            continue
        if raw.lower() in NONE_VALUES.get(name, ()):
            raw = ""
        if len(raw) > MAX_LENGTHS[name]:
            state.add(f"This is {len(raw)} characters long; at most {MAX_LENGTHS[name]} fit.", row_number, column)
        values[name] = raw
    if not values.get("name"):
        state.add("The establishment has no name.", row_number, "EstablishmentName")
    for column, (name, smallest, largest) in WHOLE_NUMBER_COLUMNS.items():
        _convert(values, name, cell(column), parse_whole_number, (smallest, largest), state, row_number, column)
    for column, (name, smallest, largest) in DECIMAL_COLUMNS.items():
        _convert(values, name, cell(column), parse_decimal, (smallest, largest), state, row_number, column)
    for column, name in DATE_COLUMNS.items():
        _convert(values, name, cell(column), parse_date, (), state, row_number, column)

    status_name = cell("EstablishmentStatus (name)")
    status = STATUSES.get(status_name.lower())
    if status is None:
        state.add(
            f"“{status_name}” is not a status we know: expected Open, Closed, "
            "“Open, but proposed to close” or “Proposed to open”.",
            row_number,
            "EstablishmentStatus (name)",
        )
    values["status"] = status
    phase_name = cell("PhaseOfEducation (name)")
    phase = phase_of(phase_name, cell("TypeOfEstablishment (name)"), cell("EstablishmentTypeGroup (name)"))
    if phase is None:
        if phase_name not in state.unknown_phases:
            state.unknown_phases.add(phase_name)
            state.warnings.append(
                f"The phase “{phase_name}” is new to us: those schools are shown as “Not applicable”."
            )
        phase = School.Phase.NOT_APPLICABLE
    values["phase"] = phase

    low, high = values.get("statutory_low_age"), values.get("statutory_high_age")
    if low is not None and high is not None and high < low:
        state.add(f"The highest age ({high}) is below the lowest age ({low}).", row_number, "StatutoryHighAge")
    opened, closed = values.get("opened_on"), values.get("closed_on")
    if opened and closed and closed < opened:
        state.add(
            f"The school closes ({closed:%d-%m-%Y}) before it opens ({opened:%d-%m-%Y}).", row_number, "CloseDate"
        )

    trust = _trust_ref(Trust.Kind.TRUST, cell("Trusts (code)"), cell("Trusts (name)"), state, row_number)
    federation = _trust_ref(
        Trust.Kind.FEDERATION, cell("Federations (code)"), cell("Federations (name)"), state, row_number
    )
    if state.total > before:
        return None
    return GiasRecord(row=row_number, urn=urn, values=values, trust=trust, federation=federation)


def _convert(values, name, raw, parser, bounds, state, row_number, column) -> None:
    if raw is None:
        return
    try:
        values[name] = parser(raw, *bounds)
    except ValueError as error:
        state.add(str(error), row_number, column)


def _trust_ref(kind: str, code: str | None, name: str | None, state: _RowState, row_number: int) -> TrustRef | None:
    code, name = code or "", name or ""
    if not code and not name:
        return None
    limit = Trust._meta.get_field("gias_code").max_length
    if len(code) > limit:
        label = "Trusts (code)" if kind == Trust.Kind.TRUST else "Federations (code)"
        state.add(f"This is {len(code)} characters long; at most {limit} fit.", row_number, label)
    name = name or f"{'Trust' if kind == Trust.Kind.TRUST else 'Federation'} {code}"
    return TrustRef(kind=kind, code=code, name=name[: Trust._meta.get_field("name").max_length])


def problems_as_text(problems: Iterable[Problem]) -> list[str]:
    return [str(problem) for problem in problems]


EXTRACT_DATE = re.compile(r"edubasealldata(\d{8})", re.IGNORECASE)


def extract_date(file_name: str) -> datetime.date | None:
    """The date GIAS puts in an extract's name (edubasealldataYYYYMMDD.csv), if the name still has it."""
    match = EXTRACT_DATE.search(file_name)
    if not match:
        return None
    try:
        return datetime.datetime.strptime(match.group(1), "%Y%m%d").date()
    except ValueError:
        return None
