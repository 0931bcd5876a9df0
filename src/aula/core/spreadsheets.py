"""Spreadsheets in and out: the one home of two rules every export and import follows.

* Out: a text cell that a spreadsheet program would take for a formula (it starts with
  = + - @, a tab or a carriage return) gets a leading single quote, so the program shows it as
  text instead of running it (CSV/formula injection); characters XLSX cannot hold are dropped.
* In: a file's text is read whatever the program that saved it: a byte-order mark (UTF-8 or
  UTF-16, as Excel and Teams write them) decides; UTF-16 without one is told by its zero bytes;
  else UTF-8, then the legacy encodings the caller accepts.
"""

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


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
