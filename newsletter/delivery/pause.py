"""The practice-wide pause: hold every newsletter and sequence email, say what waits, resume.

While it is on, `send_due` dispatches nothing and a worker holds every row it claims (queued
again, nothing counted); confirmation and data-rights emails do not go through the ledger,
so they still go. Turning it off releases the held rows and spreads overdue sequence emails
over the next hour, the same rule as resuming a paused sequence, so there is no burst.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction

from ..models import Broadcast, Delivery, Enrollment, Practice, Sequence, Subscriber
from ..sequences import broadcasts, sequences


def is_paused() -> bool:
    return Practice.objects.filter(sending_paused=True).exists()


@transaction.atomic
def pause_all(now: datetime) -> None:
    practice = Practice.get()
    Practice.objects.filter(pk=practice.pk).update(sending_paused=True, sending_paused_at=now)


@transaction.atomic
def resume_all(now: datetime) -> int:
    """Turn the pause off; the number of sequence places spread over the next hour."""
    practice = Practice.get()
    Practice.objects.filter(pk=practice.pk).update(sending_paused=False, sending_paused_at=None)
    sequences.release_held(Delivery.objects.all(), now)
    return sequences.respread(_overdue(now), now)


def _overdue(now: datetime):
    return Enrollment.objects.filter(
        status=Enrollment.Status.ACTIVE,
        next_send_at__lte=now,
        sequence__status=Sequence.Status.ACTIVE,
        subscriber__status=Subscriber.Status.ACTIVE,
    )


@dataclass(frozen=True)
class Waiting:
    """What would have gone out by now: sequence emails, and each due broadcast's readers."""

    sequence_emails: int = 0
    broadcast_people: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.sequence_emails + sum(self.broadcast_people)

    def sentence(self) -> str:
        """'312 emails are waiting: 280 sequence emails and 1 broadcast to 32 people'."""
        if not self.total:
            return "No email is waiting."
        parts = []
        if self.sequence_emails:
            parts.append(_count(self.sequence_emails, "sequence email", "sequence emails"))
        if self.broadcast_people:
            people = _count(sum(self.broadcast_people), "person", "people")
            parts.append(
                f"{_count(len(self.broadcast_people), 'broadcast', 'broadcasts')} to {people}"
            )
        verb = "email is" if self.total == 1 else "emails are"
        return f"{self.total} {verb} waiting: {' and '.join(parts)}"


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def waiting(now: datetime) -> Waiting:
    queued = Delivery.objects.filter(status=Delivery.Status.QUEUED)
    steps = queued.filter(step__isnull=False).count() + _overdue(now).count()
    people = [_broadcast_people(pk) for pk in broadcasts.due_ids(now)]
    return Waiting(steps, [count for count in people if count])


def _broadcast_people(broadcast_id: int) -> int:
    """Its queued rows plus the readers it has not reached yet."""
    broadcast = Broadcast.objects.get(pk=broadcast_id)
    rows = broadcast.deliveries
    queued = rows.filter(status=Delivery.Status.QUEUED).count()
    unreached = (
        Subscriber.objects.filter(
            status=Subscriber.Status.ACTIVE, audiences__in=broadcast.audiences.all()
        )
        .exclude(pk__in=rows.values("subscriber_id"))
        .distinct()
        .count()
    )
    return queued + unreached
