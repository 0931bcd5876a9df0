"""The public pages' cache on Redis (Aula's cache whenever ``AULA_REDIS_URL`` is set): the
pages and their content versions live in Redis, where every web process sees them, and a change
of the content is seen on the next request whatever connection asks. The same across two real
web processes: tests/scale/test_two_servers.py."""

import pytest
import redis
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from aula.core import pagecache
from aula.registrations import services
from tests.factories import make_event
from tests.registrations.factories import person
from tests.tasks.queues import redis_cache

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def store(redis_url):
    """Aula's cache on the test Redis; yields a plain client of that Redis to look inside."""
    client = redis.Redis.from_url(redis_url)
    with override_settings(CACHES=redis_cache(redis_url)):
        yield client
    client.close()


def another_process(url):
    """Fresh cache connections, sharing nothing with this process's but the Redis server."""
    return override_settings(CACHES=redis_cache(url))


def page_keys(client) -> set[bytes]:
    return set(client.keys("aula:*:aula:page:*"))


def event_url(event):
    with translation.override("en"):
        return reverse("events:event", kwargs={"project": event.project.slug,
                                               "event": event.slug})


def test_the_event_page_cached_in_redis_is_fresh_after_a_change(client, store, redis_url):
    event = make_event(capacity=3, title={"en": "Seminar on heritage"})
    url = event_url(event)
    first = client.get(url)
    assert "Seminar on heritage" in first.content.decode()
    assert "3 places left." in first.content.decode()
    (cached,) = page_keys(store)
    version = pagecache.versions(event.project.slug)

    # Another web process finds the page (and the places left, live) in Redis.
    services.register(event, person(1))
    with another_process(redis_url):
        assert pagecache.versions(event.project.slug) == version
        again = client.get(url).content.decode()
    assert "Seminar on heritage" in again and "2 places left." in again
    assert page_keys(store) == {cached}

    # The organiser renames the seminar (in this process): every process sees the new title.
    event.title = {"en": "Seminar on living heritage"}
    event.save()
    with another_process(redis_url):
        assert pagecache.versions(event.project.slug) != version
        renamed = client.get(url).content.decode()
    assert "Seminar on living heritage" in renamed
    assert "Seminar on living heritage" in client.get(url).content.decode()
    assert len(page_keys(store)) == 2  # the old entry is never read again and expires
    assert 0 < store.ttl(next(iter(page_keys(store)))) <= pagecache.page_seconds() + 1


def test_the_task_queue_shares_the_caches_redis_client(redis_url):
    """RQ enqueues on the cache's client (``aula.core.rediscache``): the same connection pool,
    so a web process that enqueues many tasks opens no connection per task."""
    import django_rq
    from django.core.cache import cache

    from tests.tasks.queues import rq_settings

    with override_settings(**rq_settings(redis_url)):
        connection = django_rq.get_connection("default")
        assert connection is cache._client
        assert django_rq.get_queue("default").connection is connection
        connection.ping()
        cache.set("aula-test-shared", 1)
        created = connection.connection_pool._created_connections
        for _ in range(5):
            django_rq.get_queue("default").connection.ping()
            cache.get("aula-test-shared")
        assert connection.connection_pool._created_connections == created
        assert connection.connection_pool.connection_kwargs["db"] == redis.Redis.from_url(
            redis_url).connection_pool.connection_kwargs["db"]
