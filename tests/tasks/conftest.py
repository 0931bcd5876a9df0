import pytest
from django.test import override_settings
from django_tasks import task_backends

from tests.mailserver import mail_server
from tests.tasks.queues import DATABASE_TASKS, DatabaseQueue, RQQueue, rq_settings


@pytest.fixture(params=["database", "rq"])
def queue(request, settings):
    """Aula's real task queue, once as the database queue and once as RQ on Redis (skipped, and
    reported as not run, without ``AULA_TEST_REDIS_URL``). E-mail goes through Django's mail
    connection (locmem unless a test starts an SMTP server), not the mail viewer."""
    settings.AULA_MAIL_VIEWER = False
    if request.param == "rq":
        overrides, found = rq_settings(request.getfixturevalue("redis_url")), RQQueue()
    else:
        overrides, found = {"TASKS": DATABASE_TASKS}, DatabaseQueue()
    # override_settings sends setting_changed: django_tasks and the cache drop their handlers.
    with override_settings(**overrides):
        backend = task_backends["default"]
        assert type(backend).__name__ == found.backend, backend  # not a cached other backend
        found.start()
        try:
            yield found
        finally:
            found.stop()


@pytest.fixture
def smtp(settings):
    """Mail to an SMTP server on 127.0.0.1 that is down until the test calls ``start(sink)``."""
    yield from mail_server(settings, timeout=10)
