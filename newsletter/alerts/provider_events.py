"""When the email provider last reported anything: a cheap mark on the tracking-event path.

Each event would otherwise be one more database write; a Redis key lets one event in five
minutes through to the row (every event, if Redis is unreachable). The mark only needs to be
good to the hour: the alert it feeds waits for a whole day of silence.
"""

from datetime import datetime, timedelta

from django.core.cache import cache
from django.utils import timezone
from redis.exceptions import RedisError

from ..models import ProviderSignal

REFRESH = timedelta(minutes=5)
KEY = "alerts:provider-event-seen"


def seen(now: datetime | None = None) -> None:
    """Note that a provider event arrived (called for every event, whatever it reports)."""
    now = now or timezone.now()
    try:
        if not cache.add(KEY, 1, timeout=int(REFRESH.total_seconds())):
            return
    except RedisError:
        pass
    updated = ProviderSignal.objects.filter(seen_at__lt=now).update(seen_at=now)
    if not updated and not ProviderSignal.objects.exists():
        ProviderSignal.objects.create(seen_at=now)


def last_seen() -> datetime | None:
    return ProviderSignal.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()
