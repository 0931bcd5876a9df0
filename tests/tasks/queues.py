"""Aula's task queues as deployed, run in this process: the database queue (django-tasks-db)
worked by its own ``db_worker`` command in batch mode, and RQ on a real Redis worked by an RQ
``SimpleWorker`` in burst mode. Both stop once no task is left, so a test runs "the worker" at
the point it chooses and then looks at what happened."""

import logging
import signal
from contextlib import contextmanager
from io import StringIO

from django.core.management import call_command
from django_tasks import TaskResult, TaskResultStatus
from django_tasks.signals import task_enqueued

from aula.config import redis_cache, rq_queues

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
RQ_TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}


def rq_settings(url: str) -> dict:
    """The settings Aula uses with ``AULA_REDIS_URL`` (see aula/settings.py), on ``url``."""
    return {"TASKS": RQ_TASKS, "RQ_QUEUES": rq_queues(), "CACHES": redis_cache(url)}


@contextmanager
def worker_state_kept(*logger_names):
    """Workers install their own signal handlers (and the db_worker its log levels): put this
    process's back afterwards, so that Ctrl-C still stops pytest."""
    signals = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]
    handlers = {number: signal.getsignal(number) for number in signals}
    loggers = [logging.getLogger(name) for name in logger_names]
    levels = [logger.level for logger in loggers]
    try:
        yield
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


class Queue:
    """Records every task enqueued while it is active; ``run()`` works the queue until empty."""

    name = ""
    backend = ""  # the class name of the backend it works

    def __init__(self):
        self.enqueued: list[TaskResult] = []

    def start(self):
        task_enqueued.connect(self._record, dispatch_uid=f"tests.tasks.{id(self)}")

    def stop(self):
        task_enqueued.disconnect(dispatch_uid=f"tests.tasks.{id(self)}")

    def _record(self, sender, task_result, **kwargs):
        self.enqueued.append(task_result)

    def run(self) -> None:
        raise NotImplementedError

    def results(self, path: str = "") -> list[TaskResult]:
        """Every recorded task (of ``path``, e.g. "aula.messaging.tasks.deliver_outbox"), as
        the queue's store has it now."""
        found = []
        for result in self.enqueued:
            if path and result.task.module_path != path:
                continue
            result.refresh()
            found.append(result)
        return found

    def finished(self, path: str = "") -> list[TaskResult]:
        """Like ``results``, asserting that none is still waiting or running."""
        found = self.results(path)
        waiting = [r for r in found if r.status in (TaskResultStatus.READY,
                                                    TaskResultStatus.RUNNING)]
        assert not waiting, f"{self.name}: tasks left unrun: {waiting}"
        assert all(result.worker_ids for result in found), "a result without its worker"
        return found


class DatabaseQueue(Queue):
    name = "database"
    backend = "DatabaseBackend"

    def run(self) -> None:
        """``manage.py db_worker --batch``: every task that is ready, then exit."""
        with worker_state_kept("django_tasks", "django_tasks_db"):
            call_command(
                "db_worker", batch=True, interval=0, startup_delay=False, reload=False,
                worker_id="aula-tests", verbosity=0, stdout=StringIO(),
            )


class RQQueue(Queue):
    name = "rq"
    backend = "RQBackend"

    def run(self) -> None:
        """``rqworker --burst`` with django-tasks-rq's job class, without forking (so the
        e-mails land in this process's locmem outbox)."""
        import django_rq
        from rq import SimpleWorker

        worker = django_rq.get_worker(
            "default", job_class="django_tasks_rq.Job", worker_class=SimpleWorker
        )
        with worker_state_kept():
            worker.work(burst=True, logging_level="WARNING")
