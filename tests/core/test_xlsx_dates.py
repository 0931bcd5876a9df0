"""Every XLSX export holds times as real date cells: naive, in the event's zone (Excel has no
zones), with a date-and-time number format, and the zone named in the column's header."""

import io
from datetime import datetime

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from aula.audit import services as audit
from aula.console.models import Role
from aula.reports import queries
from aula.reports.xlsx import report_xlsx
from tests.factories import make_event, make_model_seminar, make_registration, organiser, utc

pytestmark = pytest.mark.django_db
REGISTERED = utc(2026, 12, 6, 8, 30)  # 10:30 in Bucharest (EET, UTC+02:00)


def download(client, name, **kwargs):
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200
    content = getattr(response, "streaming_content", None)
    data = b"".join(content) if content is not None else response.content
    return load_workbook(io.BytesIO(data))


def column(sheet, label):
    header = [cell.value for cell in sheet[1]]
    return [row[header.index(label)] for row in sheet.iter_rows(min_row=2)]


def test_registrant_export_times_are_date_cells_in_the_events_zone(client):
    event = make_event(time_zone="Europe/Bucharest")
    make_registration(event, created_at=REGISTERED)
    client.force_login(organiser("owner", event.project, Role.OWNER))
    book = download(client, "console:registrants_export", event_id=event.pk, fmt="xlsx")
    (cell,) = column(book.active, "Registered at (Europe/Bucharest)")
    assert cell.is_date and cell.value == datetime(2026, 12, 6, 10, 30)
    assert "yy" in cell.number_format and "hh" in cell.number_format
    (confirmed,) = column(book.active, "Confirmed at (Europe/Bucharest)")
    assert confirmed.is_date
    (empty,) = column(book.active, "Cancelled at (Europe/Bucharest)")
    assert empty.value in (None, "")


def test_audit_log_export_times_are_date_cells_in_the_events_zone(client):
    event = make_event(time_zone="Europe/Vilnius")
    owner = organiser("owner", event.project, Role.OWNER)
    audit.record(owner, "event.published", event)
    client.force_login(owner)
    book = download(client, "console:audit_event_export", event_id=event.pk, fmt="xlsx")
    cells = column(book.active, "When (Europe/Vilnius)")
    assert cells and all(cell.is_date for cell in cells)
    assert all(cell.value.tzinfo is None for cell in cells)


def test_report_export_has_the_events_times_as_date_cells():
    event = make_model_seminar()  # 10 June 2021, 10:00–13:00 in Vilnius
    book = load_workbook(io.BytesIO(report_xlsx(queries.report_document(event, "en"))))
    summary = {row[0].value: row[1] for row in book["Summary"].iter_rows(min_row=2)}
    starts = summary["Starts (Europe/Vilnius)"]
    assert starts.is_date and starts.value == datetime(2021, 6, 10, 10, 0)
    assert summary["Ends (Europe/Vilnius)"].is_date
    agenda = book["Agenda"]
    assert [cell.value for cell in agenda[1]][:2] == [
        "Starts (Europe/Vilnius)", "Ends (Europe/Vilnius)"
    ]
    first = agenda[2]
    assert first[0].is_date and first[0].value == datetime(2021, 6, 10, 10, 0)
    assert first[1].is_date and first[1].value == datetime(2021, 6, 10, 11, 15)
