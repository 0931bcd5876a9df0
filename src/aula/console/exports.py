"""Registrant exports (CSV and XLSX): one row per registrant with every answer (a column per
question) and every consent with its version and time.

Rows are read in batches by primary key (``values``, never model instances), each batch with one
more query for its sessions, and written out as they come: memory stays flat at 100,000
registrants. Every text cell that a spreadsheet would take for a formula (= + - @, or a tab or
carriage return first) gets a leading single quote (``core.spreadsheets.safe``); the CSV quotes
every field and guards every piece a spreadsheet could split a cell into
(``core.spreadsheets.csv_lines``). Every download is recorded in the audit log (``record``):
the file holds personal data; who may download it decides ``console.permissions``.
"""

import tempfile
import zoneinfo
from collections.abc import Iterator

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from aula.attendance import queries as attendance_queries
from aula.audit import services as audit
from aula.console import registrant_queries
from aula.console.registrant_queries import Filters, answer_text, filtered
from aula.core.spreadsheets import csv_lines, safe, xlsx_row, zoned
from aula.events.models import Event
from aula.registrations import queries as registration_queries
from aula.registrations.models import OrganisationType, Registration, SessionChoice

BATCH_SIZE = 2000

FIELDS = (
    "id", "status", "email", "first_name", "family_name", "organisation", "organisation_type",
    "country", "job_title", "language", "time_zone", "created_at", "email_confirmed_at",
    "confirmed_at", "waiting_since", "cancelled_at", "first_joined_at", "last_joined_at",
    "join_count", "answers", "privacy_notice__version", "privacy_accepted_at",
    "consent_recording", "consent_recording_at", "consent_newsletter", "consent_newsletter_at",
    "anonymised_at",
)


def _moment(value, zone):
    """A time as an aware datetime in the event's zone ('' when there is none): a date cell in
    XLSX, ISO 8601 with its offset in CSV (``core.spreadsheets``)."""
    return timezone.localtime(value, zone) if value else ""


def header(questions, zone_name: str) -> list[str]:
    """The column heads; each time column names the event's zone its times are in."""
    language = get_language() or settings.LANGUAGE_CODE

    def at(label):
        return zoned(label, zone_name)

    return [
        _("Id"), _("Status"), _("E-mail"), _("First name"), _("Family name"),
        _("Organisation"), _("Type of organisation"), _("Country"), _("Job title"),
        _("Language"), _("Time zone"), at(_("Registered at")), at(_("E-mail confirmed at")),
        at(_("Confirmed at")), at(_("Waiting since")), at(_("Cancelled at")),
        at(_("First joined at")), at(_("Last joined at")), _("Times joined"),
        pgettext("registrant", "Attended"), _("Minutes attended"),
        _("Sessions"),
        *(question.text("label", language).text for question in questions),
        _("Privacy notice version"), at(_("Privacy notice accepted at")),
        _("Photos and recordings"), at(_("Photos and recordings: agreed at")),
        _("Newsletter"), at(_("Newsletter: agreed at")), at(_("Personal data erased at")),
    ]


def rows(event: Event, filters: Filters | None = None) -> Iterator[list]:
    """The export's rows (header first), every text cell made safe."""
    language = get_language() or settings.LANGUAGE_CODE
    zone = zoneinfo.ZoneInfo(event.time_zone)
    questions = registration_queries.questions(event)
    statuses = {value: str(label) for value, label in Registration.Status.choices}
    types = {value: str(label) for value, label in OrganisationType.choices}
    yield [safe(cell) for cell in header(questions, event.time_zone)]
    yes, no = _("yes"), _("no")
    titles = {
        block.pk: block.text("title", language).text
        for block in registrant_queries.sessions_of(event)
    }
    attended = attendance_queries.attendees(event)
    registrations = filtered(event, filters or Filters()).order_by("id")
    last = 0
    while True:
        batch = list(registrations.filter(id__gt=last).values(*FIELDS)[:BATCH_SIZE])
        if not batch:
            return
        first, last = last, batch[-1]["id"]
        sessions: dict[int, list[str]] = {}
        # The batch's id range rather than its 2,000 ids: one short query instead of a long
        # parameter list to build, send and parse (a tenth of the export's time at 100,000).
        for registration_id, block_id in (
            SessionChoice.objects.filter(
                block__event_id=event.pk, registration_id__gt=first, registration_id__lte=last
            )
            .order_by("slot_starts_at").values_list("registration_id", "block_id")
        ):
            sessions.setdefault(registration_id, []).append(titles.get(block_id, ""))
        for r in batch:
            answers = r["answers"] or {}
            row = [
                r["id"], statuses.get(r["status"], r["status"]), r["email"], r["first_name"],
                r["family_name"], r["organisation"],
                types.get(r["organisation_type"], r["organisation_type"]), str(r["country"]),
                r["job_title"], r["language"], r["time_zone"],
                _moment(r["created_at"], zone), _moment(r["email_confirmed_at"], zone),
                _moment(r["confirmed_at"], zone), _moment(r["waiting_since"], zone),
                _moment(r["cancelled_at"], zone), _moment(r["first_joined_at"], zone),
                _moment(r["last_joined_at"], zone), r["join_count"],
                yes if r["id"] in attended else no, attended.get(r["id"]),
                "; ".join(sessions.get(r["id"], [])),
                *(
                    answer_text(q, answers.get(str(q.pk)), language, event.primary_language)
                    for q in questions
                ),
                r["privacy_notice__version"] or "", _moment(r["privacy_accepted_at"], zone),
                yes if r["consent_recording"] else no, _moment(r["consent_recording_at"], zone),
                yes if r["consent_newsletter"] else no, _moment(r["consent_newsletter_at"], zone),
                _moment(r["anonymised_at"], zone),
            ]
            yield [safe(cell) for cell in row]


def record(actor, event: Event, fmt: str, filters: Filters | None = None) -> None:
    """Record the download of the registrant list (personal data) in the audit log."""
    query = (filters or Filters()).as_query()
    # The search text may be a person's name: the log says there was one, not what it was.
    searched = bool(query.pop("q", ""))
    audit.record_download(actor, f"registrants.{fmt}", event=event, project=event.project_id,
                          data={"filters": query, "searched": searched})


def csv_chunks(event: Event, filters: Filters | None = None) -> Iterator[str]:
    """The CSV file line by line, with a byte-order mark so that spreadsheets read UTF-8. The
    lines are produced while the response streams, in the language of the request."""
    language = get_language() or settings.LANGUAGE_CODE

    def lines():
        with translation.override(language):
            yield from csv_lines(rows(event, filters))

    return lines()


def xlsx_file(event: Event, filters: Filters | None = None):
    """The XLSX workbook in a temporary file (write-only mode streams rows to disk), rewound;
    the caller streams and closes it."""
    from openpyxl import Workbook  # here, not at the top: only exports need it (memory)

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Registrants")[:31])
    for row in rows(event, filters):
        sheet.append(xlsx_row(sheet, row))
    handle = tempfile.TemporaryFile()  # noqa: SIM115 (closed by the response)
    workbook.save(handle)
    handle.seek(0)
    return handle
