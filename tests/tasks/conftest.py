import pytest
from aiosmtpd.controller import Controller
from django.test import override_settings
from django_tasks import task_backends

from tests.tasks.mailserver import free_port
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
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 10
    controllers = []

    def start(sink):
        controller = Controller(sink, hostname="127.0.0.1", port=port)
        controller.start()
        controllers.append(controller)
        return sink

    yield start
    for controller in controllers:
        controller.stop()
