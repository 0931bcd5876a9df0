"""The console's attendance pages: permissions of every URL, the import form, the report page,
matching by hand and marks."""

from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from aula.attendance import services
from aula.attendance.models import AttendanceRecord, ImportBatch, ImportJob, Source
from aula.audit.models import AuditEntry
from aula.console.models import Role
from tests.attendance.helpers import post_report, register, register_cast, sample
from tests.console.confirming import CONFIRMED
from tests.factories import make_event, make_project, organiser

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    project = make_project()
    event = make_event(project=project, time_zone="Europe/Berlin",
                       starts_at=datetime(2021, 6, 15, 16, tzinfo=UTC))
    cast = register_cast(event)
    batch = services.import_report(event, "zoom.csv", sample("zoom-meeting"), actor=None)
    return project, event, cast, batch


def _urls(event, cast, batch):
    record = batch.records.get(name="Kasia (iPad)")
    args = {"event_id": event.pk}
    reads = [
        reverse("console:attendance", kwargs=args),
        reverse("console:attendance_report", kwargs={**args, "batch_id": batch.pk}),
    ]
    writes = [
        reverse("console:attendance_import", kwargs=args),
        reverse("console:attendance_delete_import", kwargs={**args, "batch_id": batch.pk}),
        reverse("console:attendance_match", kwargs={**args, "record_id": record.pk}),
        reverse("console:attendance_unmatch", kwargs={**args, "record_id": record.pk}),
        reverse("console:attendance_mark", kwargs={**args, "registration_id": cast["priya"].pk}),
        reverse("console:attendance_unmark",
                kwargs={**args, "registration_id": cast["priya"].pk}),
    ]
    return reads, writes


def test_every_url_needs_a_login_a_membership_and_the_role(client, setup):
    project, event, cast, batch = setup
    reads, writes = _urls(event, cast, batch)
    for url in reads + writes:
        response = client.post(url) if url in writes else client.get(url)
        assert response.status_code == 302, url
        assert "/console/login/" in response["Location"]
    client.force_login(organiser("other", make_project(), Role.OWNER))
    for url in reads:
        assert client.get(url).status_code == 404, url
    for url in writes:
        assert client.post(url).status_code == 404, url
    client.force_login(organiser("viewer", project, Role.VIEWER))
    for url in reads:
        assert client.get(url).status_code == 200, url
    for url in writes:
        assert client.post(url).status_code == 403, url
    assert ImportBatch.objects.count() == 1
    assert not AttendanceRecord.objects.filter(source=Source.MANUAL).exists()


def test_posting_urls_refuse_get(client, setup):
    project, event, cast, batch = setup
    client.force_login(organiser("ed", project, Role.EDITOR))
    _reads, writes = _urls(event, cast, batch)
    for url in writes[1:]:
        assert client.get(url).status_code == 405, url


def test_another_events_import_is_not_found(client, setup):
    project, event, cast, batch = setup
    other = make_event(project=project)
    client.force_login(organiser("ed", project, Role.EDITOR))
    url = reverse("console:attendance_report", kwargs={"event_id": other.pk, "batch_id": batch.pk})
    assert client.get(url).status_code == 404
    record = batch.records.first()
    url = reverse("console:attendance_match", kwargs={"event_id": other.pk, "record_id": record.pk})
    assert client.post(url, {"email": "priya.raman@example.org"}).status_code == 404


def test_editor_imports_a_file_and_sees_the_report(client, setup,
                                                  django_capture_on_commit_callbacks):
    project, event, cast, _batch = setup
    client.force_login(organiser("ed", project, Role.EDITOR))
    url = reverse("console:attendance_import", kwargs={"event_id": event.pk})
    assert client.get(url).status_code == 200
    response = post_report(client, event, sample("teams"), django_capture_on_commit_callbacks,
                           filename="teams.csv")
    job = ImportJob.objects.get()
    assert response["Location"] == reverse(
        "console:attendance_job", kwargs={"event_id": event.pk, "job_id": job.pk})
    page = client.get(response["Location"]).content.decode()
    batch = ImportBatch.objects.get(source=Source.TEAMS)
    assert "The report was imported." in page
    assert "Kasia" not in page  # the job's page shows counts, the report page the rows
    report_url = reverse("console:attendance_report",
                         kwargs={"event_id": event.pk, "batch_id": batch.pk})
    assert report_url in page
    page = client.get(report_url).content.decode()
    assert "Kasia (iPad)" in page and "Nora Lindqvist" in page
    assert 'list="registrants"' in page
    assert "Teams attendance report" in page and "month first" in page
    assert "3 rows" in page  # Ștefan's rejoins, one line each
    assert batch.imported_by.get_username() == "ed"


def test_a_bad_file_shows_why_and_imports_nothing(client, setup):
    project, event, _cast, _batch = setup
    client.force_login(organiser("ed", project, Role.EDITOR))
    url = reverse("console:attendance_import", kwargs={"event_id": event.pk})
    upload = SimpleUploadedFile("notes.csv", b"hello,world\n1,2\n", content_type="text/csv")
    response = client.post(url, {"file": upload, "time_zone": "Europe/Berlin",
                                 "date_order": "auto"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was imported." in page and "No table of participants" in page
    assert ImportBatch.objects.count() == 1


def test_the_error_message_escapes_the_files_text(client, setup,
                                                  django_capture_on_commit_callbacks):
    project, event, _cast, _batch = setup
    client.force_login(organiser("ed", project, Role.EDITOR))
    data = (b"Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes)\n"
            b"Ana,a@example.org,<script>x</script>,06/15/2021 06:00:00 PM,60\n")
    response = post_report(client, event, data, django_capture_on_commit_callbacks)
    assert response.status_code == 302  # the request reads the head only; the task fails
    page = client.get(response["Location"]).content.decode()
    assert "Nothing was imported." in page and "Line 2" in page
    assert "<script>x</script>" not in page and "&lt;script&gt;x&lt;/script&gt;" in page


def test_unknown_time_zone_is_refused(client, setup):
    project, event, _cast, _batch = setup
    client.force_login(organiser("ed", project, Role.EDITOR))
    url = reverse("console:attendance_import", kwargs={"event_id": event.pk})
    upload = SimpleUploadedFile("teams.csv", sample("teams"))
    response = client.post(url, {"file": upload, "time_zone": "Mars/Olympus",
                                 "date_order": "auto"})
    assert response.status_code == 400
    assert ImportBatch.objects.count() == 1


def test_match_by_hand_then_unmatch(client, setup):
    project, event, cast, batch = setup
    kasia = register(event, "Katarzyna", "Nowak", "kasia@example.org")
    record = batch.records.get(name="Kasia (iPad)")
    client.force_login(organiser("ed", project, Role.EDITOR))
    url = reverse("console:attendance_match", kwargs={"event_id": event.pk, "record_id": record.pk})
    response = client.post(url, {"email": "nobody@example.org"}, follow=True)
    assert "No registrant of this event has this e-mail address." in response.content.decode()
    response = client.post(url, {"email": "KASIA@example.org"}, follow=True)
    assert "The row was matched to Katarzyna Nowak." in response.content.decode()
    record.refresh_from_db()
    assert (record.registration, record.match) == (kasia, AttendanceRecord.Match.HAND)
    client.post(reverse("console:attendance_unmatch",
                        kwargs={"event_id": event.pk, "record_id": record.pk}))
    record.refresh_from_db()
    assert record.registration is None


def test_mark_and_unmark_by_hand(client, setup):
    project, event, cast, _batch = setup
    client.force_login(organiser("ed", project, Role.EDITOR))
    kwargs = {"event_id": event.pk, "registration_id": cast["priya"].pk}
    response = client.post(reverse("console:attendance_mark", kwargs=kwargs), follow=True)
    assert "Marked present." in response.content.decode()
    record = AttendanceRecord.objects.get(source=Source.MANUAL)
    assert record.marked_by.get_username() == "ed"
    client.post(reverse("console:attendance_unmark", kwargs=kwargs))
    assert not AttendanceRecord.objects.filter(source=Source.MANUAL).exists()
    other = register(make_event(), "X", "Y", "x@example.org")
    response = client.post(reverse("console:attendance_mark", kwargs={
        "event_id": event.pk, "registration_id": other.pk}), follow=True)
    assert "Choose a registrant of this event." in response.content.decode()
    assert not AttendanceRecord.objects.filter(source=Source.MANUAL).exists()


def test_delete_an_import(client, setup):
    project, event, _cast, batch = setup
    client.force_login(organiser("ed", project, Role.EDITOR))
    url = reverse("console:attendance_delete_import",
                  kwargs={"event_id": event.pk, "batch_id": batch.pk})
    records = batch.records.count()
    # Asked first: the file, its date and its records; nothing goes yet.
    page = client.post(url).content.decode()
    assert "the import of “zoom.csv” of " in page
    assert str(batch.imported_at.astimezone(event.tz).year) in page
    assert f"Its {records} attendance records go with it." in page
    assert 'name="confirmed" value="yes"' in page
    assert ImportBatch.objects.exists() and AttendanceRecord.objects.count() == records
    assert not AuditEntry.objects.filter(action="attendance.import_deleted").exists()
    client.post(url, CONFIRMED)
    assert not ImportBatch.objects.exists() and not AttendanceRecord.objects.exists()
    (deleted,) = AuditEntry.objects.filter(action="attendance.import_deleted")
    assert deleted.actor.get_username() == "ed"


def test_report_data_is_escaped(client, setup):
    project, event, _cast, _batch = setup
    evil = ("Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes)\n"
            "<script>alert(1)</script>,x@example.org,06/15/2021 05:00:00 PM,"
            "06/15/2021 06:00:00 PM,60\n")
    batch = services.import_report(event, "<b>evil</b>.csv", evil.encode(), actor=None)
    client.force_login(organiser("viewer", project, Role.VIEWER))
    page = client.get(reverse("console:attendance_report", kwargs={
        "event_id": event.pk, "batch_id": batch.pk})).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert "<b>evil</b>" not in page
    # A viewer sees no forms to change anything.
    assert 'list="registrants"' not in page


def test_overview_and_hub(client, setup):
    project, event, cast, batch = setup
    services.mark_present(event, cast["priya"].pk, actor=None)
    client.force_login(organiser("viewer", project, Role.VIEWER))
    page = client.get(reverse("console:attendance", kwargs={"event_id": event.pk})).content
    page = page.decode()
    assert "8 present, 8 registered." in page
    assert "Marked by hand" in page and "zoom.csv" in page
    assert "Mark present" not in page  # viewers cannot
    hub = client.get(reverse("console:event", kwargs={"event_id": event.pk})).content.decode()
    assert "8 present · 1 imported report" in hub
    assert reverse("console:attendance", kwargs={"event_id": event.pk}) in hub


def test_overview_query_count_does_not_grow(client, setup, django_assert_max_num_queries):
    project, event, _cast, _batch = setup
    for n in range(20):
        register(event, f"Extra{n}", "Person", f"extra{n}@example.org")
    client.force_login(organiser("ed", project, Role.EDITOR))
    with django_assert_max_num_queries(12):
        assert client.get(
            reverse("console:attendance", kwargs={"event_id": event.pk})
        ).status_code == 200
