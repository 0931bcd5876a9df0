"""The database queue's task worker (django-tasks-db's ``db_worker``) that survives a lost
database connection.

The library's worker leaves its loop on any database error other than a locked SQLite file:
a PostgreSQL restart, a fail-over or a connection killed by an administrator stopped it until
someone started it again. This worker closes the broken connection, waits a moment and goes on
with a fresh one. A task that was running when its connection died is recorded as failed on the
fresh connection (it is not left "running" for ever); the outbox sends its messages again on its
own schedule. ``manage.py start`` runs this command; it accepts every option of ``db_worker``.
"""

import logging
import time

from django.db import connections
from django.db.utils import InterfaceError, OperationalError
from django_tasks_db.management.commands import db_worker

logger = logging.getLogger("aula.messaging.worker")

CONNECTION_ERRORS = (OperationalError, InterfaceError)


def close_all_connections() -> None:
    """Drop every database connection of this process; the next query opens a new one."""
    for connection in connections.all(initialized_only=True):
        try:
            connection.close()
        except Exception:  # noqa: BLE001 - a dead connection may fail to close; it is gone anyway
            logger.debug("Closing a broken connection failed", exc_info=True)


class ResilientWorker(db_worker.Worker):
    """``db_worker``'s worker, kept alive across lost database connections."""

    #: seconds to wait after a lost connection before trying again (doubling up to the maximum)
    retry_delay = 1.0
    max_retry_delay = 30.0

    def run(self) -> None:
        delay, last_loss = self.retry_delay, None
        while self.running:
            try:
                super().run()
                return  # batch mode or --max-tasks: the library's worker finished on its own
            except CONNECTION_ERRORS:
                if not self.running:
                    return
                now = time.monotonic()
                if last_loss is not None and now - last_loss > 60:
                    delay = self.retry_delay  # the last loss was long ago: start again at 1 s
                last_loss = now
                logger.warning(
                    "Task worker %s lost its database connection; reconnecting in %.0f s",
                    self.worker_id, delay, exc_info=True,
                )
                close_all_connections()
                time.sleep(delay)
                delay = min(delay * 2, self.max_retry_delay)
                self.startup_delay = False

    def run_task(self, db_task_result) -> None:
        try:
            super().run_task(db_task_result)
        except CONNECTION_ERRORS as error:
            # The task's outcome could not be written: the connection died during the task or
            # while recording it. Record the failure on a fresh connection, so that the task
            # does not stay claimed and "running" for ever.
            logger.warning(
                "Task %s lost its database connection; recording it as failed",
                db_task_result.id, exc_info=True,
            )
            close_all_connections()
            db_task_result.set_failed(error)


class Command(db_worker.Command):
    help = (
        "Run the database queue's task worker (db_worker) that reconnects after a lost "
        "database connection instead of exiting."
    )

    def handle(self, *args, **options):
        original = db_worker.Worker
        db_worker.Worker = ResilientWorker
        try:
            return super().handle(*args, **options)
        finally:
            db_worker.Worker = original
