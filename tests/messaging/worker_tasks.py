"""Tasks for the task worker's tests, run by a real ``run_worker`` process."""

from django.db import connection
from django_tasks import task


@task
def hold_connection(seconds: float) -> None:
    """Keep the worker's database connection busy (a test kills it meanwhile)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(%s)", [seconds])


@task
def count_events() -> int:
    """A task that needs the database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM events_event")
        return cursor.fetchone()[0]
