"""Django's PostgreSQL backend, whose once-per-request health check of a kept connection costs
no round trip when the connection is quiet.

Django checks a connection kept between requests (``CONN_HEALTH_CHECKS``) with ``SELECT 1``
before the request's first query: one more round trip on every request that reads the
database — a registration's POST, the form's page, every console page. A connection the server
has ended (a restart, ``pg_terminate_backend``, an idle timeout) has something to read while
idle: the server's last message, or the end of the stream. A healthy idle connection has
nothing. So: open, idle and nothing to read — healthy, no statement; anything else — Django's
own ``SELECT 1`` decides, and a failed check reconnects as before. What neither check can see,
a server gone without a word, makes both wait alike on the next statement.

A speed trick in a module of its own (docs/architecture.md, "Speed tricks");
tests/core/test_pgbackend.py kills a backend and checks that the next request reconnects.
"""

import select

from django.db.backends.postgresql.base import DatabaseWrapper as PostgreSQLDatabaseWrapper
from psycopg.pq import TransactionStatus


class DatabaseWrapper(PostgreSQLDatabaseWrapper):
    def close_if_health_check_failed(self):
        if (
            self.connection is not None
            and self.health_check_enabled
            and not self.health_check_done
            and not self.pool
            and quiet(self.connection)
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()


def quiet(connection) -> bool:
    """Open, outside a transaction, and nothing from the server waiting to be read (nor the
    socket closed or in error): what a healthy kept connection looks like between requests."""
    if connection.closed or connection.info.transaction_status != TransactionStatus.IDLE:
        return False
    poller = select.poll()
    poller.register(connection.fileno(), select.POLLIN)
    return not poller.poll(0)
