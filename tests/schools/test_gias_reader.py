"""Reading GIAS extracts: encodings, dates, headers, filtering, and a specific message for every kind of bad input."""

import codecs
import datetime
import io
import zipfile
from decimal import Decimal

import pytest

from schools.gias import GiasFileError, Selection, parse_la_codes, parse_urn_list, read_extract
from schools.gias.synthetic import GIAS_COLUMNS
from schools.models import School, Trust

from .gias_files import ACADEMY_SECONDARY, PUPIL_REFERRAL_UNIT, SPECIAL, VOLUNTARY_AIDED, gias_file, school, without

NORTHSHIRE = Selection(la_codes=frozenset({"960"}))


def read(content: bytes, selection: Selection = NORTHSHIRE, **options):
    return read_extract(io.BytesIO(content), selection, **options)


def rejected(content: bytes, selection: Selection = NORTHSHIRE) -> GiasFileError:
    with pytest.raises(GiasFileError) as caught:
        read(content, selection)
    return caught.value


def test_the_generated_header_is_a_real_gias_header_with_every_column_we_use():
    documented = {
        "URN", "EstablishmentName", "LA (code)", "LA (name)", "EstablishmentNumber", "TypeOfEstablishment (name)",
        "EstablishmentTypeGroup (name)", "EstablishmentStatus (name)", "PhaseOfEducation (name)", "StatutoryLowAge",
        "StatutoryHighAge", "ReligiousCharacter (name)", "Diocese (name)", "Trusts (code)", "Trusts (name)",
        "Federations (name)", "NumberOfPupils", "PercentageFSM", "Street", "Locality", "Town", "Postcode",
        "SchoolWebsite", "TelephoneNum", "HeadTitle (name)", "HeadFirstName", "HeadLastName", "OfstedRating (name)",
        "OfstedLastInsp", "Easting", "Northing", "OpenDate", "CloseDate", "DistrictAdministrative (name)",
    }  # fmt: skip
    assert documented <= set(GIAS_COLUMNS)
    assert 130 <= len(GIAS_COLUMNS) == len(set(GIAS_COLUMNS)) <= 150


def test_a_windows_1252_extract_is_read_with_its_accents_dates_and_numbers():
    content = gias_file(
        [
            school(
                110234,
                "St Bede’s Église School",
                Locality="Brontë Row",
                OpenDate="01-09-1975",
                CloseDate="",
                PercentageFSM="23.456",
                StatutoryLowAge="4",
                StatutoryHighAge="11",
            )
        ]
    )
    assert b"\x92" in content and b"\xc9" in content and b"\xeb" in content  # truly cp1252 bytes
    extract = read(content)
    assert extract.encoding == "cp1252"
    [record] = extract.records
    assert record.urn == 110234
    assert record.values["name"] == "St Bede’s Église School"
    assert record.values["locality"] == "Brontë Row"
    assert record.values["opened_on"] == datetime.date(1975, 9, 1)
    assert record.values["closed_on"] is None
    assert record.values["fsm_percentage"] == Decimal("23.46")
    assert record.values["statutory_low_age"] == 4
    assert record.values["pupils"] == 210
    assert record.values["easting"] == 431000
    assert record.values["status"] == School.Status.OPEN
    assert record.values["phase"] == School.Phase.PRIMARY
    assert record.values["head_first_name"] == "Ada"
    assert record.values["ofsted_inspected_on"] == datetime.date(2023, 3, 14)


@pytest.mark.parametrize(("encoding", "bom"), [("utf-8", False), ("utf-8", True)])
def test_utf8_with_or_without_a_bom_is_read_too(encoding, bom):
    content = gias_file([school(110234, "École Saint-Étienne")], encoding=encoding, bom=bom)
    assert content.startswith(codecs.BOM_UTF8) is bom
    extract = read(content)
    assert extract.encoding == ("utf-8-sig" if bom else "utf-8")
    assert extract.records[0].values["name"] == "École Saint-Étienne"


def test_headings_are_matched_whatever_their_case_or_spacing_and_unused_columns_are_ignored():
    shouting = tuple(c.upper().replace(" (", "  (") for c in GIAS_COLUMNS)
    content = gias_file([school(110234, "Shouting School", columns={"SEN1 (name)": "not ours", "UPRN": "x"})])
    content = b",".join(c.encode() for c in shouting) + b"\r\n" + content.split(b"\r\n", 1)[1]
    assert read(content).records[0].values["name"] == "Shouting School"


def test_rows_are_chosen_by_local_authority_or_urn_and_the_rest_are_skipped_unread():
    content = gias_file(
        [
            school(110001, la="960"),
            school(110002, la="961"),
            school(110003, la="961", PercentageFSM="not a number"),  # not chosen, so not checked
            school(110004, la="877"),
        ]
    )
    assert [r.urn for r in read(content).records] == [110001]
    both = Selection(la_codes=frozenset({"960"}), urns=frozenset({110004, 999999}))
    extract = read(content, both)
    assert [r.urn for r in extract.records] == [110001, 110004]
    assert extract.rows_read == 4
    assert extract.urns_not_found == [999999]


def test_statuses_map_to_ours():
    content = gias_file(
        [
            school(110001, status="Open"),
            school(110002, status="Closed", CloseDate="31-08-2024"),
            school(110003, status="Open, but proposed to close"),
            school(110004, status="Proposed to open"),
        ]
    )
    assert [r.values["status"] for r in read(content).records] == [
        School.Status.OPEN,
        School.Status.CLOSED,
        School.Status.PROPOSED_TO_CLOSE,
        School.Status.PROPOSED_TO_OPEN,
    ]


def test_phases_map_to_ours_with_special_schools_and_alternative_provision_by_type():
    content = gias_file(
        [
            school(110001, kind=VOLUNTARY_AIDED),
            school(110002, kind=ACADEMY_SECONDARY),
            school(110003, kind=SPECIAL),
            school(110004, kind=PUPIL_REFERRAL_UNIT),
            school(110005, columns={"PhaseOfEducation (name)": "Middle deemed secondary"}),
            school(110006, columns={"PhaseOfEducation (name)": "All-through"}),
            school(110007, columns={"PhaseOfEducation (name)": "Nursery"}),
            school(110008, columns={"PhaseOfEducation (name)": "Something new"}),
        ]
    )
    extract = read(content)
    assert [r.values["phase"] for r in extract.records] == [
        School.Phase.PRIMARY,
        School.Phase.SECONDARY,
        School.Phase.SPECIAL,
        School.Phase.ALTERNATIVE,
        School.Phase.MIDDLE,
        School.Phase.ALL_THROUGH,
        School.Phase.NURSERY,
        School.Phase.NOT_APPLICABLE,
    ]
    assert any("“Something new” is new to us" in warning for warning in extract.warnings)


def test_trusts_and_federations_are_named_by_code_or_name():
    content = gias_file(
        [
            school(110001, columns={"Trusts (code)": "2044", "Trusts (name)": "Northshire Schools Trust"}),
            school(110002, columns={"Federations (code)": "FED12", "Federations (name)": "Vale Federation"}),
            school(110003, columns={"Federations (name)": "Hills Federation"}),
            school(110004),
        ]
    )
    records = read(content).records
    assert records[0].trust.key == (Trust.Kind.TRUST, "code:2044")
    assert records[0].trust.name == "Northshire Schools Trust"
    assert records[1].federation.key == (Trust.Kind.FEDERATION, "code:FED12")
    assert records[2].federation.key == (Trust.Kind.FEDERATION, "name:Hills Federation")
    assert records[3].trust is None and records[3].federation is None


def test_gias_words_for_none_are_left_blank():
    content = gias_file([school(110001)])  # the generator writes "Does not apply" and "Not applicable"
    values = read(content).records[0].values
    assert values["religious_character"] == "" and values["diocese"] == ""


def test_a_missing_optional_column_is_a_warning_and_leaves_those_details_out():
    content = gias_file([school(110001)], columns=without("PercentageFSM", "Locality"))
    extract = read(content)
    assert "fsm_percentage" not in extract.records[0].values
    assert "locality" not in extract.records[0].values
    assert "“Locality”" in extract.warnings[0] and "“PercentageFSM”" in extract.warnings[0]


def test_dates_as_a_spreadsheet_resaves_them_are_accepted():
    extract = read(gias_file([school(110001, OpenDate="1/9/1975")]))
    assert extract.records[0].values["opened_on"] == datetime.date(1975, 9, 1)


def test_row_numbers_count_the_header_as_row_one_even_with_line_breaks_inside_quotes():
    content = gias_file([school(110001, Street="1 School Lane\r\nSecond line"), school(110002, OpenDate="31-02-2020")])
    error = rejected(content)
    [problem] = error.problems
    assert (problem.row, problem.column) == (3, "OpenDate")
    assert "“31-02-2020” is not a real date" in problem.message


@pytest.mark.parametrize(
    ("columns", "column", "message"),
    [
        ({"URN": "11023"}, "URN", "“11023” is not a URN"),
        ({"URN": "ABC123"}, "URN", "is not a URN"),
        ({"URN": ""}, "URN", "The URN is empty"),
        ({"OpenDate": "2020-09-01"}, "OpenDate", "is not a date in the form DD-MM-YYYY"),
        ({"CloseDate": "32-01-2020"}, "CloseDate", "is not a real date"),
        ({"NumberOfPupils": "two hundred"}, "NumberOfPupils", "is not a whole number"),
        ({"NumberOfPupils": "-5"}, "NumberOfPupils", "is not a whole number"),
        ({"PercentageFSM": "12,5"}, "PercentageFSM", "is not a number"),
        ({"PercentageFSM": "130"}, "PercentageFSM", "is not between 0 and 100"),
        ({"PercentageFSM": "NaN"}, "PercentageFSM", "is not between 0 and 100"),
        ({"Easting": "43.5"}, "Easting", "is not a whole number"),
        ({"StatutoryLowAge": "11", "StatutoryHighAge": "4"}, "StatutoryHighAge", "is below the lowest age"),
        ({"OpenDate": "01-09-2020", "CloseDate": "31-08-2019"}, "CloseDate", "closes (31-08-2019) before it opens"),
        ({"EstablishmentStatus (name)": "Dormant"}, "EstablishmentStatus (name)", "is not a status we know"),
        ({"EstablishmentName": ""}, "EstablishmentName", "has no name"),
        ({"Postcode": "X" * 11}, "Postcode", "at most 10 fit"),
    ],
)
def test_a_bad_value_in_a_chosen_row_names_the_row_and_column(columns, column, message):
    content = gias_file([school(110001), school(110002, columns=columns)])
    error = rejected(content)
    assert [(p.row, p.column) for p in error.problems] == [(3, column)]
    assert message in error.problems[0].message
    assert str(error.problems[0]).startswith(f"Row 3, {column}: ")


def test_every_problem_is_listed_up_to_a_limit_and_counted():
    content = gias_file([school(110000 + n, OpenDate="yesterday") for n in range(150)])
    error = rejected(content)
    assert error.total == 150
    assert len(error.problems) == 100
    assert error.problems[0].row == 2 and error.problems[-1].row == 101


def test_a_urn_twice_is_a_problem():
    error = rejected(gias_file([school(110001), school(110002), school(110001)]))
    assert "URN 110001 appears twice, in rows 2 and 4" in error.problems[0].message


def test_a_row_with_the_wrong_number_of_values_is_a_problem_wherever_it_is():
    content = gias_file([school(110001)]) + b"110009,877,Elsewhere\r\n"
    error = rejected(content)
    assert error.problems[0].row == 3
    assert "has 3 values but the header has 140 columns" in error.problems[0].message


def test_missing_required_columns_are_each_named():
    content = gias_file([school(110001)], columns=without("EstablishmentStatus (name)", "LA (code)"))
    error = rejected(content)
    assert [(p.row, p.column) for p in error.problems] == [(1, "LA (code)"), (1, "EstablishmentStatus (name)")]
    assert "The column “LA (code)” is missing" in error.problems[0].message


def test_a_csv_that_is_not_a_gias_extract_says_so():
    error = rejected(b"name,email\r\nAda,ada@example.org\r\n")
    assert "must be the column headings of a GIAS extract, starting with “URN”" in error.problems[0].message


def test_a_repeated_column_is_a_problem():
    header = ",".join([*GIAS_COLUMNS, "Town"]).encode()
    error = rejected(header + b"\r\n")
    assert "The column “Town” appears more than once" in error.problems[0].message


def pdf_bytes() -> bytes:
    return b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


def zip_bytes(name: str = "edubasealldata.csv") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, gias_file([school(110001)]))
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty"),
        (b"\r\n  \r\n", "The file is empty"),
        (pdf_bytes(), "This is a PDF document, not a CSV file"),
        (zip_bytes(), "This is a ZIP archive (unzip it and upload the .csv file inside), not a CSV file"),
        (xlsx_bytes(), "This is an Excel workbook (.xlsx)"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "This is a PNG file (image/png), not a CSV file"),
        (bytes(range(256)) * 4, "not a text file (it contains binary data)"),
        ("URN,Name\r\n".encode("utf-16"), "saved as UTF-16"),
    ],
)
def test_a_file_that_is_not_a_csv_gets_a_message_saying_what_it_is(content, message):
    error = rejected(content)
    assert len(error.problems) == 1
    assert message in error.problems[0].message


def test_an_unreadable_encoding_names_the_line_of_the_bad_byte():
    content = gias_file([school(110001), school(110002)])
    content = content.replace(b"School 110002", b"School \x81\x90 110002")  # undefined in cp1252, invalid UTF-8
    error = rejected(content)
    assert "not in an encoding we can read: byte 0x81" in error.problems[0].message
    assert error.problems[0].row == 3


def test_a_text_file_with_a_nul_byte_halfway_is_rejected():
    content = gias_file([school(110001)]) + b"1100\x0002,960\r\n"
    error = rejected(content)
    assert "binary data" in error.problems[0].message


def test_the_file_is_hashed_and_measured_while_checking_it():
    import hashlib

    content = gias_file([school(110001)])
    extract = read(content)
    assert extract.sha256 == hashlib.sha256(content).hexdigest()
    assert extract.size == len(content)


def test_typed_local_authority_codes_and_urn_lists():
    assert parse_la_codes(" 960, 961;960\n877 ") == ["877", "960", "961"]
    with pytest.raises(ValueError, match="“96” is not a local-authority code"):
        parse_la_codes("960, 96")
    assert parse_urn_list("110234\n# a comment\n110235, 110236 # trailing\n\n") == [110234, 110235, 110236]
    with pytest.raises(ValueError, match="Line 2: “11O235” is not a URN"):
        parse_urn_list("110234\n11O235")
