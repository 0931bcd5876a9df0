"""The audit log in the console: owners read it per project and per event, filter it, page
through it and export it; everyone else is refused."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape
from openpyxl import load_workbook

from aula.audit import services as audit
from aula.audit.models import AuditEntry
from aula.console import services as account_services
from aula.console.models import Membership, Role
from aula.events.models import Event
from tests.factories import make_event, make_project, make_registration, organiser, utc

pytestmark = pytest.mark.django_db

NOTED = audit.action("registration.noted", "Noted something about a registration")
SHOUTED = audit.action("test_log.shouted", "Shouted")


@pytest.fixture
def event():
    return make_event(project=make_project(), time_zone="Europe/Vilnius")


@pytest.fixture
def owner(event):
    return organiser("olga", event.project, Role.OWNER)


def urls(event):
    project = event.project.slug
    return [
        reverse("console:audit_project", kwargs={"project": project}),
        reverse("console:audit_project_export", kwargs={"project": project, "fmt": "csv"}),
        reverse("console:audit_event", kwargs={"event_id": event.pk}),
        reverse("console:audit_event_export", kwargs={"event_id": event.pk, "fmt": "xlsx"}),
    ]


def project_log(event, **query):
    url = reverse("console:audit_project", kwargs={"project": event.project.slug})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def event_log(event, **query):
    url = reverse("console:audit_event", kwargs={"event_id": event.pk})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_only_owners_read_the_log(client, event, owner):
    audit.record(owner, "event.published", event)
    for url in urls(event):
        response = client.get(url)
        assert response.status_code == 302 and "/console/login/" in response["Location"], url
    client.force_login(organiser("stranger", make_project(), Role.OWNER))
    for url in urls(event):
        assert client.get(url).status_code == 404, url
    for role in (Role.VIEWER, Role.EDITOR):
        client.force_login(organiser(f"low-{role}", event.project, role))
        for url in urls(event):
            assert client.get(url).status_code == 403, (role, url)
    # No refused export was recorded as a download.
    assert not AuditEntry.objects.filter(action=audit.DOWNLOADED).exists()
    client.force_login(owner)
    for url in urls(event):
        assert client.get(url).status_code == 200, url
        assert client.post(url).status_code == 405, url


def test_the_log_is_linked_for_owners_only(client, event, owner):
    project_url = reverse("console:project", kwargs={"project": event.project.slug})
    hub_url = reverse("console:event", kwargs={"event_id": event.pk})
    client.force_login(owner)
    assert project_log(event) in client.get(project_url).content.decode()
    assert event_log(event) in client.get(hub_url).content.decode()
    client.force_login(organiser("ed", event.project, Role.EDITOR))
    assert project_log(event) not in client.get(project_url).content.decode()
    assert event_log(event) not in client.get(hub_url).content.decode()


def test_entries_in_words_with_changes_before_and_after(client, event, owner):
    vic = organiser("vic", event.project, Role.VIEWER)
    membership = Membership.objects.get(user=vic)
    account_services.change_role(membership, Role.EDITOR, actor=owner)
    registration = make_registration(event)
    audit.record(None, NOTED, registration, changes=audit.changes_between(
        {"email": "a@example.org", "status": "confirmed"},
        {"email": "b@example.org", "status": "cancelled"}, personal=("email",)),
        data={"reason": "<script>x</script>"})
    client.force_login(owner)
    page = client.get(project_log(event)).content.decode()
    assert "Changed a member&#x27;s role" in page or "Changed a member's role" in page
    # The role by its model's words, the choices by their labels.
    assert "role: Viewer (read only, reports) → Editor (events, registrants, messages)" in page
    # A registration: by number; its e-mail only "changed"; its status in words.
    assert f"<small>Registration</small> #{registration.pk}" in page
    assert "e-mail: <em>changed</em>" in page
    assert "Confirmed → Cancelled" in page
    assert "a@example.org" not in page and "b@example.org" not in page
    assert "&lt;script&gt;" in page and "<script>x" not in page
    assert "<em>Aula</em>" in page  # the entry without an actor
    assert escape(str(event)) in page  # the event the registration entry belongs to


def test_times_are_shown_in_the_events_zone(client, event, owner):
    audit.record(owner, "event.published", event, at=utc(2026, 6, 10, 10, 0))
    client.force_login(owner)
    assert "2026-06-10 13:00:00 (EEST, UTC+03:00)" in client.get(event_log(event)).content.decode()
    assert "2026-06-10 10:00:00 (UTC)" in client.get(project_log(event)).content.decode()


def test_the_event_log_holds_only_that_events_entries(client, event, owner):
    other = make_event(project=event.project)
    audit.record(owner, "event.published", event, label="mine")
    audit.record(owner, "event.published", other, label="theirs")
    audit.record(owner, "event.published", make_event(), label="another project")
    client.force_login(owner)
    page = client.get(event_log(event)).content.decode()
    assert "mine" in page and "theirs" not in page and "another project" not in page
    page = client.get(project_log(event)).content.decode()
    assert "mine" in page and "theirs" in page and "another project" not in page


def test_a_deleted_event_is_named_by_its_number(client, event, owner):
    gone = make_event(project=event.project)
    audit.record(owner, "event.published", gone)
    gone_id = gone.pk
    Event.objects.filter(pk=gone_id).delete()
    client.force_login(owner)
    page = client.get(project_log(event)).content.decode()
    assert f"#{gone_id}" in page


def test_filters_by_group_person_and_dates(client, event, owner):
    ed = organiser("ed", event.project, Role.EDITOR)
    audit.record(owner, "event.published", event, label="A-published",
                 at=utc(2026, 3, 1, 12))
    audit.record(ed, NOTED, event, label="B-noted", at=utc(2026, 3, 5, 12))
    audit.record(ed, "member.added", event.project, label="C-member", at=utc(2026, 3, 9, 12))
    client.force_login(owner)

    def labels(**query):
        page = client.get(project_log(event, **query))
        assert page.status_code == 200
        text = page.content.decode()
        return {label for label in ("A-published", "B-noted", "C-member") if label in text}

    assert labels() == {"A-published", "B-noted", "C-member"}
    assert labels(action="registration.") == {"B-noted"}
    assert labels(action="member.") == {"C-member"}
    assert labels(actor="ed") == {"B-noted", "C-member"}
    assert labels(since="2026-03-05") == {"B-noted", "C-member"}
    assert labels(until="2026-03-05") == {"A-published", "B-noted"}
    assert labels(since="2026-03-02", until="2026-03-08") == {"B-noted"}
    # Nonsense is refused and filters nothing.
    assert labels(action="nonsense") == {"A-published", "B-noted", "C-member"}
    page = client.get(project_log(event, since="2026-03-09", until="2026-03-01")).content
    assert b"The end comes before the start." in page


def test_the_page_costs_the_same_queries_for_few_or_many_entries(client, event, owner):
    client.force_login(owner)

    def add(n):
        for i in range(n):
            audit.record(owner, "event.published", make_event(project=event.project)
                         if i % 10 == 0 else event,
                         changes={"status": ["draft", "published"]}, data={"i": i})

    add(3)
    client.get(project_log(event))  # warm-up (session, content types)
    with CaptureQueriesContext(connection) as few:
        assert client.get(project_log(event)).status_code == 200
    add(150)
    with CaptureQueriesContext(connection) as many:
        page = client.get(project_log(event))
    assert page.status_code == 200 and 'rel="next"' in page.content.decode()
    assert len(many) == len(few) <= 10
    second = client.get(project_log(event, page=2)).content.decode()
    assert "Page 2 of 4" in second


def test_export_csv_is_guarded_and_recorded_as_a_download(client, event, owner):
    audit.record(owner, "event.published", event, label="=HYPERLINK(\"http://x\")",
                 changes={"status": ["draft", "published"]}, data={"note": "+1"})
    audit.record(owner, NOTED, event, label="other group")
    client.force_login(owner)
    url = reverse("console:audit_event_export", kwargs={"event_id": event.pk, "fmt": "csv"})
    response = client.get(url + "?action=event.")
    assert response["Content-Type"].startswith("text/csv")
    assert response["Cache-Control"] == "private, no-store"
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(text)))
    assert header[0] == "When (Europe/Vilnius)" and "Changes" in header
    assert len(rows) == 1
    (row,) = rows
    assert row[0].startswith("2") and row[1] == "Europe/Vilnius"
    assert row[2] == "olga" and row[4] == "Published the event"
    assert row[9] == "'=HYPERLINK(\"http://x\")"
    assert row[10] == "status: Draft → Published"
    assert row[11] == '{"note": "+1"}'
    download = AuditEntry.objects.get(action=audit.DOWNLOADED)
    assert download.actor == owner and download.event_id == event.pk
    assert download.data["what"] == f"audit-log-{event.project.slug}-{event.slug}.csv"
    assert download.data["filters"] == {"action": "event."}


def test_export_xlsx_of_the_project(client, event, owner):
    audit.record(owner, "event.published", event, label="-2+3")
    client.force_login(owner)
    url = reverse("console:audit_project_export",
                  kwargs={"project": event.project.slug, "fmt": "xlsx"})
    response = client.get(url)
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "When (UTC)"
    assert rows[1][9] == "'-2+3" and rows[1][6] == str(event)
    assert AuditEntry.objects.filter(action=audit.DOWNLOADED, project_id=event.project_id,
                                     event_id=None).count() == 1


def test_an_unknown_export_format_is_not_found_and_not_recorded(client, event, owner):
    client.force_login(owner)
    url = reverse("console:audit_event_export", kwargs={"event_id": event.pk, "fmt": "pdf"})
    assert client.get(url).status_code == 404
    assert not AuditEntry.objects.exists()


def test_an_undeclared_action_is_shown_by_its_name(client, event, owner):
    audit.record(owner, "somebody.else", event)
    audit.record(owner, SHOUTED, event, at=event.starts_at - timedelta(days=1))
    client.force_login(owner)
    page = client.get(event_log(event)).content.decode()
    assert "somebody.else" in page and "Shouted" in page
