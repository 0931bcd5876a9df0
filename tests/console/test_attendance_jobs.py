"""The console's background imports of attendance reports: the request only stores and
queues, the job's page shows progress (and reloads itself), the result, the decision on a
report whose times do not match, and a failure; who may do what."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from aula.attendance import jobs, parsers, services
from aula.attendance.models import ImportBatch, ImportJob
from aula.console.models import Role
from aula.events.models import Event
from tests.attendance.helpers import big_zoom_report, post_report, register_cast, sample
from tests.factories import make_event, make_project, organiser

pytestmark = pytest.mark.django_db
State = ImportJob.State
JUNE_2021 = datetime(2021, 6, 15, 16, tzinfo=UTC)


@pytest.fixture
def event():
    return make_event(project=make_project(), time_zone="Europe/Berlin", starts_at=JUNE_2021)


def _job_urls(job):
    args = {"event_id": job.event_id, "job_id": job.pk}
    return (reverse("console:attendance_job", kwargs=args),
            [reverse(f"console:attendance_job_{name}", kwargs=args)
             for name in ("confirm", "retry", "discard")])


def test_the_request_stores_and_queues_a_large_file_without_reading_it(
        client, event, monkeypatch, django_capture_on_commit_callbacks):
    client.force_login(organiser("ed", event.project, Role.EDITOR))
    data = big_zoom_report(20_000)
    assert len(data) > parsers.HEAD_BYTES

    def not_in_the_request(*args, **kwargs):
        raise AssertionError("the whole file was read in the request")

    monkeypatch.setattr(parsers, "parse_report", not_in_the_request)
    monkeypatch.setattr(services, "parse_report", not_in_the_request)
    url = reverse("console:attendance_import", kwargs={"event_id": event.pk})
    from django.core.files.uploadedfile import SimpleUploadedFile

    with django_capture_on_commit_callbacks() as enqueued:
        response = client.post(url, {
            "file": SimpleUploadedFile("big.csv", data, content_type="text/csv"),
            "time_zone": "Europe/Berlin", "replace": "on", "date_order": "auto",
        })
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("console:attendance_job",
                                           kwargs={"event_id": event.pk, "job_id": job.pk})
    assert (job.state, job.rows_read, job.rows_total, job.size) == (
        State.QUEUED, 0, None, len(data))
    assert jobs.upload_storage().open(job.stored_name).read() == data
    assert len(enqueued) == 1 and not ImportBatch.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "Waiting for the worker" in page and 'http-equiv="refresh"' in page

    monkeypatch.undo()  # the worker reads it
    enqueued[0]()
    job.refresh_from_db()
    assert (job.state, job.rows_read, job.rows_total, job.people) == (
        State.DONE, 20_000, 20_000, 20_000)
    assert job.stored_name == ""
    page = client.get(response["Location"]).content.decode()
    assert "The report was imported." in page and 'http-equiv="refresh"' not in page


def test_the_job_page_shows_progress_then_the_result(client, event,
                                                     django_capture_on_commit_callbacks):
    cast = register_cast(event)
    client.force_login(organiser("ed", event.project, Role.EDITOR))
    response = post_report(client, event, sample("zoom-meeting"),
                           django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    url = response["Location"]
    # As the worker leaves it between two batches of rows.
    done = {f: getattr(job, f) for f in ("state", "rows_read", "rows_total", "batch_id")}
    ImportJob.objects.filter(pk=job.pk).update(state=State.RUNNING, rows_read=4000,
                                               rows_total=10_000, heartbeat_at=timezone.now())
    page = client.get(url).content.decode()
    assert "4,000 of 10,000 rows read" in page
    assert 'value="4000"' in page and 'max="10000"' in page
    assert 'http-equiv="refresh" content="2"' in page
    ImportJob.objects.filter(pk=job.pk).update(**done)
    page = client.get(url).content.decode()
    assert "The report was imported." in page and 'http-equiv="refresh"' not in page
    assert "<dt>Matched</dt><dd>7</dd>" in page and "<dt>Not matched</dt><dd>2</dd>" in page
    assert reverse("console:attendance_report",
                   kwargs={"event_id": event.pk, "batch_id": job.batch_id}) in page
    assert job.batch.records.filter(registration=cast["ivana"]).exists()


def test_a_report_of_another_meeting_is_imported_knowingly_from_the_job_page(
        client, django_capture_on_commit_callbacks):
    event = make_event(time_zone="Europe/Berlin", starts_at=datetime(2027, 1, 14, 9, tzinfo=UTC),
                       status=Event.Status.HELD)
    client.force_login(organiser("ed", event.project, Role.EDITOR))
    response = post_report(client, event, sample("teams"), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert job.state == State.NEEDS_CONFIRMATION
    assert "does not belong to this event" in page
    confirm, retry, discard = _job_urls(job)[1]
    assert confirm in page and discard in page and retry not in page
    assert 'http-equiv="refresh"' not in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(confirm)
    assert response["Location"] == _job_urls(job)[0]
    page = client.get(response["Location"]).content.decode()
    assert "The report is being imported as you asked." in page
    assert "it was imported as you asked, and the import says so" in page
    batch = ImportBatch.objects.get()
    assert batch.times_overridden and batch.imported_by.get_username() == "ed"
    # Clicked twice: refused, clearly, nothing more.
    response = client.post(confirm, follow=True)
    assert "no longer waiting for your decision" in response.content.decode()
    assert ImportBatch.objects.count() == 1


def test_a_lost_worker_shows_as_stopped_with_a_retry(client, event,
                                                     django_capture_on_commit_callbacks):
    client.force_login(organiser("ed", event.project, Role.EDITOR))
    from django.core.files.uploadedfile import SimpleUploadedFile

    with django_capture_on_commit_callbacks(execute=False):  # no worker
        job = jobs.start_import(event, SimpleUploadedFile("w.csv", sample("webex")),
                                actor=None, time_zone="Europe/Berlin")
    ImportJob.objects.filter(pk=job.pk).update(
        state=State.RUNNING, heartbeat_at=timezone.now() - ImportJob.LEASE - timedelta(1))
    url, (confirm, retry, discard) = _job_urls(job)
    page = client.get(url).content.decode()
    assert "the worker was lost" in page and retry in page and discard in page
    assert 'http-equiv="refresh"' not in page
    overview = client.get(reverse("console:attendance", kwargs={"event_id": event.pk}))
    assert url in overview.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(retry)
    job.refresh_from_db()
    assert job.state == State.DONE


def test_a_viewer_sees_a_job_but_cannot_upload_or_decide(client, event,
                                                         django_capture_on_commit_callbacks):
    other_event = make_event(project=event.project, starts_at=datetime(2027, 1, 14, 9,
                             tzinfo=UTC), status=Event.Status.HELD)
    from django.core.files.uploadedfile import SimpleUploadedFile

    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.start_import(other_event, SimpleUploadedFile("z.csv", sample("zoom-meeting")),
                                actor=None, time_zone="Europe/Berlin")
    job.refresh_from_db()
    assert job.state == State.NEEDS_CONFIRMATION
    url, writes = _job_urls(job)
    client.force_login(organiser("viewer", event.project, Role.VIEWER))
    assert client.get(url).status_code == 200
    page = client.get(url).content.decode()
    assert not any(write in page for write in writes)
    for write in writes:
        assert client.post(write).status_code == 403, write
    response = client.post(
        reverse("console:attendance_import", kwargs={"event_id": event.pk}),
        {"file": SimpleUploadedFile("t.csv", sample("teams")), "time_zone": "Europe/Berlin"})
    assert response.status_code == 403
    job.refresh_from_db()
    assert job.state == State.NEEDS_CONFIRMATION and ImportJob.objects.count() == 1
    # Another project's owner: not found; nobody logged in: the login page.
    client.force_login(organiser("other", make_project(), Role.OWNER))
    assert client.get(url).status_code == 404
    for write in writes:
        assert client.post(write).status_code == 404, write
    client.logout()
    assert "/console/login/" in client.get(url)["Location"]
    # Another event's URL for this job: not found.
    wrong = reverse("console:attendance_job", kwargs={"event_id": event.pk, "job_id": job.pk})
    client.force_login(organiser("ed", event.project, Role.EDITOR))
    assert client.get(wrong).status_code == 404


def test_the_job_page_costs_a_fixed_number_of_queries(client, event,
                                                      django_capture_on_commit_callbacks,
                                                      django_assert_max_num_queries):
    register_cast(event)
    client.force_login(organiser("ed", event.project, Role.EDITOR))
    response = post_report(client, event, big_zoom_report(300),
                           django_capture_on_commit_callbacks)
    with django_assert_max_num_queries(7):
        assert client.get(response["Location"]).status_code == 200
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(state=State.RUNNING, rows_read=100,
                                               rows_total=300, heartbeat_at=timezone.now())
    with django_assert_max_num_queries(7):
        assert client.get(response["Location"]).status_code == 200
