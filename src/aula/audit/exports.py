"""The audit log as a spreadsheet (CSV or XLSX): one row per entry, newest first.

Entries are read in batches (``iterator``), so memory stays flat however long the log is. Every
text cell that a spreadsheet would take for a formula (= + - @, or a tab or carriage return
first) gets a leading single quote (``aula.core.spreadsheets.safe``, the one formula guard); the
CSV quotes every field and guards every piece a spreadsheet could split a cell into
(``aula.core.spreadsheets.csv_lines``).
"""

import tempfile
from collections.abc import Iterable, Iterator, Mapping

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from aula.audit import queries
from aula.audit.models import AuditEntry
from aula.core.spreadsheets import csv_lines, xlsx_row, zoned
from aula.core.spreadsheets import safe as _safe

BATCH_SIZE = 2000


def header(zone_name: str) -> list[str]:
    return [
        zoned(_("When"), zone_name), _("Time zone"), _("Who"), _("Through"), _("What"),
        _("Action"), _("Event"),
        _("Kind of object"), _("Object"), _("Object (name then)"), _("Changes"),
        _("Details"),
    ]


def rows(entries: QuerySet[AuditEntry], event_names: Mapping[int, str]) -> Iterator[list]:
    """The export's rows (header first), times as datetimes in the current time zone (its name in
    the header), every text cell made safe."""
    zone = timezone.get_current_timezone()
    yield [_safe(cell) for cell in header(str(zone))]
    for entry in entries.iterator(chunk_size=BATCH_SIZE):
        event = ""
        if entry.event_id is not None:
            event = event_names.get(entry.event_id) or f"#{entry.event_id}"
        row = [
            timezone.localtime(entry.at, zone), str(zone),
            entry.actor_name or _("Aula"), entry.via, queries.describe(entry), entry.action,
            event, entry.target_type, entry.target_id, entry.target_label,
            queries.changes_text(entry), queries.details_text(entry),
        ]
        yield [_safe(cell) for cell in row]


def csv_chunks(lines: Iterable[list]) -> Iterator[str]:
    """The CSV file line by line, with a byte-order mark so that spreadsheets read UTF-8; the
    rows are made while the response streams, in the language and zone of the request."""
    language = get_language() or settings.LANGUAGE_CODE
    zone = timezone.get_current_timezone()

    def chunks():
        with translation.override(language), timezone.override(zone):
            yield from csv_lines(lines)

    return chunks()


def xlsx_file(lines: Iterable[list]):
    """The XLSX workbook in a temporary file (write-only mode streams rows to disk), rewound;
    the caller streams and closes it."""
    from openpyxl import Workbook  # here, not at the top: only exports need it (memory)

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Audit log")[:31])
    for row in lines:
        sheet.append(xlsx_row(sheet, row))
    handle = tempfile.TemporaryFile()  # noqa: SIM115 (closed by the response)
    workbook.save(handle)
    handle.seek(0)
    return handle
