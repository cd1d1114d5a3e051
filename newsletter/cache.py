"""The shared cache: Django's Redis backend, keeping one client per connection pool.

Django's backend builds a new `redis.Redis` for every cache call, and each one fills a
table of about 170 response handlers before it sends anything; the rate limits, the
confirmation ceiling and rendered emails ask the cache several times a request. A client
is safe to share between threads (its pool hands out the connections), so one is kept.
"""

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients.setdefault(pool, self._client(connection_pool=pool))
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
