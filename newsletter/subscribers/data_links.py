"""Links to download or erase one's data: sent fresh to the address, good for an hour, once.

Every email's own links (preferences, unsubscribe) can be seen by whoever sees the email: a
forwarded newsletter, a shared screen, a List-Unsubscribe header. They may pause and
unsubscribe, never read or erase. Data rights need a link the address's owner asks for.
"""

import logging

from django.core.cache import cache
from django.utils import timezone
from redis.exceptions import RedisError

from .. import queue
from ..mail import emails
from ..models import Subscriber
from . import tokens

logger = logging.getLogger(__name__)
Status = Subscriber.Status
# Asking again within this time sends nothing more (the first email is on its way).
RESEND_AFTER_SECONDS = 5 * 60


def request_link(subscriber: Subscriber) -> bool:
    """Email a fresh data-rights link to the subscriber's address; False when throttled."""
    if subscriber.status == Status.ERASED or not subscriber.email:
        return False
    if not _first_request_in_a_while(subscriber):
        return False
    queue.enqueue("send_data_link", subscriber.pk)
    return True


def _first_request_in_a_while(subscriber: Subscriber) -> bool:
    try:
        return cache.add(f"data-link:{subscriber.pk}", 1, timeout=RESEND_AFTER_SECONDS)
    except RedisError as error:
        logger.warning("Data-link requests are not throttled: Redis is unreachable (%s)", error)
        return True


def send(subscriber_id: int) -> bool:
    """The task's work: build and send the email (nothing for an erased subscriber)."""
    subscriber = Subscriber.objects.filter(pk=subscriber_id).exclude(status=Status.ERASED).first()
    if subscriber is None or not subscriber.email:
        return False
    emails.data_link(subscriber).send(using="default")
    return True


def holder(token: str) -> Subscriber | None:
    """The subscriber a data-rights link is for, while it is fresh and unused; else None."""
    try:
        payload = tokens.read_data_link(token)
    except tokens.InvalidToken:
        return None
    lookup = tokens.subscriber_lookup(payload)
    subscriber = Subscriber.objects.filter(**lookup).exclude(status=Status.ERASED).first()
    if subscriber is None or not tokens.data_link_unused(payload, subscriber):
        return None
    return subscriber


def use(subscriber: Subscriber) -> bool:
    """Spend the link: True for the one request that may act on it, False for any other."""
    rows = Subscriber.objects.filter(
        pk=subscriber.pk, data_link_used_at=subscriber.data_link_used_at
    )
    if subscriber.data_link_used_at is None:
        rows = Subscriber.objects.filter(pk=subscriber.pk, data_link_used_at__isnull=True)
    return rows.update(data_link_used_at=timezone.now()) == 1


def minutes_valid() -> int:
    return int(tokens.DATA_LINK_MAX_AGE.total_seconds() // 60)
