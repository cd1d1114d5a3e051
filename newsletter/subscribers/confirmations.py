"""Confirmation emails: send one, and send again any that a lost broker message dropped."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from .. import queue
from ..mail import emails
from ..models import Audience, ConsentEvent, Subscriber
from ..models.subscribers import ConsentKind
from ..observability import counters
from . import ceiling
from .subscriptions import never_mail

Status = Subscriber.Status
LOST_AFTER = timedelta(minutes=10)


def send(subscriber_id: int, audience_ids: list[int]) -> bool:
    """Send the confirmation email unless the address may no longer be mailed."""
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None or never_mail(subscriber):
        counters.count("newsletter_emails_skipped", kind="confirmation")
        return False
    try:
        emails.confirmation(subscriber, audience_ids).send(using="default")
    except Exception:
        counters.count("newsletter_emails_failed", kind="confirmation")
        raise
    counters.count("newsletter_emails_sent", kind="confirmation")
    Subscriber.objects.filter(pk=subscriber_id).update(confirmation_mailed_at=timezone.now())
    return True


def lost(now: datetime) -> list[Subscriber]:
    """Pending addresses whose requested confirmation never reached the transport."""
    window = timedelta(days=settings.CONFIRMATION_MAX_AGE_DAYS)
    unsent = Q(confirmation_mailed_at__isnull=True) | Q(
        confirmation_mailed_at__lt=F("confirmation_sent_at")
    )
    return list(
        Subscriber.objects.filter(
            unsent,
            status__in=[Status.PENDING, Status.UNSUBSCRIBED],
            confirmation_sent_at__lte=now - LOST_AFTER,
            confirmation_sent_at__gte=now - window,
        ).order_by("confirmation_sent_at")
    )


def resend_lost(now: datetime | None = None) -> int:
    """Enqueue each confirmation a broker outage lost or the hourly ceiling held back."""
    sent = 0
    for subscriber in lost(now or timezone.now()):
        if not ceiling.take():
            break  # the rest wait for the next sweep, in a later hour
        queue.enqueue("send_confirmation", subscriber.pk, _requested_audiences(subscriber))
        sent += 1
    return sent


def _requested_audiences(subscriber: Subscriber) -> list[int]:
    requests = ConsentEvent.objects.filter(subscriber=subscriber, kind=ConsentKind.REQUESTED)
    latest = requests.order_by("-created_at", "-pk").first()
    slug = (latest.detail or {}).get("audience") if latest else None
    audience = Audience.objects.filter(slug=slug).first() if slug else None
    return [(audience or Audience.default()).pk]
