"""Records kept only briefly (``aula.core.housekeeping``): login records, expired sessions,
finished task results, each purged across its dates."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django_tasks_db.models import DBTaskResult

from aula.core import housekeeping

pytestmark = pytest.mark.django_db

THEN = datetime(2025, 3, 1, 12, tzinfo=UTC)


def _login_records():
    """One of each kind of axes record, at ``THEN``."""
    person = {"ip_address": "203.0.113.7", "username": "ana", "user_agent": "Firefox",
              "path_info": "/en/console/login/"}
    AccessAttempt.objects.create(**person, get_data="", post_data="", failures_since_start=1,
                                 http_accept="*/*")
    AccessFailureLog.objects.create(**person, http_accept="*/*")
    AccessLog.objects.create(**person, http_accept="*/*")
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.update(attempt_time=THEN)


def test_login_records_stay_for_the_period_then_go(settings):
    _login_records()
    with time_machine.travel(THEN + timedelta(days=90) - timedelta(seconds=1), tick=False):
        assert housekeeping.purge_login_records() == 0
    with time_machine.travel(THEN + timedelta(days=90, seconds=1), tick=False):
        assert housekeeping.purge_login_records() == 3
    assert not AccessAttempt.objects.exists()
    assert not AccessFailureLog.objects.exists() and not AccessLog.objects.exists()
    settings.AULA_RETENTION_LOGIN_RECORDS_DAYS = 7
    _login_records()
    with time_machine.travel(THEN + timedelta(days=7, seconds=1), tick=False):
        assert housekeeping.purge_login_records() == 3


def test_expired_sessions_go_live_ones_stay():
    with time_machine.travel(THEN, tick=False):
        short = SessionStore()
        short["n"] = 1
        short.set_expiry(3600)
        short.create()
        long = SessionStore()
        long["n"] = 2
        long.set_expiry(86400)
        long.create()
    with time_machine.travel(THEN + timedelta(hours=2), tick=False):
        housekeeping.clear_expired_sessions()
    assert list(Session.objects.values_list("session_key", flat=True)) == [long.session_key]
    with time_machine.travel(THEN + timedelta(days=2), tick=False):
        housekeeping.clear_expired_sessions()
    assert not Session.objects.exists()


def _task(finished_at):
    return DBTaskResult.objects.create(
        status="SUCCESSFUL" if finished_at else "READY", enqueued_at=THEN, run_after=THEN,
        finished_at=finished_at, args_kwargs={"args": [], "kwargs": {}},
        task_path="aula.messaging.tasks.tick", backend_name="default",
        exception_class_path="", traceback="",
    )


def test_finished_task_results_go_after_the_period_waiting_ones_never(settings):
    done = _task(THEN)
    waiting = _task(None)
    with time_machine.travel(THEN + timedelta(days=14) - timedelta(seconds=1), tick=False):
        assert housekeeping.purge_task_results() == 0
    with time_machine.travel(THEN + timedelta(days=14, seconds=1), tick=False):
        assert housekeeping.purge_task_results() == 1
    assert list(DBTaskResult.objects.values_list("pk", flat=True)) == [waiting.pk]
    assert not DBTaskResult.objects.filter(pk=done.pk).exists()
    settings.AULA_RETENTION_TASK_RESULTS_DAYS = 1
    _task(THEN)
    with time_machine.travel(THEN + timedelta(days=1, seconds=1), tick=False):
        assert housekeeping.purge_task_results() == 1
