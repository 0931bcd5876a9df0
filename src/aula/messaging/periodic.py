"""Jobs the scheduler's tick runs besides outbox delivery.

Other apps register their timed work here from ``AppConfig.ready()`` (e.g. sending due reminders,
releasing expired holds), so messaging never imports them::

    from aula.messaging import periodic
    periodic.register(send_due_reminders)

A job takes no arguments. Ticks may overlap (several workers, a slow tick), so a job must be
safe to run twice at once: claim its rows in a transaction, as outbox delivery does.
"""

import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)

_jobs: dict[str, Callable[[], object]] = {}
# Jobs that need not run on every tick (housekeeping): at most once per this many seconds,
# across every process sharing the cache.
_every: dict[str, int] = {}


def job_name(func: Callable) -> str:
    return f"{func.__module__}.{func.__qualname__}"


def register(func: Callable[[], object], *, every: int | None = None) -> Callable[[], object]:
    """Add ``func`` to every tick (with ``every``: to a tick at most once per that many
    seconds); registering it again (a re-run ``ready()``) changes nothing. Usable as a
    decorator."""
    _jobs[job_name(func)] = func
    if every:
        _every[job_name(func)] = every
    else:
        _every.pop(job_name(func), None)
    return func


def unregister(func: Callable) -> None:
    _jobs.pop(job_name(func), None)
    _every.pop(job_name(func), None)


def registered() -> list[str]:
    return list(_jobs)


def run_all() -> dict[str, str]:
    """Run every registered job; one failing job does not keep the others from running."""
    outcome = {}
    for name, func in list(_jobs.items()):
        if not _due(name):
            outcome[name] = "skipped"
            continue
        try:
            func()
        except Exception:
            logger.exception("Periodic job %s failed", name)
            outcome[name] = "error"
        else:
            outcome[name] = "ok"
    return outcome


def _due(name: str) -> bool:
    """Is the job due on this tick? ``cache.add`` succeeds for one tick per period only."""
    every = _every.get(name)
    if not every:
        return True
    from django.core.cache import cache

    return cache.add(f"aula:periodic:{name}", 1, timeout=every)


def enqueue_tick(previous=None):
    """Enqueue the tick task unless the previous one is still waiting for a worker (a stopped
    worker must not come back to a pile of identical ticks). Returns the task result to pass
    as ``previous`` next time, or ``previous`` itself when nothing was enqueued."""
    from django_tasks import TaskResultStatus

    from aula.messaging.tasks import tick

    if previous is not None and tick.get_backend().supports_get_result:
        try:
            previous.refresh()
        except Exception:
            logger.warning("Could not look up the previous tick", exc_info=True)
        else:
            if previous.status == TaskResultStatus.READY:
                return previous
    return tick.enqueue()
