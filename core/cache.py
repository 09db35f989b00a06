"""Django's Redis cache, for a cache that may go away: keeping its redis-py clients instead of
building one per call, and answering like an empty cache while Redis can't be reached."""

import logging
import time

from django.core.cache.backends import redis
from django.core.cache.backends.locmem import LocMemCache
from redis.exceptions import RedisError

log = logging.getLogger("core.cache")


class RedisCacheClient(redis.RedisCacheClient):
    """Django builds a new `redis.Redis` for every get or set, and building one (it copies some
    170 response callbacks) took longer than the round trip to Redis. A client is thread-safe
    and holds no connection of its own (its pool does), so one per pool is kept."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(redis.RedisCache):
    """While Redis is down, reads miss and writes are dropped, so pages are made uncached instead
    of failing; `incr` raises ValueError as for a missing key; /healthz reports the cache as
    unavailable.

    After a failure Redis is left alone for RETRY_AFTER seconds, so a Redis that stalls instead
    of refusing costs one timeout (settings keep those short), not one per cache call."""

    RETRY_AFTER = 5.0

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
        self._down_until = 0.0

    def get(self, key, default=None, version=None):
        return self._or("get", default, key, default, version)

    def get_many(self, keys, version=None):
        return self._or("get_many", {}, keys, version)

    def set(self, key, value, timeout=redis.DEFAULT_TIMEOUT, version=None):
        self._or("set", None, key, value, timeout, version)

    def add(self, key, value, timeout=redis.DEFAULT_TIMEOUT, version=None):
        return self._or("add", False, key, value, timeout, version)

    def set_many(self, data, timeout=redis.DEFAULT_TIMEOUT, version=None):
        return self._or("set_many", [], data, timeout, version)

    def touch(self, key, timeout=redis.DEFAULT_TIMEOUT, version=None):
        return self._or("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._or("delete", False, key, version)

    def incr(self, key, delta=1, version=None):
        return self._or("incr", ValueError("the cache is unavailable"), key, delta, version)

    def _or(self, name, fallback, *args):
        """Redis's answer to `name(*args)`, or what `unavailable` gives while it is down."""
        if time.monotonic() < self._down_until:
            return self.unavailable(name, fallback, *args)
        try:
            return getattr(super(), name)(*args)
        except RedisError as error:
            log.warning("cache unavailable: %s", type(error).__name__)
            self._down_until = time.monotonic() + self.RETRY_AFTER
            return self.unavailable(name, fallback, *args)

    def unavailable(self, name, fallback, *args):
        if isinstance(fallback, Exception):
            raise fallback
        return fallback


class CountersCache(RedisCache):
    """For rate-limit counters: while Redis is down, each process counts on its own (local
    memory), so public forms stay open with a per-process limit instead of refusing everyone."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self.local = LocMemCache(f"counters-fallback-{id(self)}", {})

    def unavailable(self, name, fallback, *args):
        return getattr(self.local, name)(*args)

    def clear(self):
        self.local.clear()
        try:
            super().clear()
        except RedisError as error:
            log.warning("cache unavailable: %s", type(error).__name__)
