import os
import signal
import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from aula.messaging import periodic, services, tasks
from aula.messaging.models import OutboxMessage
from tests.messaging.helpers import queue_many

calls = []


def job_ok():
    calls.append("ok")


def job_broken():
    raise RuntimeError("broken job")


@pytest.fixture
def jobs(monkeypatch):
    """Only this module's jobs: the apps' own (registrations registers some in ready()) are
    set aside for the test, and monkeypatch puts them back after it."""
    calls.clear()
    monkeypatch.setattr(periodic, "_jobs", {})
    periodic.register(job_broken)
    periodic.register(job_ok)
    periodic.register(job_ok)  # a second ready() changes nothing


def test_run_all_runs_every_job_once_even_when_one_fails(jobs):
    outcome = periodic.run_all()
    assert outcome == {
        "tests.messaging.test_scheduler.job_broken": "error",
        "tests.messaging.test_scheduler.job_ok": "ok",
    }
    assert calls == ["ok"]


@pytest.mark.django_db(transaction=True)
def test_tick_delivers_the_outbox_then_runs_the_jobs(jobs, no_worker):
    queue_many(2)
    result = tasks.tick.call()
    assert result["delivery"]["sent"] == 2
    assert result["jobs"]["tests.messaging.test_scheduler.job_ok"] == "ok"
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"sent"}


@pytest.mark.django_db(transaction=True)
def test_tick_runs_through_the_task_backend(jobs):
    result = tasks.tick.enqueue()  # the immediate backend of the tests
    assert result.status == "SUCCESSFUL"
    assert calls == ["ok"]


@pytest.mark.django_db(transaction=True)
def test_run_scheduler_enqueues_a_tick_each_round(jobs):
    out = StringIO()
    call_command("run_scheduler", interval=0, iterations=3, stdout=out)
    assert calls == ["ok"] * 3
    assert "stopped" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_run_scheduler_stops_cleanly_on_sigterm(monkeypatch):
    started = threading.Event()
    ticks = []

    def fake_enqueue(previous=None):
        ticks.append(1)
        started.set()
        return previous

    monkeypatch.setattr(periodic, "enqueue_tick", fake_enqueue)
    before = signal.getsignal(signal.SIGTERM)

    def terminate():
        started.wait(10)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=terminate).start()
    out = StringIO()
    call_command("run_scheduler", interval=0.05, stdout=out)
    assert ticks and "stopped" in out.getvalue()
    assert signal.getsignal(signal.SIGTERM) is before  # handlers restored


@pytest.mark.django_db(transaction=True)
def test_a_tick_still_waiting_for_a_worker_is_not_enqueued_again(settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    first = periodic.enqueue_tick()
    assert periodic.enqueue_tick(first) is first
    assert DBTaskResult.objects.count() == 1
    DBTaskResult.objects.update(status="SUCCESSFUL")
    second = periodic.enqueue_tick(first)
    assert second.id != first.id
    assert DBTaskResult.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_queued_email_is_enqueued_on_the_database_queue_after_commit(settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    with transaction.atomic():
        queue_many(3)
        assert DBTaskResult.objects.count() == 0
    (task,) = DBTaskResult.objects.all()
    assert task.task_path == "aula.messaging.tasks.deliver_outbox"


@pytest.mark.django_db
def test_deliver_outbox_command(settings):
    settings.AULA_MAIL_VIEWER = True
    queue_many(4)
    out = StringIO()
    call_command("deliver_outbox", stdout=out)
    assert "Sent 4" in out.getvalue()
    assert "0 queued" in out.getvalue()
    assert services.deliver_due().sent == 0

