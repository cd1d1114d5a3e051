"""When the email provider last reported anything: a cheap mark on the tracking-event path.

Each event would otherwise be one more database write; a Redis key lets one event in five
minutes through to the row (every event, if Redis is unreachable), and each process asks
Redis at most once in those five minutes. The mark only needs to be
good to the hour: the alert it feeds waits for a whole day of silence.
"""

from datetime import datetime, timedelta

from django.core.cache import cache
from django.utils import timezone
from redis.exceptions import RedisError

from ..models import ProviderSignal

REFRESH = timedelta(minutes=5)
KEY = "alerts:provider-event-seen"
_noted_until = {"moment": None}  # this process's own five minutes


def seen(now: datetime | None = None) -> None:
    """Note that a provider event arrived (called for every event, whatever it reports)."""
    now = now or timezone.now()
    until = _noted_until["moment"]
    if until is not None and until - REFRESH <= now < until:
        return
    try:
        if not cache.add(KEY, 1, timeout=int(REFRESH.total_seconds())):
            _noted_until["moment"] = now + REFRESH
            return
    except RedisError:
        pass
    _noted_until["moment"] = now + REFRESH
    updated = ProviderSignal.objects.filter(seen_at__lt=now).update(seen_at=now)
    if not updated and not ProviderSignal.objects.exists():
        ProviderSignal.objects.create(seen_at=now)


def forget() -> None:
    """Forget this process's note, as when the cache it mirrors was cleared."""
    _noted_until["moment"] = None


def last_seen() -> datetime | None:
    return ProviderSignal.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()
