"""The participation report as a spreadsheet (openpyxl): a sheet per table.

Every text that comes from input is neutralised against formula injection: a cell starting
with = + - @ (or a tab or carriage return) is prefixed with a quote, so spreadsheet programs
show it as text instead of evaluating it.
"""

from datetime import datetime
from io import BytesIO

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from aula.core.spreadsheets import DATETIME_NUMBER_FORMAT, safe, xlsx_value, zoned
from aula.reports.queries import ReportDocument


def sheet_title(title: str) -> str:
    """A title spreadsheet programs accept: none of \\ / ? * [ ] :, at most 31 characters."""
    cleaned = "".join(" " if char in '\\/?*[]:' else char for char in str(title))
    return cleaned.strip(" '")[:31] or "-"


def _sheet(book, title, header, rows, widths):
    sheet = book.create_sheet(title=sheet_title(title))
    sheet.append([safe(str(cell)) for cell in header])
    for cell in sheet[1]:
        cell.font = _bold()
    for row in rows:
        sheet.append([xlsx_value(cell) for cell in row])
        for cell, value in zip(sheet[sheet.max_row], row, strict=False):
            if isinstance(value, datetime):  # a real date cell, naive in the event's zone
                cell.number_format = DATETIME_NUMBER_FORMAT
    for letter, width in zip("ABCDEFGH", widths, strict=False):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    return sheet


def _bold():
    from openpyxl.styles import Font  # here, not at the top: only reports need it (memory)

    return Font(bold=True)


def report_xlsx(document: ReportDocument) -> bytes:
    """The workbook, worded in the document's language whatever the request's."""
    with translation.override(document.language):
        return _workbook(document)


def _workbook(document: ReportDocument) -> bytes:
    report = document.report
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    # Column heads and labels that count people ("Registered" people, not a registration).
    registered = pgettext("number of people", "Registered")
    attended = pgettext("number of people", "Attended")
    head = [(_("Report"), document.title)]
    if document.provisional:
        head.append((_("Provisional"), document.provisional))
    zone = report.event.time_zone
    event = report.event
    summary = head + [(label, value) for label, value in document.facts] + [
        (zoned(_("Starts"), zone), event.local(event.starts_at)),
        (zoned(_("Ends"), zone), event.local(event.ends_at)),
        ("", ""),
        (registered, report.funnel.registered),
        (pgettext("number of people", "Confirmed"), report.funnel.confirmed),
        (attended, report.funnel.attended),
        (_("Organisations that attended"), report.organisations_attending),
        (_("Participations (RCO81)"), report.participations),
        ("", ""),
        (_("Counting rule"), document.rule),
        (registered, _("Registrations not cancelled (confirmed, place held or on the "
                            "waiting list).")),
        (_("Personal data"), _("This report holds no personal data: no names and no e-mail "
                               "addresses of participants.")),
    ]
    _sheet(book, _("Summary"), [_("Item"), _("Value")], summary, [34, 90])
    agenda_rows = []
    for line in document.agenda:
        agenda_rows.append((line.starts_at, line.ends_at, line.title))
        agenda_rows += [(None, None, item) for item in line.items]
    _sheet(book, _("Agenda"), [zoned(_("Starts"), zone), zoned(_("Ends"), zone), _("Agenda")],
           agenda_rows, [20, 20, 90])
    _sheet(book, _("By type"),
           [_("Type of organisation (Interreg category)"), registered, attended],
           [(row.label, row.registered, row.attended) for row in report.by_type], [48, 12, 12])
    _sheet(book, _("By country"), [_("Country"), registered, attended],
           [(row.label, row.registered, row.attended) for row in report.by_country],
           [34, 12, 12])
    _sheet(book, _("By partner's region"),
           [_("Partner's region"), _("Partners"), registered, attended],
           [(region.label, "; ".join(region.partners), region.registered, region.attended)
            for region in report.by_partner_region], [30, 70, 12, 12])
    if report.include_organisations:
        _sheet(book, _("Organisations"), [_("Organisation"), attended],
               [(o.name, o.attended) for o in report.organisations], [60, 12])
    book.properties.title = document.title
    out = BytesIO()
    book.save(out)
    return out.getvalue()
