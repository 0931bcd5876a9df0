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
    # Attendance reports accept cp1252 (older Windows exports); registrant imports do not.
    assert parsers.decode(latin) == "Müller"
    with pytest.raises(imports.ImportFileError, match="not UTF-8"):
        imports.decode(latin)
    with pytest.raises(ReportError):
        parsers.decode(b"\xff\xfe\x00\xd8")  # a lone UTF-16 surrogate
