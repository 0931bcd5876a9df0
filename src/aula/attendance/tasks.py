"""Background task of attendance imports; the rules are in ``jobs`` and ``services``."""

from django_tasks import task

from aula.attendance import jobs


@task()
def import_attendance(job_id: int, attempt: int) -> str:
    """Read and import an uploaded report (``jobs.start_import`` enqueues it)."""
    return jobs.run(job_id, attempt)
