"""Django's Redis cache, keeping its redis-py clients instead of building one per cache call."""

from django.core.cache.backends import redis


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
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
