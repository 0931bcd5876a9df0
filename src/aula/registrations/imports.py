"""Registrants added by the organiser: one by hand (``already_registered``, ``OUTCOME_WORDS``)
or many from a CSV file (``parse`` checks it and writes nothing; ``run_import`` registers every
valid row). Every change of who holds a place goes through ``services.register`` (capacity,
waiting list, e-mails, and an audit entry per row); the import as a whole gets one more entry
with its row counts.
"""

import csv
import io
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from aula.audit import services as audit
from aula.core import spreadsheets
from aula.events.models import Event
from aula.registrations import queries as registration_queries
from aula.registrations import services
from aula.registrations.forms import PersonForm
from aula.registrations.models import Question, Registration
from aula.registrations.services import RegistrationData, Result

Status = Registration.Status

MAX_IMPORT_BYTES = 1024 * 1024
# Each row is a registration with its e-mail (about 50 ms on PostgreSQL): 300 rows stay well
# inside the web server's 30-second request limit.
MAX_IMPORT_ROWS = 300
REQUIRED_COLUMNS = ("email", "first_name", "family_name", "organisation", "organisation_type",
                    "country")
OPTIONAL_COLUMNS = ("job_title", "language", "sessions", "consent_recording",
                    "consent_newsletter")
LIST_SEPARATOR = "|"
TRUE_WORDS = frozenset({"1", "yes", "y", "true", "x", "da", "ja", "oui", "si", "sì"})
FALSE_WORDS = frozenset({"", "0", "no", "n", "false", "nu", "nein", "non"})


def already_registered(event: Event, email: str) -> bool:
    """True when the address holds a registration of the event that is not cancelled."""
    return (
        Registration.objects.filter(event_id=event.pk, email=services.normalise_email(email))
        .exclude(status=Status.CANCELLED).exists()
    )


# --- Import ---------------------------------------------------------------------------------


class ImportFileError(Exception):
    """The file as a whole cannot be imported; ``message`` says why."""

    def __init__(self, message):
        self.message = message
        super().__init__(str(message))


@dataclass
class ImportRow:
    line: int
    values: dict
    data: RegistrationData | None = None
    errors: list[str] = field(default_factory=list)
    outcome: str = ""

    @property
    def valid(self) -> bool:
        return not self.errors


@dataclass
class ImportPreview:
    columns: list[str]
    rows: list[ImportRow]

    @property
    def valid_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if row.valid]

    @property
    def rejected_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if not row.valid]


def question_column(question: Question) -> str:
    return f"q_{question.pk}"


def decode(content: bytes) -> str:
    """The file's text (``core.spreadsheets.decode``: UTF-8 or UTF-16, with or without a
    byte-order mark; no guessing of legacy encodings, which would garble names)."""
    if len(content) > MAX_IMPORT_BYTES:
        raise ImportFileError(_("The file is larger than 1 MB. Split it into smaller files."))
    try:
        return spreadsheets.decode(content)
    except spreadsheets.UnreadableText as error:
        raise ImportFileError(_(
            "The file is not UTF-8 text (the byte at position %(position)s cannot be read). "
            "Save it as “CSV UTF-8” and upload it again."
        ) % {"position": error.position if error.position is not None else 0}) from error


def _separator(header_line: str) -> str:
    return ";" if header_line.count(";") > header_line.count(",") else ","


def parse(event: Event, content: bytes) -> ImportPreview:
    """Read and check a CSV file without writing anything. Raises ``ImportFileError`` when the
    file as a whole is unusable (encoding, header, size); otherwise each row is valid or carries
    the reasons it is rejected."""
    text = decode(content)
    if not text.strip():
        raise ImportFileError(_("The file is empty."))
    first_line = text.splitlines()[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_separator(first_line))
    try:
        header = [name.strip().lower() for name in next(reader)]
    except (StopIteration, csv.Error) as error:
        raise ImportFileError(_("The first line of the file cannot be read.")) from error
    questions = registration_queries.questions(event)
    known = {*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS, *(question_column(q) for q in questions)}
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    unknown = [name for name in header if name not in known]
    duplicated = [name for name, n in Counter(header).items() if n > 1]
    if missing or unknown or duplicated:
        problems = []
        if missing:
            problems.append(_("missing columns: %(names)s") % {"names": ", ".join(missing)})
        if unknown:
            problems.append(_("unknown columns: %(names)s") % {"names": ", ".join(unknown)})
        if duplicated:
            problems.append(_("repeated columns: %(names)s") % {"names": ", ".join(duplicated)})
        raise ImportFileError(
            _("The first line must name the columns; %(problems)s. Nothing was imported.")
            % {"problems": "; ".join(str(p) for p in problems)}
        )
    slots = registration_queries.parallel_slots(event)
    rows: list[ImportRow] = []
    seen: dict[str, int] = {}
    try:
        for values in reader:
            if not any(value.strip() for value in values):
                continue
            if len(rows) >= MAX_IMPORT_ROWS:
                raise ImportFileError(ngettext(
                    "The file has more than %(max)d row. Split it into smaller files.",
                    "The file has more than %(max)d rows. Split it into smaller files.",
                    MAX_IMPORT_ROWS,
                ) % {"max": MAX_IMPORT_ROWS})
            row = _check_row(event, questions, slots, header, values, reader.line_num)
            email = services.normalise_email(row.values.get("email", ""))
            if row.valid and email in seen:
                row.errors.append(str(_("The same address is on line %(line)s.")
                                      % {"line": seen[email]}))
            seen.setdefault(email, row.line)
            rows.append(row)
    except csv.Error as error:
        raise ImportFileError(
            _("Line %(line)s of the file cannot be read as CSV.") % {"line": reader.line_num}
        ) from error
    if not rows:
        raise ImportFileError(_("The file has no rows below its first line."))
    _mark_registered(event, rows)
    return ImportPreview(columns=header, rows=rows)


def _boolean(value: str) -> bool | None:
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def _check_row(event, questions, slots, header, values, line) -> ImportRow:
    if len(values) != len(header):
        row = ImportRow(line, dict(zip(header, values, strict=False)))
        row.errors.append(str(_("The line has %(found)s cells where the first line has "
                                "%(expected)s.") % {"found": len(values),
                                                    "expected": len(header)}))
        return row
    cells = {name: value.strip() for name, value in zip(header, values, strict=True)}
    row = ImportRow(line, cells)
    form_data = MultiValueDict()
    for name in ("first_name", "family_name", "organisation", "organisation_type", "job_title"):
        form_data[name] = cells.get(name, "")
    form_data["country"] = cells.get("country", "").upper()
    form_data["language"] = cells.get("language", "").lower() or event.primary_language
    consents = {}
    for name in ("consent_recording", "consent_newsletter"):
        value = _boolean(cells.get(name, ""))
        if value is None:
            row.errors.append(str(_("%(column)s: write yes or no.") % {"column": name}))
        consents[name] = bool(value)
    for question in questions:
        column = question_column(question)
        raw = cells.get(column, "")
        if question.kind == Question.Kind.MULTIPLE_CHOICE:
            form_data.setlist(column, [v.strip() for v in raw.split(LIST_SEPARATOR) if v.strip()])
        elif question.kind == Question.Kind.CHECKBOX:
            value = _boolean(raw)
            if value is None:
                row.errors.append(str(_("%(column)s: write yes or no.") % {"column": column}))
            if value:
                form_data[column] = "on"
        elif question.kind == Question.Kind.COUNTRY:
            form_data[column] = raw.upper()
        else:
            form_data[column] = raw
    form = PersonForm(form_data, event=event, questions=questions)
    email = cells.get("email", "")
    try:
        validate_email(email)
    except ValidationError:
        row.errors.append(str(_("email: enter a valid e-mail address.")))
    if not form.is_valid():
        for name, errors in form.errors.items():
            for message in errors:
                row.errors.append(f"{name}: {message}")
    try:
        sessions = [int(v) for v in cells.get("sessions", "").split(LIST_SEPARATOR) if v.strip()]
        services.clean_sessions(slots, sessions)
    except ValueError:
        row.errors.append(str(_("sessions: give the numbers of the sessions, separated by |.")))
        sessions = []
    except ValidationError as error:
        row.errors.extend(f"sessions: {message}" for message in error.messages)
    if row.errors:
        return row
    cleaned = form.cleaned_data
    row.data = RegistrationData(
        email=email,
        first_name=cleaned["first_name"],
        family_name=cleaned["family_name"],
        organisation=cleaned["organisation"],
        organisation_type=cleaned["organisation_type"],
        country=cleaned["country"],
        language=cleaned["language"],
        job_title=cleaned.get("job_title", ""),
        sessions=sessions,
        answers=form.answers(),
        # The organiser who imports vouches that the people were given the privacy notice.
        privacy_accepted=True,
        consent_recording=consents["consent_recording"],
        consent_newsletter=consents["consent_newsletter"],
    )
    return row


def _mark_registered(event: Event, rows: list[ImportRow]) -> None:
    """Reject the rows whose address is already registered (one query for the whole file)."""
    addresses = {
        services.normalise_email(row.data.email): row for row in rows if row.data is not None
    }
    registered = set(
        Registration.objects.filter(event_id=event.pk, email__in=list(addresses))
        .exclude(status=Status.CANCELLED).values_list("email", flat=True)
    )
    for email in registered:
        row = addresses[email]
        if row.valid:
            row.errors.append(str(_("This address is already registered for the event.")))


OUTCOME_WORDS = {
    Result.CONFIRMED: pgettext_lazy("registration status", "Confirmed"),
    Result.HELD: _("Place held until the address is confirmed"),
    Result.WAITING: _("On the waiting list"),
    Result.FULL: _("Not registered: the event is full"),
    Result.SESSION_FULL: _("Not registered: a chosen session is full"),
    Result.NOT_OPEN: _("Not registered: registration is not open yet"),
    Result.CLOSED: _("Not registered: registration is closed"),
    Result.EVENT_CANCELLED: _("Not registered: the event is cancelled"),
    Result.UNAVAILABLE: _("Not registered: the event takes no registrations (draft, or no "
                          "privacy notice)"),
}


IMPORTED = audit.action("registration.imported", gettext_lazy("Imported registrants"))


def run_import(event: Event, content: bytes, *, actor) -> ImportPreview:
    """Check the file again and register every valid row through ``services.register``
    (capacity and waiting list apply, each registrant gets their e-mail, each registration its
    audit entry in its own transaction: an import of 300 rows must not hold the event's lock for
    all of them). Then one entry for the import with its row counts. Raises
    ``ImportFileError`` like ``parse``: nothing is imported then."""
    preview = parse(event, content)
    for row in preview.valid_rows:
        try:
            outcome = services.register(event, row.data, actor=actor, via="import")
        except ValidationError as error:
            row.errors.extend(error.messages)
            continue
        if outcome.registration is None and outcome.accepted:
            row.errors.append(str(_("This address is already registered for the event.")))
            continue
        row.outcome = str(OUTCOME_WORDS[outcome.result])
        if not outcome.accepted:
            row.errors.append(row.outcome)
    counts = Counter(row.outcome for row in preview.rows if row.valid)
    with transaction.atomic():
        audit.record(actor, IMPORTED, event, data={
            "rows": len(preview.rows),
            "imported": len(preview.valid_rows),
            "rejected": len(preview.rejected_rows),
            "confirmed": counts[str(OUTCOME_WORDS[Result.CONFIRMED])],
            "held": counts[str(OUTCOME_WORDS[Result.HELD])],
            "waiting": counts[str(OUTCOME_WORDS[Result.WAITING])],
        })
    return preview
