"""Reports imported in the background (``attendance.jobs``): the same result as an import in
the request, progress, the organiser's decision on a report whose times do not match, failures,
a lost worker, and the uploaded file deleted once it is no longer needed."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from aula.attendance import jobs, parsers, services
from aula.attendance.models import ImportBatch, ImportJob
from aula.audit.models import AuditEntry
from aula.console.models import Role
from aula.core.errors import ActionRefused
from aula.events import lifecycle
from aula.events.models import Event
from tests.attendance.helpers import FILES, big_zoom_report, register_cast, sample
from tests.factories import make_event, organiser

pytestmark = pytest.mark.django_db
State = ImportJob.State
JUNE_2021 = datetime(2021, 6, 15, 16, tzinfo=UTC)  # the samples' seminar


@pytest.fixture
def event():
    return make_event(time_zone="Europe/Berlin", starts_at=JUNE_2021)


@pytest.fixture
def ana(event):
    return organiser("ana", event.project, Role.EDITOR)


@pytest.fixture
def start(django_capture_on_commit_callbacks):
    """Start an import job and, unless ``run=False``, run the task it enqueues (at once, as
    in tests every task does)."""

    def start(event, data, *, actor=None, run=True, filename="report.csv", **options):
        upload = SimpleUploadedFile(filename, data, content_type="text/csv")
        with django_capture_on_commit_callbacks(execute=run):
            job = jobs.start_import(event, upload, actor=actor,
                                    time_zone=options.pop("time_zone", event.time_zone),
                                    **options)
        job.refresh_from_db()
        return job

    return start


@pytest.fixture
def decide(django_capture_on_commit_callbacks):
    """An organiser's decision on a job (confirm, retry, discard), its task run at once."""

    def decide(action, job, actor):
        with django_capture_on_commit_callbacks(execute=True):
            action(job, actor=actor)
        job.refresh_from_db()
        return job

    return decide


def stored(job) -> bool:
    return bool(job.stored_name) and jobs.upload_storage().exists(job.stored_name)


def _stored_files() -> set[str]:
    storage = jobs.upload_storage()
    return set(storage.listdir("attendance")[1]) if storage.exists("attendance") else set()


def _records(batch):
    return sorted(
        (r.person_key, r.match, r.seconds, r.sessions, r.first_join, r.last_leave,
         r.registration.email if r.registration else None, r.details)
        for r in batch.records.select_related("registration")
    )


@pytest.mark.parametrize("layout", sorted(FILES))
def test_each_reference_report_imports_as_in_the_request(layout, ana, start):
    in_request = make_event(time_zone="Europe/Berlin", starts_at=JUNE_2021)
    register_cast(in_request)
    expected = services.import_report(in_request, f"{layout}.csv", sample(layout), actor=ana)
    in_background = make_event(time_zone="Europe/Berlin", starts_at=JUNE_2021)
    register_cast(in_background)
    job = start(in_background, sample(layout), actor=ana, filename=f"{layout}.csv")
    assert job.state == State.DONE and job.error == ""
    batch = job.batch
    for name in ("source", "layout", "filename", "rows_read", "people", "skipped",
                 "report_starts_at", "report_ends_at", "times_overridden"):
        assert getattr(batch, name) == getattr(expected, name), name
    assert batch.imported_by == ana
    assert _records(batch) == _records(expected)
    matched = batch.records.filter(registration__isnull=False).count()
    assert (job.people, job.matched, job.unmatched, job.skipped) == (
        batch.people, matched, batch.people - matched, len(batch.skipped))
    # Every row of data read, the skipped ones too (a session is a row read and kept).
    assert job.rows_read == job.rows_total >= batch.rows_read + len(batch.skipped)
    # The same audit entry as an import in the request, by the organiser who started it.
    request_entry, task_entry = AuditEntry.objects.filter(
        action=services.IMPORTED).order_by("pk")
    assert task_entry.actor == ana and task_entry.event_id == in_background.pk
    for key in ("source", "layout", "rows", "people", "matched", "sha256", "times_match",
                "override_times"):
        assert task_entry.data[key] == request_entry.data[key], key
    [started] = AuditEntry.objects.filter(action=jobs.STARTED)
    assert started.actor == ana and started.event_id == in_background.pk
    assert started.project_id == in_background.project_id
    assert started.target_label == f"{layout}.csv"
    assert job.stored_name == ""  # the file is gone (tested below)


def test_the_file_waits_in_private_storage_and_goes_after_the_import(event, start):
    job = start(event, sample("zoom-meeting"), run=False)
    assert job.state == State.QUEUED and stored(job)
    path = Path(jobs.upload_storage().path(job.stored_name))
    assert not path.is_relative_to(settings.MEDIA_ROOT)
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    from aula import settings as deployed  # as deployed: in the var dir, beside the media

    location = Path(deployed.PRIVATE_UPLOADS["OPTIONS"]["location"])
    assert location.is_relative_to(deployed.VAR_DIR)
    assert not location.is_relative_to(deployed.MEDIA_ROOT)
    name = job.stored_name
    assert jobs.run(job.pk, job.attempt) == State.DONE
    job.refresh_from_db()
    assert job.state == State.DONE and job.stored_name == ""
    assert not jobs.upload_storage().exists(name)


def test_progress_is_written_while_the_rows_are_read(event, start, monkeypatch):
    seen = []
    record = jobs.record_progress

    def spy(job, read, total):
        record(job, read, total)
        seen.append(ImportJob.objects.values_list("state", "rows_read", "rows_total")
                    .get(pk=job.pk))

    monkeypatch.setattr(jobs, "record_progress", spy)
    monkeypatch.setattr(parsers, "PROGRESS_EVERY", 1000)
    job = start(event, big_zoom_report(2500))
    assert seen == [("running", 0, 2500), ("running", 1000, 2500), ("running", 2000, 2500),
                    ("running", 2500, 2500)]
    assert (job.state, job.rows_read, job.rows_total, job.people) == ("done", 2500, 2500, 2500)
    assert job.percent == 100


def test_a_report_of_another_meeting_waits_for_the_organisers_decision(ana, start, decide):
    event = make_event(time_zone="Europe/Berlin", starts_at=datetime(2027, 1, 14, 9, tzinfo=UTC),
                       status=Event.Status.HELD)
    cast = register_cast(event)
    job = start(event, sample("zoom-webinar"), actor=ana)
    assert job.state == State.NEEDS_CONFIRMATION and job.can_confirm
    assert "does not belong to this event" in job.error and "2027" in job.error
    assert job.report_starts_at.date() == JUNE_2021.date()
    assert stored(job)  # kept for the decision
    assert not ImportBatch.objects.exists()
    assert not AuditEntry.objects.filter(action=services.IMPORTED).exists()

    bob = organiser("bob", event.project, Role.EDITOR)
    job = decide(jobs.confirm, job, bob)
    assert job.state == State.DONE and job.override_times and job.confirmed_by == bob
    assert not stored(job)
    batch = ImportBatch.objects.get()
    assert batch.times_overridden and batch.imported_by == bob
    assert batch.records.filter(registration=cast["ivana"]).exists()
    [imported] = AuditEntry.objects.filter(action=services.IMPORTED)
    assert imported.actor == bob
    assert imported.data["override_times"] is True and imported.data["times_match"] is False
    [confirmed] = AuditEntry.objects.filter(action=jobs.CONFIRMED)
    assert confirmed.actor == bob and confirmed.event_id == event.pk
    assert confirmed.project_id == event.project_id and confirmed.target_label == "report.csv"
    assert confirmed.data["report_starts_at"].startswith("2021-06-15")
    # Decided once: a second click changes nothing.
    with pytest.raises(ActionRefused, match="no longer waiting"):
        jobs.confirm(job, actor=bob)
    assert AuditEntry.objects.filter(action=jobs.CONFIRMED).count() == 1


def test_ticking_import_anyway_up_front_imports_at_once(ana, start):
    event = make_event(time_zone="Europe/Berlin", starts_at=datetime(2027, 1, 14, 9, tzinfo=UTC),
                       status=Event.Status.HELD)
    job = start(event, sample("zoom-meeting"), actor=ana, override_times=True)
    assert job.state == State.DONE and job.batch.times_overridden


def test_a_file_that_cannot_be_read_fails_clearly_and_is_deleted(event, start):
    data = (b"Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes)\n"
            b"Ana,a@example.org,yesterday,06/15/2021 06:00:00 PM,60\n")
    job = start(event, data, run=False)
    name = job.stored_name
    assert jobs.run(job.pk, job.attempt) == State.FAILED
    job.refresh_from_db()
    assert job.state == State.FAILED and "Line 2" in job.error and "yesterday" in job.error
    assert job.stored_name == "" and not jobs.upload_storage().exists(name)
    assert not job.can_retry and job.ended
    assert not ImportBatch.objects.exists()


def test_an_unexpected_error_fails_the_job_which_can_be_retried(event, ana, start, decide,
                                                                monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "import_read_report", broken)
    job = start(event, sample("teams"), actor=ana)
    assert job.state == State.FAILED and "unexpected error" in job.error
    assert "database" not in job.error  # no internals for the organiser
    assert stored(job) and job.can_retry
    monkeypatch.undo()
    job = decide(jobs.retry, job, ana)
    assert (job.state, job.attempt, job.error) == (State.DONE, 2, "")
    assert not stored(job)
    [retried] = AuditEntry.objects.filter(action=jobs.RETRIED)
    assert retried.actor == ana and retried.data == {"attempt": 2}
    assert retried.project_id == event.project_id


def test_a_job_whose_worker_was_lost_shows_failed_after_the_lease(event, ana, start, decide):
    job = start(event, sample("webex"), actor=ana, run=False)  # the task never runs
    assert job.working and not job.lost
    with pytest.raises(ActionRefused, match="still running"):
        jobs.retry(job, actor=ana)
    assert not AuditEntry.objects.filter(action=jobs.RETRIED).exists()
    ImportJob.objects.filter(pk=job.pk).update(
        state=State.RUNNING, heartbeat_at=timezone.now() - ImportJob.LEASE - timedelta(1))
    job.refresh_from_db()
    assert job.lost and not job.working and job.can_retry
    old_attempt = job.attempt
    job = decide(jobs.retry, job, ana)
    assert job.state == State.DONE and job.attempt == old_attempt + 1
    # The lost worker's task, should it come back, finds the job not its own.
    assert jobs.run(job.pk, old_attempt) == "skipped"
    assert ImportBatch.objects.count() == 1


def test_a_retried_task_does_not_import_twice(event, ana, start, decide):
    job = start(event, sample("webex"), actor=ana, run=False)
    ImportJob.objects.filter(pk=job.pk).update(
        heartbeat_at=timezone.now() - ImportJob.LEASE - timedelta(1))
    first_attempt = job.attempt
    job = decide(jobs.retry, job, ana)
    assert job.state == State.DONE
    assert jobs.run(job.pk, first_attempt) == "skipped"
    assert jobs.run(job.pk, job.attempt) == "skipped"  # done already
    assert ImportBatch.objects.count() == 1


def test_discarding_deletes_the_file_and_is_recorded(ana, start, decide):
    event = make_event(time_zone="Europe/Berlin", starts_at=datetime(2027, 1, 14, 9, tzinfo=UTC),
                       status=Event.Status.HELD)
    job = start(event, sample("zoom-meeting"), actor=ana)
    assert job.state == State.NEEDS_CONFIRMATION
    name = job.stored_name
    job = decide(jobs.discard, job, ana)
    assert job.state == State.DISCARDED and not jobs.upload_storage().exists(name)
    assert job.stored_name == ""
    [discarded] = AuditEntry.objects.filter(action=jobs.DISCARDED, actor=ana)
    assert discarded.project_id == event.project_id
    with pytest.raises(ActionRefused):
        jobs.confirm(job, actor=ana)
    assert not ImportBatch.objects.exists()


def test_the_purge_deletes_files_left_behind(event, start):
    waiting = start(event, sample("teams"), run=False)
    ImportJob.objects.filter(pk=waiting.pk).update(
        heartbeat_at=timezone.now() - jobs.KEEP_UNFINISHED - timedelta(minutes=1))
    fresh = start(event, sample("webex"), run=False)
    assert jobs.purge_uploads() == 1
    waiting.refresh_from_db()
    assert waiting.state == State.FAILED and "upload it again" in waiting.error
    assert not stored(waiting) and stored(fresh)
    # A done job whose process died before deleting its file: the purge deletes it.
    ImportJob.objects.filter(pk=fresh.pk).update(state=State.DONE)
    assert jobs.purge_uploads() == 1
    fresh.refresh_from_db()
    assert not stored(fresh)
    assert jobs.purge_uploads() == 0


def test_the_purge_deletes_the_files_of_deleted_events_once_old(event, start):
    import os

    job = start(event, sample("teams"), run=False)
    name = job.stored_name
    Event.objects.filter(pk=event.pk).delete()  # its jobs go with it, not their files
    assert jobs.purge_uploads() == 0 and jobs.upload_storage().exists(name)  # too new
    path = jobs.upload_storage().path(name)
    old = (timezone.now() - jobs.KEEP_UNFINISHED - timedelta(minutes=1)).timestamp()
    os.utime(path, (old, old))
    assert jobs.purge_uploads() == 1 and not jobs.upload_storage().exists(name)


def test_the_purge_runs_on_the_schedulers_tick():
    from aula.messaging import periodic

    assert periodic.job_name(jobs.purge_uploads) in periodic.registered()


def test_no_import_is_started_for_a_cancelled_event(event, ana, start):
    lifecycle.cancel(event, actor=None)
    event.refresh_from_db()
    before = _stored_files()
    with pytest.raises(ActionRefused):
        start(event, sample("teams"), actor=ana)
    assert _stored_files() == before
    assert not ImportJob.objects.exists()
    assert not AuditEntry.objects.filter(action=jobs.STARTED).exists()


@pytest.mark.parametrize(("data", "message"), [
    (b"", "empty"),
    (b"PK\x03\x04rest of a zip", "spreadsheet"),
    (b"hello,world\n1,2\n", "No table of participants"),
])
def test_a_file_that_is_plainly_no_report_is_refused_in_the_request(event, ana, start, data,
                                                                   message):
    with pytest.raises(parsers.ReportError, match=message):
        start(event, data, actor=ana)
    assert not ImportJob.objects.exists()


def test_the_head_check_reads_a_large_utf16_file_cut_mid_line():
    text = sample("teams").decode("utf-16")
    rows = text.splitlines()
    big = "\r\n".join(rows + rows[-1:] * 3000).encode("utf-16")
    assert len(big) > parsers.HEAD_BYTES
    parsers.check_head(big[:parsers.HEAD_BYTES], len(big))  # raises nothing
    utf8 = big_zoom_report(3000).replace(b"Person", "Žydrūnė".encode())
    for cut in range(parsers.HEAD_BYTES - 3, parsers.HEAD_BYTES + 1):
        parsers.check_head(utf8[:cut], len(utf8))


def test_the_save_reports_its_progress_through_the_cache(event, start, monkeypatch):
    from aula.attendance import progress, queries

    seen = []
    write = progress.write_saving

    def spy(job_id, attempt, saved, total):
        write(job_id, attempt, saved, total)
        # As the job's page sees it from another process: the cache, not the open transaction.
        job = ImportJob.objects.get(pk=job_id)
        progress.attach([job])
        seen.append((job.state, job.saving["saved"], job.saving["total"], job.working))

    monkeypatch.setattr(progress, "write_saving", spy)
    monkeypatch.setattr(services, "SAVE_BATCH", 1000)
    job = start(event, big_zoom_report(2500))
    assert seen == [("running", 1000, 2500, True), ("running", 2000, 2500, True),
                    ("running", 2500, 2500, True)]
    assert job.state == State.DONE
    assert queries.import_job(event, job.pk).saving is None  # cleared once done


def test_a_long_save_keeps_its_job_alive(event, ana, start):
    from aula.attendance import progress, queries

    job = start(event, sample("webex"), actor=ana, run=False)
    ImportJob.objects.filter(pk=job.pk).update(
        state=State.RUNNING, heartbeat_at=timezone.now() - ImportJob.LEASE - timedelta(1))
    progress.write_saving(job.pk, job.attempt, 1000, 5000)  # the transaction is saving
    job = queries.import_job(event, job.pk)
    assert job.working and not job.lost and not job.can_retry
    with pytest.raises(ActionRefused, match="still running"):
        jobs.retry(job, actor=ana)
    progress.write_saving(job.pk, job.attempt - 1, 1000, 5000)  # an older attempt's: ignored
    assert queries.import_job(event, job.pk).lost
