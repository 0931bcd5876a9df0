"""The SQLite writers' turn (``aula.core.sqlite_writers``): a file lock beside the database,
held around a registration's outermost transaction, excluding other processes and threads;
nothing for PostgreSQL, an in-memory database, a nested transaction, or with the switch off.
(The same registrations with and without it: tests/registrations/test_concurrency.py.)"""

import fcntl
import os
import threading

import pytest
from django.db import connection, transaction

from aula.core import sqlite_writers

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")


def others_can_lock(path) -> bool:
    """Whether another open file (as another process or thread would have) gets the lock."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return True
    finally:
        os.close(fd)


@pytest.fixture
def database_file(tmp_path, monkeypatch):
    name = tmp_path / "aula.sqlite3"
    monkeypatch.setitem(connection.settings_dict, "NAME", str(name))
    return tmp_path / "aula.sqlite3.writers.lock"


def test_the_turn_is_held_inside_and_released_after(database_file):
    with sqlite_writers.writer_turn():
        assert not others_can_lock(database_file)
    assert others_can_lock(database_file)


def test_the_turn_is_released_when_the_transaction_fails(database_file):
    with pytest.raises(ZeroDivisionError), sqlite_writers.writer_turn():
        1 / 0  # noqa: B018
    assert others_can_lock(database_file)


def test_another_thread_waits_for_its_turn(database_file):
    order = []
    with sqlite_writers.writer_turn():
        def other():
            with sqlite_writers.writer_turn():
                order.append("other")

        thread = threading.Thread(target=other)
        thread.start()
        thread.join(0.3)
        assert thread.is_alive()  # waiting
        order.append("first")
    thread.join(5)
    assert order == ["first", "other"]


@pytest.mark.django_db
def test_nothing_inside_a_transaction_or_when_switched_off(database_file, settings):
    with transaction.atomic(), sqlite_writers.writer_turn():
        assert others_can_lock(database_file)
    settings.AULA_SQLITE_WRITER_LOCK = False
    with sqlite_writers.writer_turn():
        assert others_can_lock(database_file)


def test_nothing_for_an_in_memory_database():
    assert sqlite_writers._lock_file(":memory:") is None
    assert sqlite_writers._lock_file("file:memorydb_default?mode=memory&cache=shared") is None
