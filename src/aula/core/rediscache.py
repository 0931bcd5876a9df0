"""Django's own Redis cache, whose client the RQ task queue shares.

django_rq opens the queue's Redis connection from ``RQ_QUEUES``: with a ``URL``, a new client
and connection pool on every ``get_queue`` — so every delivery task a web process enqueued
cost a new TCP connection, its handshake and RQ's ``INFO`` for the server's version
(bench/README.md, fourth session). With ``USE_REDIS_CACHE`` it takes the cache's ``_client``
instead (the hook it has for cache backends): here one client per cache object, on the cache's
own connection pool, so enqueues reuse the cache's connections and RQ reads the version once.
"""

from functools import cached_property

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache


class RedisCache(DjangoRedisCache):
    @cached_property
    def _client(self):
        """The Redis client RQ uses (django_rq's ``USE_REDIS_CACHE``), on this cache's pool."""
        return self._cache.get_client(write=True)
