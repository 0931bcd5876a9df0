"""The PostgreSQL backend's health check (``aula.core.pgbackend``): no statement for a quiet
kept connection, Django's ``SELECT 1`` and a new connection for one the server ended."""

import time

import psycopg
import pytest
from django.db import connection, connections

from aula.core.pgbackend import base

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL backend's health check: set AULA_DATABASE_URL to run it")
    assert isinstance(connections["default"], base.DatabaseWrapper)  # settings give it
    connection.ensure_connection()
    connection.health_check_enabled = True
    yield


def _sent(monkeypatch):
    """Every statement psycopg sends, Django's own health check's included."""
    sent = []
    real = psycopg.Cursor.execute

    def execute(self, query, *args, **kwargs):
        sent.append(str(query))
        return real(self, query, *args, **kwargs)

    monkeypatch.setattr(psycopg.Cursor, "execute", execute)
    return sent


def _pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_a_quiet_connection_is_checked_without_a_statement(monkeypatch):
    sent = _sent(monkeypatch)
    connection.health_check_done = False  # as at the start of each request
    connection.close_if_health_check_failed()
    assert connection.health_check_done and sent == []
    assert connection.connection is not None


def test_a_connection_the_server_ended_is_found_and_replaced(monkeypatch):
    pid = _pid()
    settings = connection.settings_dict
    with psycopg.connect(host=settings["HOST"], port=settings["PORT"] or 5432,
                         user=settings["USER"], dbname=settings["NAME"],
                         password=settings["PASSWORD"] or None, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    deadline = time.monotonic() + 5
    while base.quiet(connection.connection) and time.monotonic() < deadline:
        time.sleep(0.01)  # the server's goodbye arrives
    sent = _sent(monkeypatch)
    connection.health_check_done = False
    connection.close_if_health_check_failed()
    assert sent == ["SELECT 1"]  # not quiet: Django's own check decided, and it failed
    assert _pid() != pid  # the next statement ran on a new connection


def test_the_same_answers_with_and_without_the_check(client, monkeypatch):
    from tests.factories import make_event

    event = make_event()
    path = f"/en/p/{event.project.slug}/{event.slug}/"
    pages = []
    for quiet in (base.quiet, lambda connection: False):  # with the trick, then Django's own
        monkeypatch.setattr(base, "quiet", quiet)
        connection.health_check_done = False
        response = client.get(path)
        pages.append((response.status_code, response.content))
    assert pages[0] == pages[1] and pages[0][0] == 200
