"""Registrations on SQLite take turns through a file lock before ``BEGIN IMMEDIATE`` (a speed
trick, kept here; docs/architecture.md, bench/README.md "Where the CPU goes").

Why: SQLite has one write lock, and a writer that finds it taken sleeps in SQLite's busy
handler in steps of 1, 2, 5, 10 … 100 ms before it looks again, however soon the lock frees.
Under a rush of registrations (three web processes writing, each holding the lock for a
millisecond or two) those sleeps left the cores idle and made the slowest answers ~200 ms. A
process waiting on ``flock`` is woken by the kernel the moment the lock is released. The lock
is per database file (``<database>.writers.lock`` beside it), taken only around a registration's
outermost transaction (``registrations.services.capacity.run_in_transaction``), released by
the kernel if the process dies; other writers (the task worker, the console) go on queueing in
SQLite as before, and never wait for this lock, so no cycle can form. The same transactions run
either way: ``tests/core/test_sqlite_writers.py`` registers concurrently with and without it.
Off with ``AULA_SQLITE_WRITER_LOCK=0``; nothing on PostgreSQL or an in-memory database.
"""

import contextlib
import fcntl
import os
import threading
from pathlib import Path

from django.conf import settings
from django.db import connection

# One open file per thread and database: flock excludes open files, so threads of one process
# (the test server, a threaded server) take turns too.
_local = threading.local()


def _lock_file(database: str) -> int | None:
    name = str(database)
    if not name or name == ":memory:" or name.startswith("file:") or "mode=memory" in name:
        return None
    files = _local.__dict__.setdefault("files", {})
    if name not in files:
        path = Path(name).with_name(Path(name).name + ".writers.lock")
        files[name] = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    return files[name]


@contextlib.contextmanager
def writer_turn():
    """Hold this process's turn among the database's registration writers, on SQLite."""
    if (
        connection.vendor != "sqlite"
        or connection.in_atomic_block
        or not getattr(settings, "AULA_SQLITE_WRITER_LOCK", True)
    ):
        yield
        return
    handle = _lock_file(connection.settings_dict["NAME"])
    if handle is None:
        yield
        return
    fcntl.flock(handle, fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)
