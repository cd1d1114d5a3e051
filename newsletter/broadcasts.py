"""One-off newsletters to audiences: schedule, dispatch through the ledger, progress, cancel."""

from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from . import bulk
from .models import Broadcast, Delivery, Subscriber

State = Broadcast.Status
Row = Delivery.Status
DISPATCHING = (State.SCHEDULED, State.SENDING)


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


@transaction.atomic
def dispatch_chunk(broadcast_id: int, now: datetime, enqueue: Callable) -> int:
    """Ledger rows for the next chunk of recipients, in subscriber order; 0 when done."""
    locked = Broadcast.objects.select_for_update(skip_locked=True).filter(pk=broadcast_id)
    broadcast = locked.filter(status__in=DISPATCHING).first()
    if broadcast is None:
        return 0
    recipient_ids = _next_recipients(broadcast, settings.SEND_CHUNK_SIZE)
    if not recipient_ids:
        # Everyone has a row; the broadcast is sent once no row is still on its way.
        unfinished = broadcast.deliveries.filter(status__in=[Row.QUEUED, Row.SENDING])
        if not unfinished.exists():
            broadcast.status = State.SENT
            broadcast.save(update_fields=["status"])
        return 0
    from .dispatch import LEDGER_FIELDS, ledger_row

    rows = [ledger_row(pk, now, broadcast=broadcast) for pk in recipient_ids]
    created = bulk.insert_rows(Delivery, LEDGER_FIELDS, rows)
    if broadcast.status == State.SCHEDULED:
        broadcast.status = State.SENDING
        broadcast.save(update_fields=["status"])
    enqueue(created, now)
    return len(recipient_ids)


def _next_recipients(broadcast: Broadcast, size: int) -> list[int]:
    # The broadcast's row lock serialises dispatchers, so "after the last one" is exact.
    last = broadcast.deliveries.aggregate(last=Max("subscriber_id"))["last"] or 0
    people = Subscriber.objects.filter(
        pk__gt=last,
        status=Subscriber.Status.ACTIVE,
        audiences__in=broadcast.audiences.all(),
    )
    return list(people.order_by("pk").values_list("pk", flat=True).distinct()[:size])


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
    from .sequences import release_held

    Broadcast.objects.filter(pk=broadcast.pk, status=State.PAUSED).update(
        status=State.SENDING, paused_reason="", consecutive_failures=0
    )
    release_held(broadcast.deliveries.all(), now)
