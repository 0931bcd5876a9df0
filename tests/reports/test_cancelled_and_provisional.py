"""A cancelled event counts no participation and says so in every report; the funder's report
is final only for a held or closed event; a download with organisations' names is recorded."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from aula.audit.models import AuditEntry
from aula.console.models import Membership, Role
from aula.events import lifecycle
from aula.events.models import Event
from aula.reports import queries
from aula.reports.pdf import report_html, report_pdf
from aula.reports.xlsx import report_xlsx
from tests.factories import make_event, make_model_seminar, organiser
from tests.reports.data import populate
from tests.reports.helpers import register
from tests.reports.pdftext import pdf_text, text_runs

pytestmark = pytest.mark.django_db


@pytest.fixture
def seminar(attendance):
    event = make_model_seminar()
    populate(event, attendance)
    return event


def _set(event, status):
    Event.objects.filter(pk=event.pk).update(status=status)
    event.refresh_from_db()
    return event


def _document(event, organisations=False):
    return queries.report_document(event, "en", include_organisations=organisations)


def _summary(event):
    book = load_workbook(BytesIO(report_xlsx(_document(event))))
    rows = [tuple(c.value for c in row) for row in book["Summary"].iter_rows(min_row=2)]
    return book, {row[0]: row[1] for row in rows if row[0]}


def test_a_cancelled_event_counts_no_participation(seminar):
    report = queries.participation_report(seminar)
    assert (report.funnel.attended, report.participations) == (5, 5)
    lifecycle.cancel(seminar, actor=None, reason="The speakers could not travel.")
    seminar.refresh_from_db()
    report = queries.participation_report(seminar, include_organisations=True)
    assert (report.funnel.attended, report.participations) == (0, 0)
    assert report.organisations_attending == 0 and report.organisations == []
    assert all(row.attended == 0 for row in report.by_type + report.by_country)
    assert report.state.cancelled and not report.state.counts and not report.state.final
    assert queries.event_dashboard(seminar, "en").funnel.attended == 0


def test_the_cancelled_event_is_shown_as_cancelled_in_pdf_and_xlsx(seminar):
    lifecycle.cancel(seminar, actor=None, reason="The speakers could not travel.")
    seminar.refresh_from_db()
    data = report_pdf(_document(seminar))
    runs = text_runs(data)
    text = " ".join(pdf_text(data).split())
    assert "Participation report (provisional: the event was cancelled)" in text
    assert "PROVISIONAL – the event was cancelled" in text
    assert "The speakers could not travel." in text
    assert runs[runs.index("Attended") + 1] == "0"
    assert runs[runs.index("Participations (RCO81)") + 1] == "0"
    book, summary = _summary(seminar)
    assert book.properties.title == "Participation report (provisional: the event was cancelled)"
    assert summary["Provisional"].startswith("PROVISIONAL – the event was cancelled")
    assert summary["Status"].startswith("Cancelled on")
    assert (summary["Attended"], summary["Participations (RCO81)"]) == (0, 0)


@pytest.mark.parametrize(("status", "final"), [
    (Event.Status.PUBLISHED, False), (Event.Status.HELD, True), (Event.Status.CLOSED, True),
    (Event.Status.DRAFT, False), (Event.Status.CANCELLED, False),
])
def test_the_report_is_final_only_for_a_held_or_closed_event(seminar, status, final):
    _set(seminar, status)
    document = _document(seminar)
    html = report_html(document)
    book, summary = _summary(seminar)
    if final:
        assert document.title == "Participation report" and document.provisional == ""
        assert "PROVISIONAL" not in html and "Provisional" not in summary
        assert "<title>Participation report – PGI06047</title>" in html
    else:
        assert "provisional" in document.title and document.provisional
        assert 'class="provisional"' in html and "PROVISIONAL" in summary["Provisional"]
        assert "(provisional" in book.properties.title


def test_the_project_overview_marks_the_cancelled_event(client, seminar, attendance):
    other = make_event(seminar.project, starts_at=seminar.starts_at)
    attendance.mark(register(other))
    lifecycle.cancel(other, actor=None)
    lines = {line.event.pk: line for line in queries.project_overview(seminar.project)}
    assert lines[seminar.pk].attended == 5
    assert lines[other.pk].attended == 0 and lines[other.pk].organisations_attending == 0
    assert lines[other.pk].state.cancelled
    client.force_login(organiser("vic", seminar.project, Role.VIEWER))
    page = client.get(reverse("console:reports_project",
                              kwargs={"project": seminar.project.slug})).content.decode()
    assert page.count("cancelled: counts no participation") == 1
    dashboard = client.get(reverse("console:reports_event",
                                   kwargs={"event_id": other.pk})).content.decode()
    assert "this event was cancelled; it counts no participation" in dashboard
    dashboard = client.get(reverse("console:reports_event",
                                   kwargs={"event_id": seminar.pk})).content.decode()
    assert "the figures are provisional until the event is marked as held" in dashboard


def test_downloads_with_organisations_are_recorded(client, seminar):
    vic = organiser("vic", seminar.project, Role.VIEWER)
    Membership.objects.filter(user=vic).update(personal_data=True)  # may download names
    client.force_login(vic)
    e = {"event_id": seminar.pk}
    response = client.get(reverse("console:reports_pdf", kwargs=e))
    assert response.status_code == 200
    assert "provisional" in response["Content-Disposition"]
    assert not AuditEntry.objects.exists()  # no names: nothing to record
    client.get(reverse("console:reports_xlsx", kwargs=e) + "?organisations=1")
    client.get(reverse("console:reports_pdf", kwargs=e) + "?organisations=1")
    entries = list(AuditEntry.objects.order_by("id"))
    assert [(e.action, e.actor, e.event_id) for e in entries] == [("download", vic, seminar.pk)] * 2
    assert [e.data["format"] for e in entries] == ["xlsx", "pdf"]
    assert entries[0].data["what"] == "participation_report_with_organisations"
    _set(seminar, Event.Status.HELD)
    response = client.get(reverse("console:reports_pdf", kwargs=e))
    assert "provisional" not in response["Content-Disposition"]
