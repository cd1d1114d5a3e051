"""One send rate per ESP account, shared by every worker on every machine through Redis."""

import time
from collections.abc import Iterator
from functools import cache

import redis
from django.conf import settings

from ..observability import counters

# Reserve `n` slots on a virtual schedule kept in Redis (the generic cell rate algorithm):
# each slot is 1/rate seconds long, and the reply is how long the caller must wait before
# its first slot. Redis's own clock is used, so workers on machines with skewed clocks agree.
RESERVE = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) + tonumber(now_parts[2]) / 1000000
local interval = 1 / tonumber(ARGV[1])
local free_at = tonumber(redis.call('GET', KEYS[1]) or '0')
local start = math.max(now, free_at)
local new_free = start + interval * tonumber(ARGV[2])
redis.call('SET', KEYS[1], tostring(new_free), 'EX', math.ceil(new_free - now) + 1)
return tostring(start - now)
"""


@cache
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)


class SendRate:
    """`reserve(n)` returns the seconds to wait before sending `n` emails; `acquire` waits."""

    def __init__(self, per_second: float, account: str, url: str | None = None):
        self.per_second = per_second
        self.key = f"newsletter:send-rate:{account}"
        self.url = url or settings.REDIS_URL

    def reserve(self, count: int = 1) -> float:
        if self.per_second <= 0:
            return 0.0
        script = _client(self.url).register_script(RESERVE)
        return float(script(keys=[self.key], args=[self.per_second, count]))

    def acquire(self, count: int = 1) -> None:
        _sleep_until(time.monotonic() + self.reserve(count))

    def pace(self, count: int, block: int) -> Iterator[int]:
        """Reserve `count` slots in one round trip, then yield each block's offset when its
        slots come: one Redis call per chunk, yet the blocks still go out spread at the rate."""
        first = time.monotonic() + self.reserve(count)
        for offset in range(0, count, block):
            _sleep_until(first + (offset / self.per_second if self.per_second > 0 else 0.0))
            yield offset


def _sleep_until(moment: float) -> None:
    wait = moment - time.monotonic()
    if wait > 0:
        counters.count("newsletter_rate_limit_waits")
        counters.count("newsletter_rate_limit_wait_seconds", wait)
        time.sleep(wait)  # pacing a real send, not a test


def for_this_account() -> SendRate:
    return SendRate(settings.SEND_RATE_PER_SECOND, settings.SEND_RATE_ACCOUNT)
