"""Records kept only briefly, purged by the scheduler's tick (registered in ``CoreConfig``):
failed and successful login records (django-axes), expired sessions, finished task results.
Each has its own setting, in days (docs/deploy.md); each purge is one indexed DELETE, safe to
run twice at once.
"""

from datetime import datetime, timedelta
from importlib import import_module

from django.conf import settings
from django.utils import timezone

# Defaults, overridable by the AULA_RETENTION_* settings of the same names.
LOGIN_RECORDS_DAYS = 90
TASK_RESULTS_DAYS = 14


def days(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def purge_login_records(now: datetime | None = None) -> int:
    """Login attempts, failures and logins (addresses, user names, browsers) older than
    ``AULA_RETENTION_LOGIN_RECORDS_DAYS``: long past any lockout, kept a while for security
    review."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    cutoff = (now or timezone.now()) - timedelta(
        days=days("AULA_RETENTION_LOGIN_RECORDS_DAYS", LOGIN_RECORDS_DAYS)
    )
    deleted = 0
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        deleted += model.objects.filter(attempt_time__lt=cutoff).delete()[0]
    return deleted


def clear_expired_sessions() -> None:
    """Sessions past their expiry, by the session engine's own ``clear_expired`` (what
    ``manage.py clearsessions`` runs)."""
    engine = import_module(settings.SESSION_ENGINE)
    engine.SessionStore.clear_expired()


def purge_task_results(now: datetime | None = None) -> int:
    """Results of finished background tasks (database queue) older than
    ``AULA_RETENTION_TASK_RESULTS_DAYS``; waiting and running ones stay."""
    from django_tasks_db.models import DBTaskResult

    cutoff = (now or timezone.now()) - timedelta(
        days=days("AULA_RETENTION_TASK_RESULTS_DAYS", TASK_RESULTS_DAYS)
    )
    return DBTaskResult.objects.filter(finished_at__lt=cutoff).delete()[0]
