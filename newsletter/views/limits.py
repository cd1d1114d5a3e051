"""Rate limits for the public forms: shared through Redis, failing open to a per-process count.

A client is its IPv4 address or its IPv6 /64 (one household or server gets a whole /64, so
counting single IPv6 addresses would let one of them rotate through billions). When Redis
cannot be reached, limits still hold within each web process and a warning is logged; a
visitor never sees an error page because a counter could not be read.
"""

import ipaddress
import logging
import threading
import time

from django.http import HttpRequest
from django_ratelimit.core import _split_rate, is_ratelimited
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
IPV6_PREFIX = 64


def client_network(ip: str | None) -> str:
    """The key a client is counted under: an IPv4 address or an IPv6 /64 network."""
    if not ip:
        return "unknown"
    address = ipaddress.ip_address(ip)
    if address.version == 4:
        return str(address)
    if address.ipv4_mapped:  # ::ffff:192.0.2.1 is the IPv4 client 192.0.2.1
        return str(address.ipv4_mapped)
    return str(ipaddress.ip_network((address, IPV6_PREFIX), strict=False))


def limited(request: HttpRequest, group: str, key, rate: str) -> bool:
    """Count one attempt; True when `rate` ("20/h") is used up for this key."""
    try:
        return is_ratelimited(request, group=group, key=key, rate=rate, increment=True)
    except RedisError as error:
        logger.warning("Rate limits are counted per process: Redis is unreachable (%s)", error)
        return LOCAL.hit(group, key(group, request), rate)


class LocalCounter:
    """Fixed-window counts in this process's memory, for when the shared store is down."""

    def __init__(self) -> None:
        self._counts: dict[tuple[str, str, int], int] = {}
        self._lock = threading.Lock()

    def hit(self, group: str, key: str, rate: str, now: float | None = None) -> bool:
        limit, period = _split_rate(rate)
        window = int((now or time.time()) // period)
        with self._lock:
            self._forget_before(window)
            count = self._counts.get((group, key, window), 0) + 1
            self._counts[(group, key, window)] = count
        return count > limit

    def _forget_before(self, window: int) -> None:
        if len(self._counts) > 10_000:
            self._counts = {k: v for k, v in self._counts.items() if k[2] >= window}


LOCAL = LocalCounter()
