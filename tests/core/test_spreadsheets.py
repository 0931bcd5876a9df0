"""core.spreadsheets: the one formula guard of every export and the one decoder of every
import (registrants' CSV files, attendance reports)."""

import pytest

from aula.attendance import parsers
from aula.attendance.parsers import ReportError
from aula.core import spreadsheets
from aula.registrations import imports


@pytest.mark.parametrize(("value", "expected"), [
    ("=1+1", "'=1+1"), ("+40 721", "'+40 721"), ("-5", "'-5"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=x", "'\t=x"), ("\r=x", "'\r=x"), ("\x01=x", "'=x"), ("Ana", "Ana"), ("", ""),
    (5, 5), (None, None),
])
def test_formulas_become_text(value, expected):
    assert spreadsheets.safe(value) == expected


def test_every_export_uses_the_one_guard():
    from aula.audit import exports as audit_exports
    from aula.console import exports
    from aula.reports import xlsx

    assert exports.safe is spreadsheets.safe is xlsx.safe
    assert exports.csv_lines is spreadsheets.csv_lines is audit_exports.csv_lines


@pytest.mark.parametrize(("value", "expected"), [
    ("Ana;=cmd|' /C calc'!A0", "Ana;'=cmd|' /C calc'!A0"), ("a, +1", "a, '+1"),
    ('a;"=1', "a;\"'=1"), ("a\n@x", "a\n'@x"), ("a\t-1", "a\t'-1"), ("=a;=b", "'=a;'=b"),
    ("a;'=b", "a;'=b"), ("Ana; Ion", "Ana; Ion"), (5, 5),
])
def test_csv_cells_are_guarded_at_every_piece(value, expected):
    assert spreadsheets.safe_csv(value) == expected
    assert spreadsheets.safe_csv(expected) == expected  # guarded once only


def test_csv_quotes_every_field_and_no_separator_makes_a_formula():
    import csv
    import io

    text = "".join(spreadsheets.csv_lines([[1, "Ana;=cmd|' /C calc'!A0", 'x,"-2', None]]))
    assert text.startswith("\ufeff\"1\",")
    for delimiter in (",", ";", "\t", "|"):
        for row in csv.reader(io.StringIO(text[1:], newline=""), delimiter=delimiter):
            for field in row:
                assert not field.lstrip(' "').startswith(spreadsheets.FORMULA_STARTS), field


@pytest.mark.parametrize("encoded", [
    "Ștefan;Ąžuolas".encode(),
    b"\xef\xbb\xbf" + "Ștefan;Ąžuolas".encode(),
    "Ștefan;Ąžuolas".encode("utf-16"),  # with its byte-order mark
    "Ștefan;Ąžuolas".encode("utf-16-le"),
    "Ștefan;Ąžuolas".encode("utf-16-be"),
])
def test_text_is_read_whatever_saved_it(encoded):
    assert spreadsheets.decode(encoded) == "Ștefan;Ąžuolas"


def test_legacy_encodings_only_when_the_caller_accepts_them():
    latin = "Müller".encode("cp1252")
    with pytest.raises(spreadsheets.UnreadableText) as error:
        spreadsheets.decode(latin)
    assert error.value.position == 1
    assert spreadsheets.decode(latin, legacy=("cp1252",)) == "Müller"
    # Attendance reports accept cp1252 (older Windows exports); registrant imports the code
    # pages of all six languages.
    assert parsers.decode(latin) == "Müller"
    assert imports.read("Name\nMüller\n".encode("cp1252")) == [["Name"], ["Müller"]]
    with pytest.raises(imports.ImportFileError, match="cannot be read as text"):
        imports.read(b"Name\n\x81\x90\n")  # bytes none of the code pages has
    with pytest.raises(ReportError):
        parsers.decode(b"\xff\xfe\x00\xd8")  # a lone UTF-16 surrogate


@pytest.mark.parametrize(("text", "encoding"), [
    ("Primăria Timişoara; Ţara Bârsei", "cp1250"),  # Romanian as Windows saves it
    ("Đurđevac, Čakovec, Šibenik, Ćiro", "cp1250"),  # Croatian
    ("Vilniaus savivaldybė, Šiaulių, Ąžuolas", "cp1257"),  # Lithuanian
    ("Università di Perù, città", "cp1252"),  # Italian
    ("Tweeën, café, ruïne", "cp1252"),  # Dutch
])
def test_the_code_page_of_a_legacy_file_is_told_by_its_letters(text, encoding):
    assert spreadsheets.decode(text.encode(encoding),
                               legacy=spreadsheets.LEGACY_ENCODINGS) == text


@pytest.mark.parametrize(("text", "separator"), [
    ("a,b;c\n", ","), ("a;b;c\n", ";"), ("a\tb;c\tc\n", "\t"), ('"a;b",c\n', ","), ("a\n", ","),
])
def test_the_separator_is_the_commonest_on_the_first_line(text, separator):
    assert spreadsheets.separator(text) == separator


def test_an_xlsx_workbook_is_read_as_text_cells():
    import datetime
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Name", "Day", "At", "Count", "Share", "Empty"])
    sheet.append(["Ana", datetime.date(2026, 3, 1), datetime.datetime(2026, 3, 1, 9, 30), 3,
                  2.5, None])
    sheet.append(["Ion"])
    workbook.create_sheet("Other").append(["not read"])
    data = io.BytesIO()
    workbook.save(data)
    assert spreadsheets.read_table(data.getvalue()) == [
        ["Name", "Day", "At", "Count", "Share", "Empty"],
        ["Ana", "2026-03-01", "2026-03-01 09:30", "3", "2.5", ""],
        ["Ion", "", "", "", "", ""],
    ]
    with pytest.raises(spreadsheets.UnreadableTable):
        spreadsheets.read_table(b"PK\x03\x04broken")
    sheet.cell(row=1, column=5000, value="stray")
    data = io.BytesIO()
    workbook.save(data)
    rows = spreadsheets.read_table(data.getvalue())
    assert {len(row) for row in rows} == {6}  # the stray cell beyond the limit is left out


def test_safe_csv_skips_the_pattern_only_where_it_could_not_match():
    """The separator check before the pattern (most cells have none) gives what the pattern
    alone gives, for every separator and starter."""
    from aula.core.spreadsheets import _PIECE_FORMULA, safe, safe_csv

    pieces = ["a", "=1+1", " ", '"', ",", ";", "\t", "\r", "\n", "+", "-", "@", "x y", "ț"]
    for first in pieces:
        for second in pieces:
            for third in pieces:
                value = first + second + third
                expected = safe(value)
                if isinstance(expected, str):
                    expected = _PIECE_FORMULA.sub(r"\1'", expected)
                assert safe_csv(value) == expected, repr(value)
