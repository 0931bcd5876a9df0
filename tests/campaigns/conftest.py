import pytest


@pytest.fixture(autouse=True)
def _sender(settings):
    settings.DEFAULT_FROM_EMAIL = "Aula <noreply@aula.example>"


@pytest.fixture
def no_worker(settings):
    """A task queue that only records: nothing is queued or delivered until the test says so."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import task_backends

    return task_backends["default"]


@pytest.fixture
def real_sending(settings):
    """Through Django's mail connection (locmem)."""
    settings.AULA_MAIL_VIEWER = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return settings
