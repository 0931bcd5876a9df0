"""The task worker that ``manage.py start`` runs (``run_worker``) survives a lost database
connection: killed while a task runs or while it waits, it records the task as failed, opens a
new connection and works the next tasks. PostgreSQL only (a real backend to kill)."""

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from tests.messaging import worker_tasks
from tests.tasks.queues import DATABASE_TASKS

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("AULA_DATABASE_URL", "").startswith("postgres"),
        reason="needs PostgreSQL (AULA_DATABASE_URL) to kill a worker's connection",
    ),
]


def database_url() -> str:
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    return (f"postgres://{quote(db['USER'])}{password}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}")


def wait_for(condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.1)
    raise AssertionError(f"not within {timeout} s")


def other_backends(query_like="%") -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND backend_type = 'client backend' AND query LIKE %s",
            [query_like],
        )
        return [row[0] for row in cursor.fetchall()]


def terminate(pids) -> None:
    with connection.cursor() as cursor:
        for pid in pids:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])


def status(result) -> str:
    return DBTaskResult.objects.get(id=result.id).status


@pytest.fixture
def worker(tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith("AULA_")}
    env.update(
        DJANGO_SETTINGS_MODULE="aula.settings", AULA_VAR_DIR=str(tmp_path),
        AULA_DATABASE_URL=database_url(), AULA_SECRET_KEY="test-" + "x" * 50,
    )
    log = (tmp_path / "worker.log").open("wb")
    proc = subprocess.Popen(  # noqa: S603
        [sys.executable, str(ROOT / "manage.py"), "run_worker", "--no-reload",
         "--no-startup-delay", "--interval", "0.2"],
        env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
    )
    proc.log = tmp_path / "worker.log"
    try:
        with override_settings(TASKS=DATABASE_TASKS):
            yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def test_the_worker_goes_on_after_its_connection_is_killed_during_a_task(worker):
    held = worker_tasks.hold_connection.enqueue(60)
    backends = wait_for(lambda: other_backends("%pg_sleep%"))
    terminate(backends)

    # The task is recorded as failed (not left running for ever) and the worker lives on.
    wait_for(lambda: status(held) == "FAILED", timeout=20)
    assert worker.poll() is None, worker.log.read_text()
    done = worker_tasks.count_events.enqueue()
    wait_for(lambda: status(done) == "SUCCESSFUL", timeout=20)
    assert worker.poll() is None
    assert "lost its database connection" in worker.log.read_text()


def test_the_worker_goes_on_after_its_idle_connection_is_killed(worker):
    first = worker_tasks.count_events.enqueue()
    wait_for(lambda: status(first) == "SUCCESSFUL", timeout=20)
    for _ in range(3):  # kill it a few times, whatever the worker was doing
        terminate(wait_for(other_backends))
        time.sleep(0.5)
    assert worker.poll() is None, worker.log.read_text()
    again = worker_tasks.count_events.enqueue()
    wait_for(lambda: status(again) == "SUCCESSFUL", timeout=30)
    assert worker.poll() is None
