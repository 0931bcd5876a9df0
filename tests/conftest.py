import pytest
from django.core.cache import cache

# These tests bound the SQL queries of *rendering* a public page, so they measure it with the
# page cache off; the cached path is measured in tests/core/test_pagecache.py.
RENDERING_QUERY_TESTS = {
    "tests/events/test_pages.py::test_event_page_queries_do_not_grow_with_the_agenda",
    "tests/events/test_pages.py::test_project_and_home_queries_do_not_grow_with_events",
    "tests/materials/test_materials.py::test_materials_cost_the_public_page_one_query",
}


@pytest.fixture(autouse=True, scope="session")
def _private_uploads_removed():
    """Uploads waiting for the worker live in a directory of this run's own (tests/settings.py);
    whatever a test left there goes at the end."""
    yield
    import shutil

    from django.conf import settings

    shutil.rmtree(settings.STORAGES["private_uploads"]["OPTIONS"]["location"],
                  ignore_errors=True)


@pytest.fixture(autouse=True)
def _english_by_default(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def _nobody_listens_to_webhooks():
    """Every test starts with no webhook endpoint, so the per-process set of listening projects
    starts empty (saving an endpoint refreshes it): the queries a test counts never depend on
    which test ran before (aula.webhooks.services, "cheap where nobody listens")."""
    from aula.webhooks import services

    services.assume_nobody_listens()


@pytest.fixture(autouse=True)
def _fresh_cache(request, settings):
    """No test sees another's cached pages, rate limits or throttles."""
    if request.node.nodeid.split("[")[0] in RENDERING_QUERY_TESTS:
        settings.AULA_PAGE_CACHE = False
    cache.clear()
    yield
    cache.clear()


# --- Outbox (tests/messaging, tests/campaigns) ------------------------------------------------


@pytest.fixture
def no_worker(settings):
    """A task queue that only records: nothing is queued or delivered until the test says so."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import task_backends

    return task_backends["default"]


@pytest.fixture
def render_in_worker(settings):
    """As in production: e-mails that can be are written "to render" and rendered by the
    delivery worker (tests/settings.py turns it off for the rest)."""
    settings.AULA_RENDER_EMAILS_IN_WORKER = True
    return settings


@pytest.fixture
def real_sending(settings):
    """Through Django's mail connection (locmem unless a test picks another backend), not the
    mail viewer."""
    settings.AULA_MAIL_VIEWER = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return settings


# --- Redis (tests/tasks, tests/scale) ---------------------------------------------------------

REDIS_NOT_RUN = (
    "Redis/RQ tests NOT RUN: set AULA_TEST_REDIS_URL (e.g. redis://127.0.0.1:6379/15, a "
    "database these tests flush) to run them"
)


@pytest.fixture
def redis_url():
    """The Redis of ``AULA_TEST_REDIS_URL``, its database flushed before and after the test; the
    test is skipped (reported as not run) when the variable is unset. A Redis that is set but
    not answering fails the test."""
    import os

    import redis

    url = os.environ.get("AULA_TEST_REDIS_URL", "")
    if not url:
        pytest.skip(REDIS_NOT_RUN)
    client = redis.Redis.from_url(url)
    client.flushdb()
    yield url
    client.flushdb()
    client.close()

