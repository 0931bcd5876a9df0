"""How far an import's transaction has got. The rows it saves are not seen in the database
until it commits, so the worker also writes its progress to the shared cache (the web servers
and the workers share it: files under the var dir, or Redis), where the job's page reads it.
A sign of life too: a long save does not make its job look lost."""

from django.core.cache import cache
from django.utils import timezone

# Longer than any save; the value is only read while its job is running.
TIMEOUT_SECONDS = 3600


def _key(job_id: int) -> str:
    return f"attendance:import-job:{job_id}"


def write_saving(job_id: int, attempt: int, saved: int, total: int) -> None:
    cache.set(_key(job_id), {"attempt": attempt, "saved": saved, "total": total,
                             "at": timezone.now()}, TIMEOUT_SECONDS)


def clear(job_id: int) -> None:
    cache.delete(_key(job_id))


def attach(jobs) -> None:
    """Give each running job its ``saving`` progress (or None) from the cache, and count its
    last write there as a heartbeat. One cache read for all."""
    running = [job for job in jobs if job.state == job.State.RUNNING]
    found = cache.get_many([_key(job.pk) for job in running]) if running else {}
    for job in jobs:
        value = found.get(_key(job.pk))
        job.saving = value if value and value.get("attempt") == job.attempt else None
        if job.saving and job.saving["at"] > job.heartbeat_at:
            job.heartbeat_at = job.saving["at"]
