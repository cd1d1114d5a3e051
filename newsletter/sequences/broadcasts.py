"""One-off newsletters to audiences: schedule, progress, pause, resume and cancel."""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.text import slugify

from ..models import Audience, Broadcast, Delivery, Membership, Practice, Subscriber
from . import sequences

State = Broadcast.Status
Row = Delivery.Status
DISPATCHING = (State.SCHEDULED, State.SENDING)


def recipients(audiences, after: int = 0) -> QuerySet[Subscriber]:
    """Who a broadcast to these audiences goes to: active subscribers in any of them, once;
    with `after`, only those whose id is above it (the next chunk to dispatch).

    The bound is given to the memberships too: PostgreSQL does not carry `id > after` into
    the semi-join, and would read every membership from the first for each chunk.
    """
    audience_ids = [a.pk if isinstance(a, Audience) else a for a in audiences]
    member = Membership.objects.filter(
        subscriber_id=OuterRef("pk"), audience_id__in=audience_ids, subscriber_id__gt=after
    )
    people = Subscriber.objects.filter(Exists(member), status=Subscriber.Status.ACTIVE)
    return people.filter(pk__gt=after) if after else people


def reach(broadcast: Broadcast) -> int:
    """How many people the broadcast goes to if it is sent now."""
    return recipients(broadcast.audiences.all()).count()


@dataclass(frozen=True)
class Standing:
    sent: int
    waiting: int  # queued, being sent, or not yet given a row
    failed: int
    skipped: int  # left out at send time: unsubscribed meanwhile, suppressed, cancelled

    @property
    def total(self) -> int:
        return self.sent + self.waiting + self.failed + self.skipped


def standing(broadcast: Broadcast) -> Standing:
    """Progress for people: rows per status, plus recipients not reached by dispatch yet."""
    rows = progress(broadcast)
    waiting = rows[Row.QUEUED] + rows[Row.SENDING]
    if broadcast.status in DISPATCHING:
        unstarted = recipients(broadcast.audiences.all()).exclude(deliveries__broadcast=broadcast)
        waiting += unstarted.count()
    return Standing(rows[Row.SENT], waiting, rows[Row.FAILED], rows[Row.SKIPPED])


def schedule(broadcast: Broadcast, at: datetime | None = None) -> Broadcast:
    """Send at `at`, or at the next pass of send_due when no time is given."""
    if broadcast.status not in (State.DRAFT, State.SCHEDULED):
        raise ValueError(f"A {broadcast.get_status_display().lower()} broadcast cannot be sent.")
    broadcast.status = State.SCHEDULED
    broadcast.scheduled_at = at or timezone.now()
    broadcast.save(update_fields=["status", "scheduled_at"])
    return broadcast


def due_ids(now: datetime) -> list[int]:
    due = Broadcast.objects.filter(status__in=DISPATCHING, scheduled_at__lte=now)
    return list(due.values_list("pk", flat=True))


def progress(broadcast: Broadcast) -> dict[str, int]:
    """Rows per ledger status (queued, sending, sent, failed, skipped) plus the total."""
    counts = dict.fromkeys(Delivery.Status.values, 0)
    rows = broadcast.deliveries.values("status").annotate(n=Count("pk")).order_by()
    counts.update({row["status"]: row["n"] for row in rows})
    counts["total"] = sum(counts.values())
    return counts


@transaction.atomic
def cancel(broadcast: Broadcast) -> int:
    """Stop a broadcast: nothing more is dispatched and queued rows are skipped."""
    Broadcast.objects.filter(pk=broadcast.pk).exclude(status=State.SENT).update(
        status=State.CANCELLED
    )  # a sent broadcast has nothing left to stop
    queued = broadcast.deliveries.filter(status=Delivery.Status.QUEUED)
    return queued.update(status=Delivery.Status.SKIPPED, last_error="broadcast cancelled")


def resume(broadcast: Broadcast, now: datetime) -> None:
    """Continue a paused broadcast: rows held back go out at the next pass."""
    Broadcast.objects.filter(pk=broadcast.pk, status=State.PAUSED).update(
        status=State.SENDING, paused_reason="", consecutive_failures=0
    )
    sequences.release_held(broadcast.deliveries.all(), now)


def archived() -> QuerySet[Broadcast]:
    """Sent broadcasts marked for the public archive, newest first; none while it is off."""
    if not Practice.get().archive_enabled:
        return Broadcast.objects.none()
    rows = Broadcast.objects.filter(in_archive=True, status=State.SENT)
    return rows.order_by("-scheduled_at", "-created_at", "-pk")


def new_slug(subject: str) -> str:
    """A unique slug for a new broadcast: its subject's words and a random tail."""
    return f"{slugify(subject)[:40].rstrip('-') or 'broadcast'}-{get_random_string(6).lower()}"
