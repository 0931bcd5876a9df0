"""Reading the attendance reports that Zoom, Microsoft Teams and Webex export.

No database here: bytes in, people out. The reader detects the encoding (UTF-16 or UTF-8, with
or without a byte-order mark), the separator (tab, semicolon, comma), finds header rows by their
contents rather than their position (reports have sections), matches column names ignoring case
and a few languages, reads the dates and durations of several locales, and groups the rows of
one person (rejoins) into one person with every session. Anything it cannot read raises
``ReportError`` with a message for the organiser: a file is imported whole or not at all.
"""

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo

from django.utils.translation import gettext as _

from aula.core import spreadsheets

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 50_000
HEAD_BYTES = 64 * 1024  # what the request reads of an upload; the task reads the rest
PROGRESS_EVERY = 2000  # rows of data between two reports of progress
SOURCES = ("zoom", "teams", "webex")


class ReportError(Exception):
    """The file cannot be imported; the message says why, for the organiser."""


# --- Columns -------------------------------------------------------------------------------

# Normalised header text → field. Normalising lower-cases, trims and collapses spaces.
ALIASES = {
    "name": [
        "name", "name (original name)", "user name (original name)", "user name",
        "full name", "participant", "participant name", "display name", "attendee name",
        "attendee", "nom", "nombre", "nome", "naam", "nume", "vollständiger name",
        "nom complet", "nombre completo", "teilnehmer", "participant (original name)",
    ],
    "first_name": ["first name", "given name", "vorname", "prénom", "nombre de pila"],
    "last_name": ["last name", "family name", "surname", "nachname", "nom de famille",
                  "apellido", "apellidos"],
    "email": [
        "email", "e-mail", "user email", "attendee email", "email address", "e-mail address",
        "e-mail-adresse", "adresse e-mail", "correo electrónico", "correo", "participant email",
    ],
    "join": ["join time", "join", "joined", "join date", "time joined", "beitrittszeit",
             "heure d'arrivée", "hora de unión", "beitreten"],
    "leave": ["leave time", "leave", "left", "leave date", "time left", "zeitpunkt des verlassens",
              "heure de départ", "hora de salida", "verlassen um"],
    "first_join": ["first join", "first join time", "erster beitritt", "première arrivée",
                   "primera unión", "first joined"],
    "last_leave": ["last leave", "last leave time", "letztes verlassen", "dernier départ",
                   "última salida", "last left"],
    "duration": [
        "duration", "duration (minutes)", "duration (mins)", "total duration (minutes)",
        "time in session (minutes)", "in-meeting duration", "attendance duration",
        "attendance duration (minutes)", "attendance duration (mins)", "dauer",
        "dauer in der besprechung", "durée", "durée de la réunion", "duración",
        "duración en la reunión", "durata", "duur",
    ],
    "action": ["user action", "action", "benutzeraktion", "action de l'utilisateur",
               "acción del usuario"],
    "timestamp": ["timestamp", "zeitstempel", "horodatage", "marca de tiempo", "date/time"],
    "attended": ["attended", "teilgenommen", "a participé", "asistió"],
    "role": ["role", "rolle", "rôle", "rol", "ruolo"],
}
FIELD_OF = {alias: name for name, aliases in ALIASES.items() for alias in aliases}

TIME_FIELDS = ("join", "leave", "first_join", "last_leave")
JOINED_ACTIONS = {"joined", "joined before", "beigetreten", "vorher beigetreten", "a rejoint",
                  "rejoint", "se unió", "unido", "joined the meeting"}
LEFT_ACTIONS = {"left", "verlassen", "a quitté", "quitté", "salió", "left the meeting"}
NO_ANSWERS = {"no", "nein", "non", "não", "nee", "nu"}
EMPTY = {"", "--", "-", "n/a", "—"}

# A tag some tools append to a name: not part of the person's name.
NAME_TAGS = re.compile(
    r"\s*\((?:unverified|guest|external|extern|gast|invité|invitado|non vérifié|"
    r"nicht überprüft)\)\s*$", re.IGNORECASE,
)
TITLES = {"dr", "prof", "mr", "mrs", "ms", "mx", "miss", "sir", "dame", "ing", "mag", "dipl",
          "phd", "msc", "mba", "dott", "dott.ssa", "dra", "sr", "sra", "mme", "mlle", "m", "hr",
          "fr", "drs", "ir"}
SPECIAL_LETTERS = str.maketrans({
    "ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ß": "ss", "æ": "ae",
    "Æ": "ae", "œ": "oe", "Œ": "oe", "ı": "i", "þ": "th", "Þ": "th", "ð": "d",
})


def normalise_header(text: str) -> str:
    return " ".join(text.replace("\ufeff", "").strip().strip('"').lower().split())


def normalise_email(text: str) -> str:
    value = (text or "").strip().lower()
    return "" if value in EMPTY else value


def name_key(name: str) -> str:
    """A name reduced for matching: no case, no diacritics, no titles, words in any order."""
    text = NAME_TAGS.sub("", name or "").translate(SPECIAL_LETTERS)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    words = [w for w in re.split(r"[^\w]+", text) if w and w not in TITLES]
    return " ".join(sorted(words))


def name_candidates(name: str, first_name: str = "", last_name: str = "") -> list[str]:
    """The names a row may be known by: Zoom writes "Display name (Original name)"."""
    name = NAME_TAGS.sub("", (name or "").strip())
    names = [name]
    renamed = re.fullmatch(r"(.*?)\s*\(([^()]+)\)", name)
    if renamed:
        names += [renamed.group(2), renamed.group(1)]
    if first_name or last_name:
        names.append(f"{first_name} {last_name}")
    keys = []
    for candidate in names:
        key = name_key(candidate)
        if key and key not in keys:
            keys.append(key)
    return keys


# --- Text, dates, durations -----------------------------------------------------------------

def decode(data: bytes) -> str:
    """The report's text (``core.spreadsheets.decode``; older Windows exports in cp1252)."""
    try:
        return spreadsheets.decode(data, legacy=("cp1252",))
    except spreadsheets.UnreadableText:
        raise ReportError(
            _("The file's characters could not be read (an unknown encoding).")
        ) from None


MONTHS = sorted([
    ("janv", 1), ("jan", 1), ("ene", 1), ("gen", 1), ("ian", 1), ("feb", 2), ("fev", 2),
    ("mar", 3), ("maa", 3), ("apr", 4), ("avr", 4), ("abr", 4), ("mai", 5), ("may", 5),
    ("mag", 5), ("mei", 5), ("juin", 6), ("jun", 6), ("giu", 6), ("iun", 6), ("juil", 7),
    ("jul", 7), ("lug", 7), ("iul", 7), ("aug", 8), ("aou", 8), ("ago", 8), ("sep", 9),
    ("set", 9), ("oct", 10), ("okt", 10), ("ott", 10), ("out", 10), ("nov", 11), ("dec", 12),
    ("dez", 12), ("dic", 12),
], key=lambda pair: -len(pair[0]))

_TIME = r"(\d{1,2}):(\d{2})(?::(\d{2}))?(?:[.,]\d+)?\s*([ap]\.?\s?m\.?)?"
NUMERIC_DATE = re.compile(
    r"(\d{1,4})([./-])(\d{1,2})[./-](\d{1,4})\.?(?:,?\s+|T)" + _TIME, re.IGNORECASE
)
NAMED_MONTH_FIRST = re.compile(
    r"([^\W\d_]+)\.?\s+(\d{1,2}),?\s+(\d{4}),?\s+(?:at\s+)?" + _TIME, re.IGNORECASE
)
DAY_FIRST_NAMED = re.compile(
    r"(\d{1,2})\.?\s+([^\W\d_]+)\.?,?\s+(\d{4}),?\s+" + _TIME, re.IGNORECASE
)


def clean_cell(value: str) -> str:
    """Webex wraps dates as ="2021-06-14 17:00:00" so that spreadsheets keep them as text."""
    value = (value or "").strip()
    if value.startswith("="):
        value = value[1:].strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1].strip()
    return value


def _month(word: str) -> int | None:
    word = unicodedata.normalize("NFKD", word.lower())
    word = "".join(c for c in word if not unicodedata.combining(c))
    for prefix, month in MONTHS:
        if word.startswith(prefix):
            return month
    return None


def _clock(hour: str, minute: str, second: str | None, meridiem: str | None) -> tuple:
    h, m, s = int(hour), int(minute), int(second or 0)
    if meridiem:
        pm = meridiem.lower().startswith("p")
        if not 1 <= h <= 12:
            raise ValueError
        h = (h % 12) + (12 if pm else 0)
    return h, m, s


class DateReader:
    """Reads the dates of one file. Whether 06/07 is June or July is decided once for the
    file: a first number above 12 means day first, a second above 12 month first; otherwise
    dots mean day first, AM/PM month first, anything else day first — unless told."""

    def __init__(self, samples, zone: tzinfo, order: str = "auto"):
        self.zone = zone
        self.order = order if order in ("mdy", "dmy") else self._guess(samples)

    @staticmethod
    def _guess(samples) -> str:
        day_first = month_first = dots = meridiem = False
        for text in samples:
            match = NUMERIC_DATE.fullmatch(text)
            if not match or len(match.group(1)) == 4:
                continue
            a, b = int(match.group(1)), int(match.group(3))
            day_first |= a > 12
            month_first |= b > 12
            dots |= match.group(2) == "."
            meridiem |= bool(match.group(8))
        if day_first and month_first:
            raise ReportError(_("The dates of the file mix day-first and month-first order."))
        if day_first:
            return "dmy"
        if month_first:
            return "mdy"
        if dots:
            return "dmy"
        return "mdy" if meridiem else "dmy"

    def read(self, text: str) -> datetime:
        text = " ".join(text.split())
        when = self._naive_or_aware(text)
        if when.tzinfo is None:
            when = when.replace(tzinfo=self.zone)
        return when.astimezone(UTC)

    def _naive_or_aware(self, text: str) -> datetime:
        if re.match(r"\d{4}-\d{2}-\d{2}", text):
            try:
                return datetime.fromisoformat(text.replace("Z", "+00:00"))
            except ValueError:
                pass
        match = NUMERIC_DATE.fullmatch(text)
        if match:
            a, b, c = match.group(1), match.group(3), match.group(4)
            if len(a) == 4:
                year, month, day = int(a), int(b), int(c)
            else:
                year = int(c) + (2000 if len(c) == 2 else 0)
                first, second = int(a), int(b)
                month, day = (first, second) if self.order == "mdy" else (second, first)
            return datetime(year, month, day, *_clock(*match.group(5, 6, 7, 8)))
        match = NAMED_MONTH_FIRST.fullmatch(text)
        if match and _month(match.group(1)):
            return datetime(int(match.group(3)), _month(match.group(1)), int(match.group(2)),
                            *_clock(*match.group(4, 5, 6, 7)))
        match = DAY_FIRST_NAMED.fullmatch(text)
        if match and _month(match.group(2)):
            return datetime(int(match.group(3)), _month(match.group(2)), int(match.group(1)),
                            *_clock(*match.group(4, 5, 6, 7)))
        raise ValueError(text)


DURATION_PART = re.compile(r"(\d+(?:[.,]\d+)?)\s*([^\W\d_]+)\.?")


def _unit_seconds(unit: str) -> int | None:
    unit = unit.lower()
    if unit in {"h", "hr", "hrs", "hour", "hours", "heure", "heures", "hora", "horas", "ora",
                "ore", "u", "uur", "godz"} or unit.startswith(("std", "stund")):
        return 3600
    if unit.startswith("m"):
        return 60
    if unit.startswith("s"):
        return 1
    return None


def parse_duration(text: str) -> int | None:
    """Seconds from "94", "94 mins", "1h 13m 42s", "1:13:42", "1 Std. 2 Min."; None if empty."""
    value = " ".join((text or "").strip().lower().split())
    if value in EMPTY:
        return None
    if re.fullmatch(r"\d+(?:[.,]\d+)?", value):
        return round(float(value.replace(",", ".")) * 60)
    match = re.fullmatch(r"(\d+):(\d{2})(?::(\d{2}))?", value)
    if match:
        hours, minutes, seconds = match.groups()
        return int(hours) * 3600 + int(minutes) * 60 + int(seconds or 0)
    total = 0
    if not DURATION_PART.search(value) or DURATION_PART.sub("", value).strip(" ,"):
        raise ValueError(text)
    for number, unit in DURATION_PART.findall(value):
        seconds = _unit_seconds(unit)
        if seconds is None:
            raise ValueError(text)
        total += round(float(number.replace(",", ".")) * seconds)
    return total


# --- Tables ---------------------------------------------------------------------------------

@dataclass
class Table:
    title: str
    labels: list[str]
    columns: dict[str, int]
    line: int
    rows: list[tuple[int, list[str]]] = field(default_factory=list)

    def get(self, row: list[str], name: str) -> str:
        index = self.columns.get(name)
        if index is None or index >= len(row):
            return ""
        value = clean_cell(row[index])
        return "" if value.lower() in EMPTY else value


def _header_columns(row: list[str]) -> dict[str, int] | None:
    columns: dict[str, int] = {}
    for index, cell in enumerate(row):
        name = FIELD_OF.get(normalise_header(cell))
        if name and name not in columns:
            columns[name] = index
    has_name = "name" in columns or {"first_name", "last_name"} <= columns.keys()
    has_time = bool(columns.keys() & {"join", "first_join", "duration", "timestamp"})
    if has_name and has_time:
        return columns
    return None


def _is_title(row: list[str]) -> bool:
    cells = [c.strip() for c in row]
    return bool(cells and cells[0]) and not any(cells[1:])


def find_tables(rows: list[list[str]]) -> list[Table]:
    tables: list[Table] = []
    current: Table | None = None
    title = ""
    for number, row in enumerate(rows, start=1):
        if not any(cell.strip() for cell in row):
            current = None
            continue
        columns = _header_columns(row)
        if columns:
            current = Table(title=title, labels=[normalise_header(c) for c in row],
                            columns=columns, line=number)
            tables.append(current)
            continue
        # A lone first cell is a section's title ("Host Details,"), unless the row is as wide
        # as the table's header: then it is a row with missing data, reported as left out.
        if _is_title(row) and (current is None or len(row) < len(current.labels)):
            current = None
            title = row[0].strip()
            continue
        if current is not None:
            current.rows.append((number, row))
    return tables


def merged_seconds(intervals) -> int:
    """Seconds covered by (start, end) pairs, overlaps counted once."""
    spans = sorted(
        (_as_datetime(start), _as_datetime(end)) for start, end in intervals
    )
    total = 0
    current_start = current_end = None
    for start, end in spans:
        if end <= start:
            continue
        if current_end is None or start > current_end:
            if current_end is not None:
                total += (current_end - current_start).total_seconds()
            current_start, current_end = start, end
        elif end > current_end:
            current_end = end
    if current_end is not None:
        total += (current_end - current_start).total_seconds()
    return int(total)


def _as_datetime(value) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def to_minutes(seconds: int | None) -> int | None:
    """Whole minutes, half a minute rounding up (44m 30s is 45, as Zoom and Webex count)."""
    return None if seconds is None else (seconds + 30) // 60


# --- Report ---------------------------------------------------------------------------------

@dataclass
class Session:
    line: int
    name: str
    email: str
    join: datetime | None
    leave: datetime | None
    seconds: int | None
    role: str = ""
    first_name: str = ""
    last_name: str = ""
    exact: bool = True  # join–leave is one uninterrupted stay (not a first join/last leave)

    def as_dict(self) -> dict:
        return {
            "line": self.line, "name": self.name, "email": self.email, "role": self.role,
            "join": self.join.isoformat() if self.join else "",
            "leave": self.leave.isoformat() if self.leave else "",
            "seconds": self.seconds,
        }


@dataclass
class Person:
    key: str
    name: str
    email: str
    names: list[str]
    sessions: list[Session]
    first_join: datetime | None
    last_leave: datetime | None
    seconds: int
    intervals: list[tuple[datetime, datetime]]


@dataclass
class Report:
    source: str  # zoom, teams, webex
    layout: str
    sessions: list[Session]
    skipped: list[dict]
    date_order: str

    def people(self) -> list[Person]:
        groups: dict[str, list[Session]] = {}
        for session in self.sessions:
            email = normalise_email(session.email)
            key = email or "name:" + name_key(session.name or
                                              f"{session.first_name} {session.last_name}")
            groups.setdefault(key, []).append(session)
        return [_person(key, sessions) for key, sessions in groups.items()]


def _person(key: str, sessions: list[Session]) -> Person:
    intervals, other = [], 0
    for s in sessions:
        if s.exact and s.join and s.leave and s.leave > s.join:
            intervals.append((s.join, s.leave))
        elif s.seconds:
            other += s.seconds
    names: list[str] = []
    for s in sessions:
        for candidate in name_candidates(s.name, s.first_name, s.last_name):
            if candidate not in names:
                names.append(candidate)
    joins = [s.join for s in sessions if s.join]
    leaves = [s.leave for s in sessions if s.leave]
    return Person(
        key=key,
        name=next((NAME_TAGS.sub("", s.name) for s in sessions if s.name), ""),
        email=next((s.email.strip() for s in sessions if normalise_email(s.email)), ""),
        names=names, sessions=sessions,
        first_join=min(joins) if joins else None, last_leave=max(leaves) if leaves else None,
        seconds=merged_seconds(intervals) + other, intervals=intervals,
    )


def _detect(tables: list[Table]) -> tuple[str, str]:
    labels = {label for table in tables for label in table.labels}
    titles = {normalise_header(table.title) for table in tables}
    if any({"action", "timestamp"} <= t.columns.keys() for t in tables):
        return "teams", "teams-legacy"
    if labels & {"in-meeting duration", "participant id (upn)", "first join", "last leave",
                 "erster beitritt", "dauer in der besprechung"} or titles & {
                     "2. participants", "3. in-meeting activities"}:
        return "teams", "teams"
    if labels & {"attendance duration", "attendee email", "connection type",
                 "attendance duration (minutes)", "attendance duration (mins)"}:
        return "webex", "webex"
    if labels & {"time in session (minutes)", "user name (original name)"} or titles & {
            "attendee details", "panelist details", "host details", "other attended"}:
        return "zoom", "zoom-webinar"
    if labels & {"name (original name)", "user email", "duration (minutes)",
                 "total duration (minutes)"}:
        return "zoom", "zoom-meeting"
    raise ReportError(_("This file does not look like an attendance report of Zoom, Microsoft "
                        "Teams or Webex. If it is one, choose the tool in the form."))


def _rows_of(text: str) -> tuple[list[Table], list[list[str]]]:
    for delimiter in ("\t", ";", ","):
        try:
            rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        except csv.Error as error:
            raise ReportError(_("The file is not a readable CSV file: %(error)s")
                              % {"error": error}) from error
        tables = find_tables(rows)
        if tables:
            return tables, rows
    raise ReportError(_("No table of participants found: the file needs a header row with a "
                        "name column and a join time or duration column."))


def _check_kind(head: bytes, size: int) -> None:
    if not size:
        raise ReportError(_("The file is empty."))
    if size > MAX_BYTES:
        raise ReportError(_("The file is too large (at most 10 MB)."))
    if head.startswith(b"PK\x03\x04"):
        raise ReportError(_("This is a spreadsheet (Excel) file: save the report as CSV and "
                            "import that."))


def _text(data: bytes) -> str:
    text = decode(data)
    if "\x00" in text:
        raise ReportError(_("The file's characters could not be read (an unknown encoding)."))
    return text


def check_head(head: bytes, size: int) -> None:
    """The cheap checks of an upload, on its first ``HEAD_BYTES`` only (the request runs these;
    the task reads the rest): not empty nor too large, not a spreadsheet, characters that can
    be read, a table of participants. Raises ReportError with the same messages as
    ``parse_report``."""
    _check_kind(head, size)
    _rows_of(_head_text(head, size))


def _head_text(head: bytes, size: int) -> str:
    if size <= len(head):
        return _text(head)
    # Cut mid-file: keep whole lines (UTF-16's newline has a second byte, after or before).
    end = head.rfind(b"\n") + 1
    candidates = [head[:end], head[:end + 1]] if end else [head]
    for candidate in candidates[:-1]:
        try:
            return _text(candidate)
        except ReportError:
            continue
    return _text(candidates[-1])


def parse_report(data: bytes, zone: tzinfo, date_order: str = "auto",
                 source: str = "auto", progress=None) -> Report:
    """Read a report. ``source`` (zoom, teams, webex) names the tool when the organiser knows
    it: a file whose layout is not recognised is then read by its columns alone.
    ``progress(rows_read, rows_total)`` is called every ``PROGRESS_EVERY`` rows of data."""
    _check_kind(data[:HEAD_BYTES], len(data))
    text = _text(data)
    tables, rows = _rows_of(text)
    if len(rows) > MAX_ROWS:
        raise ReportError(_("The file has too many rows."))
    try:
        source, layout = _detect(tables)
    except ReportError:
        if source not in SOURCES:
            raise
        layout = "other"
    if source == "teams" and layout == "teams":
        # Per-join activity rows are exact; the participants table (first join, last leave,
        # total) is used only when a report has no activities.
        per_join = [t for t in tables if "join" in t.columns]
        if per_join:
            tables = per_join
    samples = [
        table.get(row, name) for table in tables for _line, row in table.rows
        for name in (*TIME_FIELDS, "timestamp")
    ]
    reader = DateReader([s for s in samples if s], zone, date_order)
    counter = _Progress(progress, sum(len(table.rows) for table in tables))
    if layout == "teams-legacy":
        sessions, skipped = _legacy_sessions(tables, reader, counter)
    else:
        sessions, skipped = _sessions(tables, reader, source, counter)
    counter.finish()
    if not sessions:
        raise ReportError(_("The file has no participant with a join time or a duration."))
    return Report(source=source, layout=layout, sessions=sessions, skipped=skipped,
                  date_order=reader.order)


class _Progress:
    """Counts the rows of data read and tells ``report(read, total)`` now and then."""

    def __init__(self, report, total: int):
        self.report, self.total, self.read = report, total, 0
        if report:
            report(0, total)

    def step(self) -> None:
        self.read += 1
        if self.report and self.read % PROGRESS_EVERY == 0:
            self.report(self.read, self.total)

    def finish(self) -> None:
        if self.report:
            self.report(self.total, self.total)


def _read_time(reader: DateReader, value: str, line: int) -> datetime | None:
    if not value:
        return None
    try:
        return reader.read(value)
    except (ValueError, OverflowError) as error:
        raise ReportError(_("Line %(line)s: the time “%(value)s” could not be read.")
                          % {"line": line, "value": value}) from error


def _read_duration(value: str, line: int) -> int | None:
    try:
        return parse_duration(value)
    except (ValueError, OverflowError) as error:
        raise ReportError(_("Line %(line)s: the duration “%(value)s” could not be read.")
                          % {"line": line, "value": value}) from error


def _sessions(tables: list[Table], reader: DateReader, source: str, counter: _Progress):
    sessions, skipped = [], []
    for table in tables:
        section = table.title if source == "zoom" else ""
        summary = "join" not in table.columns
        for line, row in table.rows:
            counter.step()
            name = table.get(row, "name")
            first, last = table.get(row, "first_name"), table.get(row, "last_name")
            email = table.get(row, "email")
            data = {"line": line, "name": name or f"{first} {last}".strip(), "email": email}
            if table.get(row, "attended").lower() in NO_ANSWERS:
                skipped.append({**data, "reason": "absent"})
                continue
            join = _read_time(reader, table.get(row, "join" if not summary else "first_join"),
                              line)
            leave = _read_time(reader, table.get(row, "leave" if not summary else "last_leave"),
                               line)
            seconds = _read_duration(table.get(row, "duration"), line)
            if not (name or first or last or email):
                skipped.append({**data, "reason": "no_name"})
                continue
            if join is None and seconds is None:
                skipped.append({**data, "reason": "no_time"})
                continue
            if join and leave and leave < join:
                raise ReportError(_("Line %(line)s: the leave time is before the join time.")
                                  % {"line": line})
            if join and leave is None and seconds is not None:
                leave = join + timedelta(seconds=seconds)
            sessions.append(Session(
                line=line, name=name or f"{first} {last}".strip(), email=email, join=join,
                leave=leave, seconds=seconds, role=table.get(row, "role") or section,
                first_name=first, last_name=last, exact=not summary,
            ))
    return sessions, skipped


def _legacy_sessions(tables: list[Table], reader: DateReader, counter: _Progress):
    """Teams' 2020 log: one row per join or leave. A join without a leave lasts until the
    last moment of the log; a leave without a join starts at the first."""
    events, skipped = [], []
    for table in tables:
        for line, row in table.rows:
            counter.step()
            name = table.get(row, "name")
            action = " ".join(table.get(row, "action").lower().split())
            when = _read_time(reader, table.get(row, "timestamp"), line)
            if not name or when is None:
                skipped.append({"line": line, "name": name, "email": "", "reason": "no_time"})
                continue
            if action in JOINED_ACTIONS or action.startswith(("joined", "beigetreten")):
                events.append((when, line, name, True))
            elif action in LEFT_ACTIONS or action.startswith(("left", "verlassen")):
                events.append((when, line, name, False))
            else:
                raise ReportError(_("Line %(line)s: the action “%(value)s” is unknown.")
                                  % {"line": line, "value": action})
    if not events:
        return [], skipped
    events.sort(key=lambda event: (event[0], event[1]))
    start, end = events[0][0], events[-1][0]
    open_joins: dict[str, tuple[datetime, int, str]] = {}
    sessions = []
    for when, line, name, joined in events:
        key = name_key(name)
        if joined:
            if key not in open_joins:
                open_joins[key] = (when, line, name)
            continue
        began, first_line, first_name = open_joins.pop(key, (start, line, name))
        sessions.append(Session(line=first_line, name=first_name, email="", join=began,
                                leave=when, seconds=int((when - began).total_seconds())))
    for began, line, name in open_joins.values():
        sessions.append(Session(line=line, name=name, email="", join=began, leave=end,
                                seconds=int((end - began).total_seconds())))
    sessions.sort(key=lambda session: session.line)
    return sessions, skipped
