"""Importing a report in the background, so that a large file never holds a web worker.

The request (``start_import``) runs only the cheap checks (size, a spreadsheet, the encoding,
a table of participants in the first ``parsers.HEAD_BYTES``), stores the file in the private
storage (``STORAGES["private_uploads"]``: personal data, never under ``/media/``), writes an
``ImportJob`` and enqueues ``tasks.import_attendance``. The task (``run``) reads the file,
writing its progress on the job every ``parsers.PROGRESS_EVERY`` rows, then imports it through
``services.import_read_report``: the same rules, the same transaction and audit entry as an
import in the request.

The rule on a report's times stays in ``services`` alone: when it refuses (``TimesMismatch``)
the job stops in "needs confirmation", keeping the file, and the organiser's ``confirm``
queues it again with ``override_times``, which the batch and the log record as before.

A job belongs to one attempt: ``confirm`` and ``retry`` raise ``attempt``, and a task of an
earlier attempt (a worker that came back to life) changes nothing. A job queued or running
whose heartbeat is older than ``ImportJob.LEASE`` has lost its worker: it is shown as failed
and may be retried. The file is deleted once the import is done, failed for good or discarded;
``purge_uploads`` (each scheduler tick) deletes what a dead process left behind.
"""

import hashlib
import logging
import uuid
from datetime import timedelta

from django.core.files.storage import storages
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aula.attendance import parsers, progress, services
from aula.attendance.models import ImportJob
from aula.audit import services as audit
from aula.core.errors import ActionRefused
from aula.events.lifecycle import require_after_seminar

logger = logging.getLogger(__name__)
State = ImportJob.State

UPLOAD_DIR = "attendance"
# An unfinished job's file is kept this long (for a decision or a retry), then deleted.
KEEP_UNFINISHED = timedelta(days=1)

STARTED = audit.action("attendance.import_started",
                       gettext_lazy("Started importing an attendance report"))
CONFIRMED = audit.action("attendance.import_confirmed", gettext_lazy(
    "Chose to import an attendance report whose times do not match the event"))
RETRIED = audit.action("attendance.import_retried",
                       gettext_lazy("Started an attendance import again"))
DISCARDED = audit.action("attendance.import_discarded",
                         gettext_lazy("Discarded an attendance import"))


def upload_storage():
    return storages["private_uploads"]


def start_import(event, upload, *, actor, time_zone: str, date_order: str = "auto",
                 replace: bool = True, source: str = "auto",
                 override_times: bool = False) -> ImportJob:
    """Check the upload cheaply, store it privately and queue its import. Raises ReportError
    (a file that is plainly no report) or ActionRefused (the event takes no attendance now),
    storing nothing."""
    require_after_seminar(event)
    head = upload.read(parsers.HEAD_BYTES)
    upload.seek(0)
    parsers.check_head(head, upload.size)
    stored = upload_storage().save(f"{UPLOAD_DIR}/{uuid.uuid4().hex}.upload", upload)
    try:
        with transaction.atomic():
            job = ImportJob.objects.create(
                event=event, filename=(upload.name or "")[:255], stored_name=stored,
                size=upload.size, time_zone=time_zone, date_order=date_order, source=source,
                replace=replace, override_times=override_times, started_by=actor,
                heartbeat_at=timezone.now(),
            )
            audit.record(actor, STARTED, job, event=event, label=job.filename, data={
                "size": upload.size, "source": source, "date_order": date_order,
                "time_zone": time_zone, "replace": replace, "override_times": override_times,
            })
            _enqueue_on_commit(job)
    except BaseException:
        upload_storage().delete(stored)
        raise
    return job


def _enqueue_on_commit(job: ImportJob) -> None:
    from aula.attendance.tasks import import_attendance

    job_id, attempt = job.pk, job.attempt
    transaction.on_commit(lambda: import_attendance.enqueue(job_id, attempt), robust=True)


# --- the task ------------------------------------------------------------------------------

class _Superseded(Exception):
    """The job was retried or discarded while this task ran: its work is not wanted."""


def run(job_id: int, attempt: int) -> str:
    """Read and import the job's file (the task's body). Returns the state it left the job in,
    or "skipped" when the job is not this attempt's to run."""
    job = _claim(job_id, attempt)
    if job is None:
        return "skipped"
    try:
        data = upload_storage().open(job.stored_name).read()
        report = services.read_report(
            job.event, data, time_zone=job.time_zone, date_order=job.date_order,
            source=job.source,
            progress=lambda read, total: record_progress(job, read, total),
        )
        _import(job, report, hashlib.sha256(data).hexdigest())
    except _Superseded:
        return "skipped"
    except services.TimesMismatch as refusal:
        # The organiser decides: the file stays until they import it knowingly or discard it.
        _finish(job, State.NEEDS_CONFIRMATION, error=str(refusal),
                report_starts_at=refusal.starts_at, report_ends_at=refusal.ends_at)
        return State.NEEDS_CONFIRMATION
    except (parsers.ReportError, ActionRefused) as refusal:
        if _finish(job, State.FAILED, error=str(refusal)):
            delete_upload(job)
        return State.FAILED
    except Exception:
        # Kept for a retry (the purge deletes it later): the error may not be the file's.
        logger.exception("attendance import job %s failed", job_id)
        _finish(job, State.FAILED, error=_(
            "The import stopped on an unexpected error; nothing was imported. Try again; if it "
            "fails again, tell the administrator."
        ))
        return State.FAILED
    progress.clear(job.pk)
    delete_upload(job)
    return State.DONE


def _claim(job_id: int, attempt: int) -> ImportJob | None:
    claimed = ImportJob.objects.filter(
        pk=job_id, attempt=attempt, state=State.QUEUED
    ).exclude(stored_name="").update(
        state=State.RUNNING, heartbeat_at=timezone.now(), rows_read=0, rows_total=None,
        error="",
    )
    if not claimed:
        return None
    return ImportJob.objects.select_related(
        "event", "started_by", "confirmed_by"
    ).get(pk=job_id)


def _running(job: ImportJob):
    return ImportJob.objects.filter(pk=job.pk, attempt=job.attempt, state=State.RUNNING)


def record_progress(job: ImportJob, rows_read: int, rows_total: int) -> None:
    """Rows read of the total, and a heartbeat; in its own little write, seen at once."""
    if not _running(job).update(rows_read=rows_read, rows_total=rows_total,
                                heartbeat_at=timezone.now()):
        raise _Superseded


def _import(job: ImportJob, report, sha256: str) -> None:
    actor = job.confirmed_by or job.started_by
    with transaction.atomic():
        # Locked, so that a retry or a discard cannot slip in between the check and the end.
        if not _running(job).select_for_update().exists():
            raise _Superseded
        batch = services.import_read_report(
            job.event, job.filename, report, sha256, actor=actor, replace=job.replace,
            override_times=job.override_times,
            progress=lambda saved, total: progress.write_saving(job.pk, job.attempt, saved,
                                                                total),
        )
        matched = batch.records.filter(registration__isnull=False).count()
        _running(job).update(
            state=State.DONE, batch=batch, heartbeat_at=timezone.now(), people=batch.people,
            matched=matched, unmatched=batch.people - matched, skipped=len(batch.skipped),
            rows_read=F("rows_total"),  # every row of data, those skipped included
            report_starts_at=batch.report_starts_at, report_ends_at=batch.report_ends_at,
        )


def _finish(job: ImportJob, state: str, **fields) -> bool:
    return bool(_running(job).update(state=state, heartbeat_at=timezone.now(), **fields))


def delete_upload(job: ImportJob) -> None:
    """The uploaded file goes (personal data); the job keeps its counts."""
    if job.stored_name:
        upload_storage().delete(job.stored_name)
        ImportJob.objects.filter(pk=job.pk, stored_name=job.stored_name).update(stored_name="")
        job.stored_name = ""


# --- the organiser's decisions -------------------------------------------------------------

def _requeue(job: ImportJob, allowed: Q, refusal: str, **fields) -> ImportJob:
    updated = ImportJob.objects.filter(allowed, pk=job.pk, event_id=job.event_id).exclude(
        stored_name=""
    ).update(state=State.QUEUED, attempt=F("attempt") + 1, heartbeat_at=timezone.now(),
             error="", rows_read=0, rows_total=None, **fields)
    if not updated:
        raise ActionRefused(refusal)
    job.refresh_from_db()
    return job


def confirm(job: ImportJob, *, actor) -> ImportJob:
    """Import a report knowingly although its times do not match the event's."""
    require_after_seminar(job.event)
    with transaction.atomic():
        job = _requeue(
            job, Q(state=State.NEEDS_CONFIRMATION),
            _("This import is no longer waiting for your decision."),
            override_times=True, confirmed_by=actor,
        )
        audit.record(actor, CONFIRMED, job, event=job.event, label=job.filename, data={
            "report_starts_at": job.report_starts_at, "report_ends_at": job.report_ends_at,
        })
        _enqueue_on_commit(job)
    return job


def _retryable(now) -> Q:
    return Q(state=State.FAILED) | Q(
        state__in=ImportJob.WORKING, heartbeat_at__lt=now - ImportJob.LEASE
    )


def _retry_refusal() -> str:
    return _("This import cannot be started again: it is still running, or its file is gone "
             "(upload it again).")


def retry(job: ImportJob, *, actor) -> ImportJob:
    """Queue a failed import again, or one whose worker was lost (its lease ran out)."""
    require_after_seminar(job.event)
    job.refresh_from_db()
    progress.attach([job])
    if job.working:  # saving in a long transaction: alive, though its row looks old
        raise ActionRefused(_retry_refusal())
    with transaction.atomic():
        job = _requeue(job, _retryable(timezone.now()), _retry_refusal())
        audit.record(actor, RETRIED, job, event=job.event, label=job.filename,
                     data={"attempt": job.attempt})
        _enqueue_on_commit(job)
    return job


def discard(job: ImportJob, *, actor) -> ImportJob:
    """Give up an import that waits for a decision, failed or lost its worker: its file goes."""
    with transaction.atomic():
        allowed = _retryable(timezone.now()) | Q(state=State.NEEDS_CONFIRMATION)
        updated = ImportJob.objects.filter(allowed, pk=job.pk).update(
            state=State.DISCARDED, attempt=F("attempt") + 1, heartbeat_at=timezone.now()
        )
        if not updated:
            raise ActionRefused(_("This import cannot be discarded now."))
        job.refresh_from_db()
        audit.record(actor, DISCARDED, job, event=job.event, label=job.filename)
        transaction.on_commit(lambda: delete_upload(job), robust=True)
    return job


# --- housekeeping --------------------------------------------------------------------------

def purge_uploads() -> int:
    """Delete the files that no import needs any more: of jobs done or discarded (a process
    that died before deleting), and of unfinished jobs older than ``KEEP_UNFINISHED``, which
    then fail. Safe to run twice at once. Returns the number of files deleted."""
    old = timezone.now() - KEEP_UNFINISHED
    ImportJob.objects.filter(
        state__in=[*ImportJob.WORKING, State.NEEDS_CONFIRMATION], heartbeat_at__lt=old
    ).update(state=State.FAILED, attempt=F("attempt") + 1, error=_(
        "The import was not finished in time and its file was deleted: upload it again."
    ))
    jobs = ImportJob.objects.exclude(stored_name="").filter(
        Q(state__in=[State.DONE, State.DISCARDED]) | Q(state=State.FAILED, heartbeat_at__lt=old)
    )
    deleted = 0
    for job in jobs.only("pk", "stored_name"):
        delete_upload(job)
        deleted += 1
    return deleted + _purge_orphans(old)


def _purge_orphans(older_than) -> int:
    """Files no job names (its event was deleted, or its row never written), once old."""
    storage = upload_storage()
    if not storage.exists(UPLOAD_DIR):
        return 0
    names = {f"{UPLOAD_DIR}/{name}" for name in storage.listdir(UPLOAD_DIR)[1]}
    known = set(ImportJob.objects.filter(stored_name__in=names)
                .values_list("stored_name", flat=True))
    deleted = 0
    for name in names - known:
        if storage.get_modified_time(name) < older_than:
            storage.delete(name)
            deleted += 1
    return deleted
