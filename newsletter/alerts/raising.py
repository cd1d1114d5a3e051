"""Raise each alert once, email it after commit, and clear it when its condition ends.

A condition that holds is raised once (a conditional UPDATE, so two checks at once raise it
once) and its email is enqueued after commit; while it still holds nothing more is sent.
When it no longer holds it clears, and only a later return raises it, and emails, again.
The email is claimed before it is built, so a task run twice sends it once; a claim whose
task died is taken again after CLAIM_STALE, and the periodic check re-enqueues alerts whose
email never went (a lost broker message).
"""

from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from .. import queue
from ..models import Alert
from . import conditions, messages

CLAIM_STALE = timedelta(minutes=15)
LOST_AFTER = timedelta(minutes=10)


def check(now: datetime | None = None) -> int:
    """Compare what holds now with what was raised; returns how many alerts were raised."""
    now = now or timezone.now()
    raised = set(Alert.objects.filter(raised=True).values_list("key", flat=True))
    holding = conditions.current(now, raised)
    Alert.objects.filter(key__in=raised - holding, raised=True).update(raised=False, cleared_at=now)
    fresh = [key for key in sorted(holding - raised) if _raise(key, now)]
    for key in fresh:
        queue.enqueue("send_alert", key)
    for key in _unsent(now).exclude(key__in=fresh).values_list("key", flat=True):
        queue.enqueue("send_alert", key)
    return len(fresh)


def _raise(key: str, now: datetime) -> bool:
    alert, created = Alert.objects.get_or_create(
        key=key, defaults={"raised": True, "raised_at": now}
    )
    if created:
        return True
    again = {"raised": True, "raised_at": now, "cleared_at": None}
    return bool(
        Alert.objects.filter(pk=alert.pk, raised=False).update(
            **again, claimed_at=None, emailed_at=None
        )
    )


def _unsent(now: datetime):
    return Alert.objects.filter(
        raised=True, emailed_at__isnull=True, raised_at__lt=now - LOST_AFTER
    ).filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_STALE))


def send(key: str, now: datetime | None = None) -> bool:
    """The task's work: email the practice about one raised alert, once."""
    now = now or timezone.now()
    mine = Alert.objects.filter(key=key, raised=True, emailed_at__isnull=True).filter(
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_STALE)
    )
    if not mine.update(claimed_at=now):
        return False
    try:
        message = messages.alert(key, now)
        if message is not None:
            message.send(using="default")
    except Exception:
        Alert.objects.filter(key=key).update(claimed_at=None)  # the retry may take it again
        raise
    Alert.objects.filter(key=key).update(emailed_at=now)
    return message is not None
