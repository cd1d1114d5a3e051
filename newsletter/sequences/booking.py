"""A booked consultation ends the nurture: every active enrollment exits as "booked"."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from ..models import Enrollment, Subscriber
from ..subscribers import addresses
from . import sequences


def mark_booked(address: str, now: datetime | None = None) -> int:
    """End the nurture for this address; returns how many enrollments ended (0 if unknown)."""
    try:
        email_key = addresses.key(addresses.normalise(address))
    except ValidationError:
        return 0
    subscriber = Subscriber.objects.by_email(email_key).first()
    if subscriber is None:
        return 0
    return booked(subscriber, now)


def booked(subscriber: Subscriber, now: datetime | None = None) -> int:
    reason = Enrollment.ExitReason.BOOKED
    return sequences.exit_all(subscriber, reason, now=now or timezone.now())
