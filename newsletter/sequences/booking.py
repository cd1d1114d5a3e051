"""A booked consultation ends the nurture; a cancellation (not a reschedule) undoes that.

A booking is stored for a known subscriber only: most people who book are not on the list,
and nothing is kept about them. It ends every active enrollment ("booked") and keeps the
person out of sequences joined later (broadcasts still reach them). A cancellation
reinstates the places it ended, in sequences still active, once no other booking stands.
Replays (the same tool's id again) change nothing.
"""

import enum
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from ..integrations import outbound
from ..models import Booking, Enrollment, Sequence, Subscriber
from ..stats import counting
from ..subscribers import addresses
from . import attribution, sequences

Tool = Booking.Tool


class Outcome(enum.Enum):
    BOOKED = "booked"
    CANCELLED = "cancelled"
    UNKNOWN = "not a subscriber"  # most people who book are not on the list
    ALREADY = "already recorded"  # a replay, or a cancellation of nothing we know


def record(
    address: str, tool: str, external_id: str = "", booked_at: datetime | None = None
) -> Outcome:
    """Store a booking for the subscriber with this address and end their nurture."""
    subscriber = addresses.find(address)
    if subscriber is None or subscriber.status == Subscriber.Status.ERASED:
        return Outcome.UNKNOWN
    booked_at = booked_at or timezone.now()
    if external_id and Booking.objects.filter(tool=tool, external_id=external_id).exists():
        return Outcome.ALREADY
    try:
        with transaction.atomic():
            stored = Booking.objects.create(
                subscriber=subscriber,
                tool=tool,
                external_id=external_id,
                booked_at=booked_at,
                attributed_to=attribution.attributed_email(subscriber, booked_at),
            )
            counting.booking(stored.attributed_to_id, +1)
            booked(subscriber, booked_at)
            outbound.emit("consultation.booked", subscriber)
    except IntegrityError:  # the same event arrived twice at once
        return Outcome.ALREADY
    return Outcome.BOOKED


def cancel(tool: str, external_id: str, now: datetime | None = None) -> Outcome:
    """A cancelled booking: reinstate the sequence places it ended, if nothing else stands."""
    now = now or timezone.now()
    with transaction.atomic():
        found = Booking.objects.select_for_update().filter(
            tool=tool, external_id=external_id, cancelled_at__isnull=True
        )
        booking = found.first() if external_id else None
        if booking is None:
            return Outcome.ALREADY
        booking.cancelled_at = now
        booking.save(update_fields=["cancelled_at"])
        counting.booking(booking.attributed_to_id, -1)
        if not has_booked(booking.subscriber):
            _reinstate(booking.subscriber, now)
    return Outcome.CANCELLED


def has_booked(subscriber: Subscriber) -> bool:
    """A booking stands (not cancelled): no nurture sequence may start for this person."""
    return Booking.objects.filter(subscriber=subscriber, cancelled_at__isnull=True).exists()


def _reinstate(subscriber: Subscriber, now: datetime) -> int:
    ended = Enrollment.objects.filter(
        subscriber=subscriber,
        status=Enrollment.Status.EXITED,
        exit_reason=Enrollment.ExitReason.BOOKED,
        sequence__status=Sequence.Status.ACTIVE,
    )
    if subscriber.status not in (Subscriber.Status.ACTIVE, Subscriber.Status.PAUSED):
        return 0
    ids = list(ended.values_list("pk", flat=True))
    Enrollment.objects.filter(pk__in=ids).update(
        status=Enrollment.Status.ACTIVE, exit_reason="", ended_at=None, next_send_at=now
    )
    return sequences.respread(Enrollment.objects.filter(pk__in=ids), now)


def mark_booked(address: str, now: datetime | None = None) -> int:
    """The practice says this address booked; returns how many enrollments ended."""
    try:
        subscriber = addresses.find(addresses.normalise(address))
    except ValidationError:
        return 0
    return booked_by_practice(subscriber, now) if subscriber else 0


def booked_by_practice(subscriber: Subscriber, now: datetime | None = None) -> int:
    now = now or timezone.now()
    with transaction.atomic():
        stored = Booking.objects.create(
            subscriber=subscriber,
            tool=Tool.PRACTICE,
            booked_at=now,
            attributed_to=attribution.attributed_email(subscriber, now),
        )
        counting.booking(stored.attributed_to_id, +1)
        return booked(subscriber, now)


def booked(subscriber: Subscriber, now: datetime | None = None) -> int:
    """End every active enrollment of this subscriber as "booked"; returns how many."""
    reason = Enrollment.ExitReason.BOOKED
    return sequences.exit_all(subscriber, reason, now=now or timezone.now())
