"""Registrants added by the organiser: one by hand (``already_registered``, ``OUTCOME_WORDS``)
or many from a file (``parse`` checks it and writes nothing; ``run_import`` registers every
valid row). Every change of who holds a place goes through ``services.register`` (capacity,
waiting list, e-mails, and an audit entry per row); the import as a whole gets one more entry
with its row counts.

A file is a CSV text (any encoding and separator ``core.spreadsheets.read_table`` reads) or an
XLSX workbook. Its columns are mapped to Aula's fields (``guess_mapping`` from the header, in
any of the six languages or as Aula's own export names them; the organiser may change it), and
values are accepted by code or by label in any of the languages, compared by ``key`` (the
lookups of organisation types, countries, languages and yes/no are built once per process from
the catalogues; the event's sessions and choices once per file). The preview
counts places row by row as the import will (``_simulate_places``): a row said to be valid is
one that will be stored, unless someone else takes the place in between.
"""

import csv
import functools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone, translation
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext, gettext_lazy, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from aula.audit import services as audit
from aula.core import spreadsheets
from aula.events.models import Event
from aula.registrations import queries as registration_queries
from aula.registrations import services
from aula.registrations.forms import PersonForm
from aula.registrations.models import OrganisationType, Question, Registration
from aula.registrations.services import RegistrationData, Result

Status = Registration.Status

MAX_IMPORT_BYTES = 1024 * 1024
# Each row is a registration with its e-mail (about 50 ms on PostgreSQL): 300 rows stay well
# inside the web server's 30-second request limit.
MAX_IMPORT_ROWS = 300
REQUIRED_COLUMNS = ("email", "first_name", "family_name", "organisation", "organisation_type",
                    "country")
OPTIONAL_COLUMNS = ("job_title", "language", "sessions", "consent_recording",
                    "consent_newsletter", "status")
# Aula's fields as its export names them (so an export imports again) ...
FIELD_LABELS = {
    "email": _("E-mail"),
    "first_name": _("First name"),
    "family_name": _("Family name"),
    "organisation": _("Organisation"),
    "organisation_type": _("Type of organisation"),
    "country": _("Country"),
    "job_title": _("Job title"),
    "language": _("Language"),
    "sessions": _("Sessions"),
    "consent_recording": _("Photos and recordings"),
    "consent_newsletter": _("Newsletter"),
    # Not stored (capacity decides the status): a row the file marks cancelled is left out.
    "status": _("Status"),
}
# ... and other names a header often gives them (the registration form's, and common English).
OTHER_FIELD_NAMES = {
    "email": ("email", "e-mail address", "email address", "mail"),
    "first_name": ("given name", "first names", "name"),
    "family_name": ("last name", "surname"),
    "organisation": ("organization", "company", "institution"),
    "organisation_type": ("organisation type", "organization type", "type"),
    "language": (_("Language for our e-mails"),),
}
# Several choices or sessions in one cell: | as the import always asked, ; as the export writes
# sessions, then , as it writes choices (tried last: a label may hold a comma).
LIST_SEPARATORS = re.compile(r"[|;\n]")
LIST_SEPARATOR = "|"
TRUE_WORDS = frozenset({"1", "yes", "y", "true", "x", "da", "ja", "oui", "si", "taip"})
FALSE_WORDS = frozenset({"", "0", "no", "n", "false", "nu", "nein", "non", "ne", "nee"})


def quoted(names) -> str:
    """Names each in the language's own quotation marks, one after another: „A”, „B”."""
    # Translators: a name quoted as your language quotes it, e.g. „%(name)s” in Romanian.
    return ", ".join(_("“%(name)s”") % {"name": name} for name in names)


def already_registered(event: Event, email: str) -> bool:
    """True when the address holds a registration of the event that is not cancelled."""
    return (
        Registration.objects.filter(event_id=event.pk, email=services.normalise_email(email))
        .exclude(status=Status.CANCELLED).exists()
    )


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
    mapping: list[str] = field(default_factory=list)
    setup: registration_queries.RegistrationSetup | None = None

    @property
    def valid_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if row.valid]

    @property
    def rejected_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if not row.valid]


def question_column(question: Question) -> str:
    return f"q_{question.pk}"


def key(text) -> str:
    """A name or value as compared: without case, accents, spaces or punctuation
    (``Timișoara`` = ``timisoara``, ``E-mail`` = ``email``)."""
    decomposed = unicodedata.normalize("NFKD", str(text).casefold())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return re.sub(r"[\W_]+", "", plain)


def _in_every_language(*texts) -> set[str]:
    """The keys of lazily translated ``texts`` in each of Aula's languages."""
    found = set()
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            found.update(key(str(text)) for text in texts)
    return found


def fields(questions: list[Question], language: str) -> list[tuple[str, str]]:
    """Aula's fields a column can be mapped to: (code, label), the event's questions last."""
    return [
        *((name, str(label)) for name, label in FIELD_LABELS.items()),
        *(
            (question_column(q), q.text("label", language).text or question_column(q))
            for q in questions
        ),
    ]


def guess_mapping(header: list[str], questions: list[Question]) -> list[str]:
    """The field each column is for, from its name (code, label in any of the six languages,
    or a question's label in any of its languages); "" for a column to leave out. A field
    goes to the first column that names it."""
    names = {}
    for name, label in FIELD_LABELS.items():
        for known in _in_every_language(label, *OTHER_FIELD_NAMES.get(name, ())):
            names.setdefault(known, name)
        names[key(name)] = name
    for question in questions:
        column = question_column(question)
        names[key(column)] = column
        for text in (question.label or {}).values():
            names.setdefault(key(text), column)
    mapping, taken = [], set()
    for name in header:
        guess = names.get(key(name), "")
        if guess in taken:
            guess = ""
        taken.add(guess)
        mapping.append(guess)
    return mapping


def _check_mapping(mapping: list[str], header: list[str], questions: list[Question]) -> None:
    known = dict(fields(questions, translation.get_language() or settings.LANGUAGE_CODE))
    if len(mapping) != len(header) or any(name and name not in known for name in mapping):
        raise ImportFileError(_("The columns of the file have changed. Upload it again."))
    repeated = [known[name] for name, n in Counter(m for m in mapping if m).items() if n > 1]
    missing = [known[name] for name in REQUIRED_COLUMNS if name not in mapping]
    problems = []
    if missing:
        problems.append(_("choose a column for each of: %(names)s")
                        % {"names": ", ".join(missing)})
    if repeated:
        problems.append(_("each field may come from one column only: %(names)s")
                        % {"names": ", ".join(repeated)})
    if problems:
        raise ImportFileError(_("Nothing can be imported yet: %(problems)s.")
                              % {"problems": "; ".join(str(p) for p in problems)})


# --- Values by code or by label -------------------------------------------------------------


@functools.cache
def _organisation_types() -> dict[str, str]:
    found = {}
    for code, label in OrganisationType.choices:
        found[key(code)] = code
        for name in _in_every_language(label):
            found.setdefault(name, code)
    return found


@functools.cache
def _countries() -> dict[str, str]:
    found = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for code, name in countries:
                found.setdefault(key(name), code)
    for code, _name in countries:
        found[key(code)] = code
        alpha3 = countries.alpha3(code)
        if alpha3:
            found.setdefault(key(alpha3), code)
    return found


@functools.cache
def _languages() -> dict[str, str]:
    found = {}
    for code, name in settings.LANGUAGES:
        info = translation.get_language_info(code)
        for known in {*_in_every_language(name), key(info["name"]), key(info["name_local"])}:
            found.setdefault(known, code)
        found[key(code)] = code
    return found


@functools.cache
def _booleans() -> dict[str, bool]:
    found = dict.fromkeys(FALSE_WORDS, False) | dict.fromkeys(TRUE_WORDS, True)
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            found.setdefault(key(gettext("yes")), True)
            found.setdefault(key(gettext("no")), False)
    return found


@functools.cache
def _cancelled_words() -> frozenset[str]:
    return frozenset({key(Status.CANCELLED), *_in_every_language(Status.CANCELLED.label)})


def _session_names(slots) -> dict[str, int]:
    found = {}
    for slot in slots:
        for block in slot.blocks:
            found[key(block.pk)] = block.pk
            for title in (block.title or {}).values():
                found.setdefault(key(title), block.pk)
    return found


def _choice_names(question: Question) -> dict[str, str]:
    found = {}
    for choice in question.choices or []:
        found[key(choice["key"])] = choice["key"]
        for label in (choice.get("label") or {}).values():
            found.setdefault(key(label), choice["key"])
    return found


def _one(value: str, names: dict) -> str:
    """The code ``value`` names, or the value itself (for the form to reject)."""
    return names.get(key(value), value) if value else ""


def _several(value: str, names: dict) -> tuple[list, list[str]]:
    """The codes a cell of several values names, and the pieces that name nothing."""
    value = value.strip()
    if not value:
        return [], []
    if key(value) in names:
        return [names[key(value)]], []
    found, unknown = [], []
    for piece in (p.strip() for p in LIST_SEPARATORS.split(value)):
        if not piece:
            continue
        if key(piece) in names:
            found.append(names[key(piece)])
            continue
        for part in (p.strip() for p in piece.split(",")):
            if key(part) in names:
                found.append(names[key(part)])
            elif part:
                unknown.append(part)
    return list(dict.fromkeys(found)), unknown


def _boolean(value: str) -> bool | None:
    return _booleans().get(key(value))


# --- Reading the file -----------------------------------------------------------------------


def read(content: bytes, event: Event | None = None) -> list[list[str]]:
    """The file's rows of text cells (``core.spreadsheets.read_table``), the code page of the
    event's language tried first among the legacy ones. Raises ``ImportFileError``."""
    if len(content) > MAX_IMPORT_BYTES:
        raise ImportFileError(_("The file is larger than 1 MB. Split it into smaller files."))
    legacy = spreadsheets.LEGACY_ENCODINGS
    if event is not None:
        first = {"lt": "cp1257", "nl": "cp1252", "it": "cp1252"}.get(
            event.primary_language, "cp1250"
        )
        legacy = (first, *(encoding for encoding in legacy if encoding != first))
    try:
        return spreadsheets.read_table(content, legacy=legacy, max_rows=2 * MAX_IMPORT_ROWS + 2)
    except spreadsheets.UnreadableText as error:
        raise ImportFileError(_(
            "The file cannot be read as text (the byte at position %(position)s fits no "
            "encoding Aula knows). Save it as “CSV UTF-8” or as an Excel workbook (.xlsx) and "
            "upload it again."
        ) % {"position": error.position if error.position is not None else 0}) from error
    except spreadsheets.UnreadableTable as error:
        raise ImportFileError(_(
            "The file is neither a CSV file nor an Excel workbook (.xlsx) that can be opened."
        )) from error
    except csv.Error as error:
        raise ImportFileError(_("The file cannot be read as CSV: %(reason)s.")
                              % {"reason": error}) from error


def header_of(table: list[list[str]]) -> list[str]:
    """The file's first line, checked: it names the columns."""
    if not table or not any(cell.strip() for row in table for cell in row):
        raise ImportFileError(_("The file is empty."))
    return [name.strip() for name in table[0]]


def columns(event: Event, content: bytes) -> list[tuple[str, str]]:
    """The file's columns: (name in the first line, first value below it), for the organiser
    to map. Raises ``ImportFileError`` for a file that cannot be read."""
    table = read(content, event)
    header = header_of(table)
    examples = [""] * len(header)
    for cells in table[1:]:
        for index, value in enumerate(cells[:len(header)]):
            if not examples[index] and value.strip():
                examples[index] = _unguarded(value.strip())
        if all(examples):
            break
    return list(zip(header, examples, strict=True))


def parse(event: Event, content: bytes, mapping: list[str] | None = None) -> ImportPreview:
    """Read and check a file without writing anything, its columns mapped by ``mapping`` (one
    field code or "" per column; guessed from the header when None). Raises
    ``ImportFileError`` when the file as a whole is unusable (encoding, format, size, mapping);
    otherwise each row is valid, with the outcome it will get, or carries the reasons it is
    rejected."""
    table = read(content, event)
    header = header_of(table)
    setup = registration_queries.registration_setup(event)
    questions = setup.questions
    if mapping is None:
        mapping = guess_mapping(header, questions)
    _check_mapping(mapping, header, questions)
    data_rows = [
        (line, cells) for line, cells in enumerate(table[1:], start=2)
        if any(cell.strip() for cell in cells)
    ]
    if not data_rows:
        raise ImportFileError(_("The file has no rows below its first line."))
    if len(data_rows) > MAX_IMPORT_ROWS:
        raise ImportFileError(ngettext(
            "The file has more than %(max)d row. Split it into smaller files.",
            "The file has more than %(max)d rows. Split it into smaller files.",
            MAX_IMPORT_ROWS,
        ) % {"max": MAX_IMPORT_ROWS})
    names = _Names(setup.slots, questions)
    rows: list[ImportRow] = []
    seen: dict[str, int] = {}
    for line, cells in data_rows:
        row = _check_row(event, questions, setup.slots, names, mapping, cells, line)
        email = services.normalise_email(row.values.get("email", ""))
        if row.valid and email in seen:
            row.errors.append(str(_("The same address is on line %(line)s.")
                                  % {"line": seen[email]}))
        seen.setdefault(email, row.line)
        rows.append(row)
    _mark_registered(event, rows)
    _simulate_places(event, setup, rows)
    return ImportPreview(columns=header, rows=rows, mapping=mapping, setup=setup)


class _Names:
    """The event's sessions and choices by code or label (read once per file)."""

    def __init__(self, slots, questions):
        self.sessions = _session_names(slots)
        language = translation.get_language() or settings.LANGUAGE_CODE
        self.titles = {
            block.pk: block.text("title", language).text
            for slot in slots for block in slot.blocks
        }
        self.choices = {
            q.pk: _choice_names(q) for q in questions if q.kind in Question.CHOICE_KINDS
        }


def _unguarded(value: str) -> str:
    """A cell as typed: without the quote an export puts before a formula starter."""
    if value.startswith("'") and value[1:2] and value[1] in spreadsheets.FORMULA_STARTS:
        return value[1:]
    return value


def _check_row(event, questions, slots, names, mapping, values, line) -> ImportRow:
    if len(values) != len(mapping):
        row = ImportRow(line, dict(zip(mapping, values, strict=False)))
        row.errors.append(str(_("The line has %(found)s cells where the first line has "
                                "%(expected)s.") % {"found": len(values),
                                                    "expected": len(mapping)}))
        return row
    cells = {
        name: _unguarded(value.strip())
        for name, value in zip(mapping, values, strict=False) if name
    }
    row = ImportRow(line, cells)
    form_data = MultiValueDict()
    for name in ("first_name", "family_name", "organisation", "job_title"):
        form_data[name] = cells.get(name, "")
    form_data["organisation_type"] = _one(cells.get("organisation_type", ""),
                                          _organisation_types())
    form_data["country"] = _one(cells.get("country", ""), _countries())
    form_data["language"] = (
        _one(cells.get("language", ""), _languages()).lower() or event.primary_language
    )
    if key(cells.get("status", "")) in _cancelled_words():
        row.errors.append(str(_("The file marks this registrant as cancelled.")))
        return row
    consents = {}
    for name in ("consent_recording", "consent_newsletter"):
        value = _boolean(cells.get(name, ""))
        if value is None:
            row.errors.append(str(_("%(column)s: write yes or no.")
                                  % {"column": FIELD_LABELS[name]}))
        consents[name] = bool(value)
    for question in questions:
        _answer(question, cells.get(question_column(question), ""), names, form_data, row)
    form = PersonForm(form_data, event=event, questions=questions)
    email = cells.get("email", "")
    try:
        validate_email(email)
    except ValidationError:
        row.errors.append(str(_("email: enter a valid e-mail address.")))
    if not form.is_valid():
        for name, errors in form.errors.items():
            label = FIELD_LABELS.get(name) or (form.fields[name].label if name in form.fields
                                               else name)
            for message in errors:
                row.errors.append(f"{label}: {message}")
    sessions, unknown = _several(cells.get("sessions", ""), names.sessions)
    if unknown:
        row.errors.append(str(_("%(column)s: %(names)s is not a session of this event.")
                              % {"column": FIELD_LABELS["sessions"], "names": quoted(unknown)}))
    else:
        row.errors.extend(_session_errors(slots, sessions, names))
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


def _session_errors(slots, sessions, names) -> list[str]:
    """Why the chosen sessions are not one per slot, naming the slot's sessions."""
    try:
        services.clean_sessions(slots, sessions)
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            return [f"{FIELD_LABELS['sessions']}: {message}" for message in error.messages]
        found = []
        for slot in slots:
            for message in ValidationError(error.error_dict.get(slot.key, [])).messages:
                titles = ", ".join(names.titles[block.pk] for block in slot.blocks)
                found.append(f"{FIELD_LABELS['sessions']}: {message.rstrip('.')}: {titles}.")
        return found
    return []


def _answer(question, raw, names, form_data, row) -> None:
    """Put a question's cell into the form's data, choices and countries by code or label."""
    column = question_column(question)
    Kind = Question.Kind
    if question.kind == Kind.MULTIPLE_CHOICE:
        found, unknown = _several(raw, names.choices[question.pk])
        form_data.setlist(column, [*found, *unknown])
    elif question.kind == Kind.SINGLE_CHOICE:
        form_data[column] = _one(raw, names.choices[question.pk])
    elif question.kind == Kind.CHECKBOX:
        value = _boolean(raw)
        if value is None:
            row.errors.append(str(_("%(column)s: write yes or no.") % {"column": column}))
        if value:
            form_data[column] = "on"
    elif question.kind == Kind.COUNTRY:
        form_data[column] = _one(raw, _countries())
    else:
        form_data[column] = raw


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


def _simulate_places(event: Event, setup, rows: list[ImportRow]) -> None:
    """Give each valid row the outcome ``services.register`` will give it, taking the rows in
    order as the import does: places left in the event and in each parallel session go down
    with every row that takes one, the waiting list (when the event has one) takes the rest,
    and a row whose session is full, or that finds the event full without a waiting list, is
    rejected with that reason."""
    valid = [row for row in rows if row.valid]
    if not valid:
        return
    refusal = services.why_closed(event, timezone.now())
    if refusal is None and setup.notice is None:
        refusal = Result.UNAVAILABLE
    if refusal is not None:
        for row in valid:
            row.errors.append(str(OUTCOME_WORDS[refusal]))
        return
    taken = registration_queries.places_taken(event)
    left = registration_queries.session_places_left(event, setup.slots)
    titles = {
        block.pk: block.text("title", translation.get_language() or event.primary_language).text
        for slot in setup.slots for block in slot.blocks
    }
    for row in valid:
        full = tuple(pk for pk in row.data.sessions if left.get(pk) is not None and left[pk] <= 0)
        result, _full = services.decide(event, setup.options, taken, full)
        if result == Result.SESSION_FULL:
            row.errors.append(str(_("Not registered: the session %(title)s is full")
                                  % {"title": quoted(titles[pk] for pk in full)}))
        elif result not in services.ACCEPTED:
            row.errors.append(str(OUTCOME_WORDS[result]))
        else:
            row.outcome = str(OUTCOME_WORDS[result])
            if result in (Result.CONFIRMED, Result.HELD):
                taken += 1
                for pk in row.data.sessions:
                    if left.get(pk) is not None:
                        left[pk] -= 1


IMPORTED = audit.action("registration.imported", gettext_lazy("Imported registrants"))


def run_import(event: Event, content: bytes, *, actor,
               mapping: list[str] | None = None) -> ImportPreview:
    """Check the file again (as ``parse``, places counted as they are now) and register every
    valid row through ``services.register`` (capacity and waiting list apply, each registrant
    gets their e-mail, each registration its audit entry in its own transaction: an import of
    300 rows must not hold the event's lock for all of them). Then one entry for the import
    with its row counts. Raises ``ImportFileError`` like ``parse``: nothing is imported then."""
    preview = parse(event, content, mapping)
    for row in preview.valid_rows:
        try:
            outcome = services.register(event, row.data, actor=actor, via="import",
                                        setup=preview.setup)
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
