"""Counters and histograms shared by every process on every machine, kept in Redis.

A web process cannot see what a worker counted in its own memory, so each count is one
Redis HINCRBY that any process's /metrics scrape reads back. Counting never makes the
caller fail: with Redis unreachable the count is skipped and the first miss is logged once.
No label ever carries an address, a name or an audience of a person.
"""

import json
import logging
import time
from functools import cache

import redis
from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)

COUNTERS_KEY = "newsletter:metrics:counters"
HISTOGRAM_KEY = "newsletter:metrics:histogram:"
HEARTBEAT_KEY = "newsletter:metrics:beat-heartbeat"
# Send latency from a ledger row's creation (the pass that found it due) to its send.
LATENCY_BUCKETS = (1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 4 * 3600, 24 * 3600)

_state = {"warned": False}


@cache
def client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)


def _redis() -> redis.Redis:
    return client(settings.REDIS_URL)


def field(name: str, labels: dict[str, str]) -> str:
    """The hash field one labelled series is kept under: `name` plus its sorted labels."""
    return json.dumps([name, dict(sorted(labels.items()))], separators=(",", ":"))


def parse_field(raw: bytes | str) -> tuple[str, dict[str, str]]:
    name, labels = json.loads(raw)
    return name, labels


def _guarded(write) -> None:
    try:
        write(_redis())
    except Exception as error:  # noqa: BLE001 (counting must never fail a send or a subscribe)
        if not _state["warned"]:
            _state["warned"] = True
            logger.warning("Metrics are not counted: Redis is unreachable (%s)", error)
        return
    _state["warned"] = False


def count(name: str, amount: float = 1, **labels: str) -> None:
    """Add `amount` to the counter `name` with these labels."""
    if not amount:
        return
    if isinstance(amount, int):
        _guarded(lambda r: r.hincrby(COUNTERS_KEY, field(name, labels), amount))
    else:
        _guarded(lambda r: r.hincrbyfloat(COUNTERS_KEY, field(name, labels), amount))


def count_on_commit(name: str, amount: float = 1, **labels: str) -> None:
    """Count once the current transaction commits (a rolled-back change counts nothing)."""
    transaction.on_commit(lambda: count(name, amount, **labels))


def observe(name: str, values: list[float], buckets: tuple = LATENCY_BUCKETS) -> None:
    """Record observations into a cumulative histogram: one Redis round trip for all of them."""
    if not values:
        return
    cumulative = {str(bound): sum(value <= bound for value in values) for bound in buckets}
    cumulative["+Inf"] = len(values)

    def write(r: redis.Redis) -> None:
        key = HISTOGRAM_KEY + name
        pipe = r.pipeline(transaction=False)
        for bound, count in cumulative.items():
            if count:
                pipe.hincrby(key, bound, count)
        pipe.hincrbyfloat(key, "sum", sum(values))
        pipe.execute()

    _guarded(write)


def heartbeat(now: float | None = None) -> None:
    """Beat's heartbeat: the time of its latest run, for the silent-beat alert."""
    moment = time.time() if now is None else now
    _guarded(lambda r: r.set(HEARTBEAT_KEY, repr(moment)))


def read_counters() -> dict[str, list[tuple[dict[str, str], float]]]:
    """Every counter series, by name (raises when Redis is unreachable)."""
    series: dict[str, list[tuple[dict[str, str], float]]] = {}
    for raw, value in _redis().hgetall(COUNTERS_KEY).items():
        name, labels = parse_field(raw)
        series.setdefault(name, []).append((labels, float(value)))
    return series


def read_histogram(name: str) -> dict[str, float]:
    return {k.decode(): float(v) for k, v in _redis().hgetall(HISTOGRAM_KEY + name).items()}


def read_heartbeat() -> float | None:
    value = _redis().get(HEARTBEAT_KEY)
    return float(value) if value else None
