"""An attendance report imported by the real queue's worker: the request's job is enqueued,
the worker reads and imports the file, and the file is gone afterwards."""

from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tasks import TaskResultStatus

from aula.attendance import jobs
from aula.attendance.models import ImportBatch, ImportJob
from tests.attendance.helpers import register_cast, sample
from tests.factories import make_event, organiser

pytestmark = pytest.mark.django_db(transaction=True)
IMPORT = "aula.attendance.tasks.import_attendance"


def test_a_report_is_imported_by_the_worker(queue):
    event = make_event(time_zone="Europe/Berlin", starts_at=datetime(2021, 6, 15, 16, tzinfo=UTC))
    cast = register_cast(event)
    ana = organiser("ana", event.project)
    job = jobs.start_import(event, SimpleUploadedFile("teams.csv", sample("teams")), actor=ana,
                            time_zone="Europe/Berlin")
    [result] = queue.results(IMPORT)
    assert result.status == TaskResultStatus.READY
    job.refresh_from_db()
    assert job.state == ImportJob.State.QUEUED and jobs.upload_storage().exists(job.stored_name)
    name = job.stored_name

    queue.run()

    [result] = queue.finished(IMPORT)
    assert result.status == TaskResultStatus.SUCCESSFUL and result.return_value == "done"
    job.refresh_from_db()
    assert (job.state, job.rows_read, job.people, job.matched, job.unmatched) == (
        "done", 11, 9, 7, 2)
    batch = ImportBatch.objects.get()
    assert job.batch == batch and batch.imported_by == ana
    assert batch.records.filter(registration=cast["ivana"]).exists()
    assert job.stored_name == "" and not jobs.upload_storage().exists(name)
