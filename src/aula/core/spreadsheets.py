"""Spreadsheets in and out: the one home of two rules every export and import follows.

* Out: a text cell that a spreadsheet program would take for a formula (it starts with
  = + - @, a tab or a carriage return) gets a leading single quote, so the program shows it as
  text instead of running it (CSV/formula injection); characters XLSX cannot hold are dropped.
  A CSV file is written with every field quoted (``csv_lines``), and within a text cell every
  piece that follows a separator a spreadsheet might split on (``,`` ``;`` a tab or a line
  break, then any spaces or quotes) is guarded too: opened with ``;`` as its separator (Excel's
  default in much of Europe) a comma-separated file is cut at the ``;`` inside a cell, and the
  piece after it would otherwise run as a formula (``Ana;=cmd|' /C calc'!A0``).
* Times: a time cell is an aware datetime in the zone the file is in. XLSX gets a real date
  cell (``xlsx_row``): naive, in that zone (Excel has no zones), with a date-and-time number
  format, the zone stated in the column's header (``zoned``); CSV gets ISO 8601 with the offset.
* In: a file's text is read whatever the program that saved it: a byte-order mark (UTF-8 or
  UTF-16, as Excel and Teams write them) decides; UTF-16 without one is told by its zero bytes;
  else UTF-8, then the legacy encodings the caller accepts.
"""

import csv
import re
from collections.abc import Iterable, Iterator
from datetime import datetime

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

# How a spreadsheet shows a time cell (an ISO-like pattern every language reads the same).
DATETIME_NUMBER_FORMAT = "yyyy-mm-dd hh:mm:ss"

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# A formula starter at the start of a piece a spreadsheet may cut the cell into: after a
# separator (comma, semicolon, tab, line break), any spaces and quotes, e.g. ``a;=1+1`` or
# ``a, "=1+1``. The quote goes right before the starter.
_PIECE_FORMULA = re.compile(r'([,;\t\r\n][ "]*)(?=[=+\-@])')


def safe(value):
    """A cell value no spreadsheet runs as a formula (and without the control characters that
    XLSX cannot hold). Anything but text is returned as it is."""
    if value.__class__ is not str or not value:
        return value
    if not value.isprintable():
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_csv(value):
    """A CSV cell value no spreadsheet runs as a formula, whatever separator it splits the
    file on: ``safe``, and a single quote before a formula starter that begins any piece after
    a comma, semicolon, tab or line break. Anything but text is returned as it is."""
    value = safe(value)
    if value.__class__ is not str:
        return value
    return _PIECE_FORMULA.sub(r"\1'", value)


def zoned(label: str, zone_name: str) -> str:
    """A time column's header with the zone its (zone-less) cells are in: 'Registered at
    (Europe/Vilnius)'."""
    return f"{label} ({zone_name})"


def xlsx_value(value):
    """A cell value for openpyxl: an aware datetime becomes naive in its own zone (Excel has
    none); text is made ``safe``."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    return safe(value)


def xlsx_row(sheet, row: Iterable) -> list:
    """A row for a write-only sheet: datetimes as real date cells (naive, in the zone they are
    in, with ``DATETIME_NUMBER_FORMAT``), text made ``safe``."""
    cells = []
    for value in row:
        if isinstance(value, datetime):
            cell = WriteOnlyCell(sheet, value=value.replace(tzinfo=None))
            cell.number_format = DATETIME_NUMBER_FORMAT
            cells.append(cell)
        else:
            cells.append(safe(value))
    return cells


def _csv_value(value):
    if isinstance(value, datetime):
        return value.isoformat()
    return safe_csv(value)


class _Echo:
    def write(self, value):
        return value


def csv_lines(rows: Iterable[list]) -> Iterator[str]:
    """The CSV file line by line: a byte-order mark (so spreadsheets read UTF-8), then every
    row with every field quoted and every text cell through ``safe_csv``."""
    writer = csv.writer(_Echo(), quoting=csv.QUOTE_ALL)
    yield "\ufeff"
    for row in rows:
        yield writer.writerow([_csv_value(cell) for cell in row])


class UnreadableText(ValueError):
    """The bytes are in none of the encodings tried; ``position`` is the first byte UTF-8 could
    not read (None when a byte-order mark chose the encoding)."""

    def __init__(self, position: int | None):
        self.position = position
        super().__init__(f"unreadable text at byte {position}")


def decode(data: bytes, *, legacy: tuple[str, ...] = ()) -> str:
    """The text of an uploaded file. ``legacy``: encodings tried after UTF-8 (e.g. cp1252 for
    exports of older Windows programs); none by default, because a wrong guess turns names with
    diacritics into nonsense without a word."""
    if data.startswith(b"\xff\xfe"):
        encodings, data = ["utf-16-le"], data[2:]
    elif data.startswith(b"\xfe\xff"):
        encodings, data = ["utf-16-be"], data[2:]
    elif data.startswith(b"\xef\xbb\xbf"):
        encodings, data = ["utf-8"], data[3:]
    else:
        sample = data[:4000]
        if sample and sample.count(b"\x00") > len(sample) // 4:
            # UTF-16 without a byte-order mark: the zero bytes tell which half is first.
            odd = sample[1::2].count(b"\x00")
            even = sample[0::2].count(b"\x00")
            encodings = ["utf-16-le" if odd >= even else "utf-16-be"]
        else:
            encodings = ["utf-8", *legacy]
    position = None
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as error:
            if position is None and encoding == "utf-8":
                position = error.start
    raise UnreadableText(position)
