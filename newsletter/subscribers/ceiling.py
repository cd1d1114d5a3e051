"""A ceiling on confirmation emails per hour for the whole site, shared through Redis.

Past it, subscribing still answers as usual; the confirmation waits in the database and the
sweep in confirmations.resend_lost sends it in a later hour. When Redis cannot be reached the
ceiling is counted per process (and a warning logged), so subscribing never fails over it.
"""

import logging
import threading
import time

from django.conf import settings
from django.core.cache import cache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
_local: dict[tuple[str, int], int] = {}
_lock = threading.Lock()


def take(limit: int | None = None, name: str = "confirmation-ceiling") -> bool:
    """Count one confirmation email against this hour; False once the hour's ceiling is met.

    An imported list's confirmations count against a budget of their own (`name`, `limit`).
    """
    limit = settings.CONFIRMATION_EMAILS_PER_HOUR if limit is None else limit
    if limit <= 0:
        return True
    hour = int(time.time() // 3600)
    key = f"{name}:{hour}"
    try:
        cache.add(key, 0, timeout=2 * 3600)
        used = cache.incr(key)
    except (RedisError, ValueError) as error:
        logger.warning("The confirmation ceiling is counted per process (%s)", error)
        used = _take_locally(name, hour)
    return used <= limit


def _take_locally(name: str, hour: int) -> int:
    with _lock:
        for old in [k for k in _local if k[1] < hour]:
            del _local[old]
        _local[name, hour] = _local.get((name, hour), 0) + 1
        return _local[name, hour]
