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
  else UTF-8, then the legacy encodings the caller accepts (of several, the one whose text
  reads most like the project languages). ``read_table`` turns a CSV file (any of those
  encodings; ``,`` ``;`` or tab between cells) or an XLSX workbook (its first sheet) into rows
  of text cells.
"""

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time

# openpyxl is imported inside the functions that read or write XLSX, never at the top: every
# web worker imports this module (through the imports' parsers) and openpyxl with lxml would
# add ~10 MiB to each of them for files only organisers make (docs/architecture.md, "Memory").

# The characters an XLSX cell cannot hold (openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE, the same
# pattern; a test keeps the two equal).
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")

# How a spreadsheet shows a time cell (an ISO-like pattern every language reads the same).
DATETIME_NUMBER_FORMAT = "yyyy-mm-dd hh:mm:ss"

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# A formula starter at the start of a piece a spreadsheet may cut the cell into: after a
# separator (comma, semicolon, tab, line break), any spaces and quotes, e.g. ``a;=1+1`` or
# ``a, "=1+1``. The quote goes right before the starter.
_PIECE_FORMULA = re.compile(r'([,;\t\r\n][ "]*)(?=[=+\-@])')
# Text without any of these has no such piece: the pattern need not run (most cells).
_SEPARATORS = frozenset(',;\t\r\n')


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
    if value.__class__ is not str or _SEPARATORS.isdisjoint(value):
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
    from openpyxl.cell import WriteOnlyCell

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


# The Windows code pages of the project's languages: Central European (Romanian, Croatian),
# Baltic (Lithuanian), Western (Dutch, Italian). Almost any byte decodes in each of them, so the
# choice is made by the letters each decoding produces.
LEGACY_ENCODINGS = ("cp1250", "cp1257", "cp1252")
# Letters beyond ASCII of the languages each code page is chosen for, and those common to all;
# a wrong code page turns them into other signs (Timişoara → Timiºoara, Perù → Perů).
_LETTERS_OF = {
    "cp1250": frozenset("ăâîşţșțĂÂÎŞŢȘȚčćđšžČĆĐŠŽ"),
    "cp1257": frozenset("ąčęėįšųūžĄČĘĖĮŠŲŪŽ"),
    "cp1252": frozenset("àèìíòóùúëïçâêîôûÀÈÌÍÒÓÙÚËÏÇÂÊÎÔÛ"),
}
_COMMON = frozenset("éáíóúäöüÉÁÍÓÚÄÖÜß–—‘’“”€…«»°")


def _plausibility(text: str, encoding: str) -> int:
    """How much a text decoded with ``encoding`` looks like the languages it is used for:
    their letters count for it, any other character beyond ASCII against it."""
    letters = _LETTERS_OF.get(encoding, frozenset())
    score = 0
    for char in text:
        if char > "\x7f":
            score += 1 if char in letters or char in _COMMON else -2
    return score


def decode(data: bytes, *, legacy: tuple[str, ...] = ()) -> str:
    """The text of an uploaded file. ``legacy``: encodings tried after UTF-8 (e.g. cp1252 for
    exports of older Windows programs); none by default, because a wrong guess turns names with
    diacritics into nonsense without a word. Of several legacy encodings that can read the
    bytes, the one whose text has the most letters of its languages wins (the first on a tie:
    callers put the code page of the event's language first)."""
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
            encodings = ["utf-8"]
    position = None
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as error:
            if position is None and encoding == "utf-8":
                position = error.start
    if encodings != ["utf-8"]:
        raise UnreadableText(position)
    candidates = []
    for encoding in legacy:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        candidates.append((_plausibility(text, encoding), -len(candidates), text))
    if not candidates:
        raise UnreadableText(position)
    return max(candidates)[2]  # the first of equals: the caller puts the likeliest first


class UnreadableTable(ValueError):
    """The file is neither readable text nor a workbook (an XLSX file that cannot be opened)."""


XLSX_SIGNATURE = b"PK\x03\x04"
# A stray cell far to the right must not make every row thousands of cells wide.
MAX_XLSX_COLUMNS = 200


def separator(text: str) -> str:
    """The cell separator of a CSV text: whichever of tab, ``;`` and ``,`` its first line
    holds most of, outside quotes (a comma on a tie: the CSV default)."""
    first_line = next(iter(text.splitlines()), "")
    unquoted = re.sub(r'"[^"]*"', "", first_line)
    counts = {sep: unquoted.count(sep) for sep in (",", ";", "\t")}
    return max(counts, key=lambda sep: (counts[sep], sep == ","))


def cell_text(value) -> str:
    """A workbook cell as the text a CSV export would hold: dates as ISO dates (with the time
    when there is one), whole numbers without ``.0``."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_table(data: bytes, *, legacy: tuple[str, ...] = LEGACY_ENCODINGS,
               max_rows: int | None = None) -> list[list[str]]:
    """The rows of an uploaded table, each a list of text cells: an XLSX workbook's first
    sheet (its first ``MAX_XLSX_COLUMNS`` columns), or a CSV text (``decode`` with ``legacy``;
    separator by ``separator``). At most ``max_rows`` rows are read (the caller tells "too
    many" by getting more than it allows). Raises ``UnreadableText`` or ``UnreadableTable``;
    ``csv.Error`` for a broken CSV line."""
    if data.startswith(XLSX_SIGNATURE):
        return _read_xlsx(data, max_rows)
    text = decode(data, legacy=legacy)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator(text))
    rows = []
    for row in reader:
        rows.append(row)
        if max_rows is not None and len(rows) >= max_rows:
            break
    return rows


def _read_xlsx(data: bytes, max_rows: int | None) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as error:
        raise UnreadableTable(str(error)) from error
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            return []
        rows = [
            [cell_text(value) for value in values]
            for values in sheet.iter_rows(values_only=True, max_row=max_rows,
                                          max_col=MAX_XLSX_COLUMNS)
        ]
        # Every row as wide as the last column that holds anything (rows come padded to the
        # column limit, or ragged from a sheet that does not give its size).
        width = max(
            (index + 1 for row in rows for index, cell in enumerate(row) if cell), default=0
        )
        return [(row + [""] * width)[:width] for row in rows]
    finally:
        workbook.close()
