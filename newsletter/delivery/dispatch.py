"""Find due work in the database and turn it into ledger rows plus one send task per chunk.

The database is the source of truth; the broker only carries hints. Each pass of
`send_due` (every minute from beat, or `manage.py send_due`) also re-enqueues queued rows
whose task may have been lost and reconciles rows left in "sending" by a dead worker.

Rule for rows stuck in "sending" (claimed longer than SEND_STALE_AFTER_SECONDS ago): the
worker that claimed them died between claiming and recording. If the ESP already reported
the message (an ESP message id or a delivery event), the row is marked sent. Otherwise it is
returned to "queued" with one attempt counted and sent again with the same Message-ID, so a
message the transport had accepted just before the crash may arrive twice (receivers and
ESPs can deduplicate on that Message-ID), and nothing is lost. After SEND_MAX_ATTEMPTS the
row fails with "outcome unknown" instead of being tried forever.
"""

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import make_msgid
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from .. import queue
from ..mail.emails import site_domain
from ..models import Broadcast, Delivery, Enrollment, Practice, Sequence, Step, Subscriber
from ..sequences import broadcasts, sequences
from ..stats import counting
from . import bulk, pacing

Sending = Delivery.Status


@dataclass
class Report:
    dispatched: int = 0
    rescheduled: int = 0
    requeued: int = 0
    reconciled: int = 0
    tasks: list[list[int]] = field(default_factory=list)


def send_due(now: datetime | None = None) -> Report:
    """One pass: reconcile, re-enqueue, then dispatch due enrollments and broadcasts."""
    now = now or timezone.now()
    report = Report()
    report.reconciled = reconcile_stale(now)
    practice = Practice.get()
    if practice.sending_paused:
        return report  # all sending is paused: everything waits in the database (see pause.py)
    report.requeued = requeue_waiting(now, report)
    while dispatch_chunk(now, practice, report):
        pass
    for broadcast_id in broadcasts.due_ids(now):
        while dispatch_broadcast_chunk(broadcast_id, now, report, practice):
            pass
    return report


def enqueue(ids: list[int], now: datetime, report: Report | None = None) -> None:
    """Send one task for these rows once the transaction commits."""
    if not ids:
        return
    if report is not None:
        report.tasks.append(ids)
    # robust: a broker that is down must not undo committed rows; the next pass re-enqueues.
    queue.enqueue("send_batch", ids, now.isoformat(), time.time())


def due_enrollments(now: datetime, size: int):
    due = Enrollment.objects.filter(
        status=Enrollment.Status.ACTIVE,
        next_send_at__lte=now,
        sequence__status=Sequence.Status.ACTIVE,
        subscriber__status=Subscriber.Status.ACTIVE,
    )
    due = due.select_related("subscriber", "sequence").order_by("next_send_at")[:size]
    return due.select_for_update(skip_locked=True, of=("self",))


@transaction.atomic
def dispatch_chunk(now: datetime, practice: Practice, report: Report) -> int:
    """Ledger rows for one chunk of due enrollments, advanced in the same transaction."""
    enrollments = list(due_enrollments(now, settings.SEND_CHUNK_SIZE))
    if not enrollments:
        return 0
    steps = _steps_of({e.sequence_id for e in enrollments})
    received, unfinished = _history(enrollments)
    busy = pacing.in_flight({e.subscriber_id for e in enrollments})
    rows = []
    for enrollment in enrollments:
        if (enrollment.subscriber_id, enrollment.sequence_id) in unfinished:
            # The previous step is still on its way (a retry, a hold): keep the order.
            waiting = busy.get(enrollment.subscriber_id)
            enrollment.next_send_at = max(now + IN_ORDER_WAIT, waiting or now)
            report.rescheduled += 1
            continue
        step = _place(enrollment, steps[enrollment.sequence_id], now, practice)
        if step is None:
            report.rescheduled += 1
            continue
        if _held(enrollment, step, now, practice, busy):
            report.rescheduled += 1
            continue
        if (enrollment.subscriber_id, step.pk) not in received:
            rows.append(ledger_row(enrollment.subscriber_id, now, step=step))
            busy[enrollment.subscriber_id] = now  # one email at a time
        sequences.advance(enrollment, steps[enrollment.sequence_id], now, practice)
    ids = _save(enrollments, rows)
    ended = [e.pk for e in enrollments if e.status == Enrollment.Status.COMPLETED]
    if ended:
        sequences.start_waiting(ended, now, practice)  # one sequence at a time
    enqueue(ids, now, report)
    report.dispatched += len(ids)
    return len(enrollments)


def _place(enrollment: Enrollment, steps, now: datetime, practice) -> object | None:
    """The step due now, or None after rescheduling (outside the window, or nothing left)."""
    step = sequences.step_from(steps, enrollment.next_position)
    if step is None:
        enrollment.status = Enrollment.Status.COMPLETED
        enrollment.next_send_at, enrollment.ended_at = None, now
        return None
    enrollment.next_position = step.position
    window = sequences.window_of(enrollment.sequence, practice)
    zone = sequences.zone_of(enrollment.subscriber, practice)
    if step.ignore_window or window.contains(now, zone):
        return step
    # Late (a pause, an outage, a changed window): wait for the next opening, spread.
    enrollment.next_send_at = sequences.due_at(enrollment, step, now, practice)
    return None


def _held(enrollment: Enrollment, step, now: datetime, practice, busy: dict) -> bool:
    """Reschedule the step when the reader's gap since their last email has not passed."""
    key = f"{enrollment.subscriber_id}:{enrollment.sequence_id}:{step.position}"
    window = sequences.window_of(enrollment.sequence, practice)
    later = pacing.hold_until(enrollment.subscriber, step, now, practice, busy, key, window)
    if later is None:
        return False
    enrollment.next_send_at = later
    return True


def _steps_of(sequence_ids: set[int]) -> dict[int, list]:
    steps: dict[int, list] = {pk: [] for pk in sequence_ids}
    live = Step.objects.filter(sequence_id__in=sequence_ids, removed=False).order_by("position")
    for step in live:
        steps[step.sequence_id].append(step)
    return steps


IN_ORDER_WAIT = timedelta(minutes=5)
UNFINISHED = (Sending.QUEUED, Sending.SENDING)


def _history(enrollments: list[Enrollment]) -> tuple[set, set]:
    """(subscriber, step) pairs already in the ledger, and (subscriber, sequence) pairs
    with a row still on its way."""
    rows = Delivery.objects.filter(
        subscriber_id__in=[e.subscriber_id for e in enrollments],
        step__sequence_id__in={e.sequence_id for e in enrollments},
    ).values_list("subscriber_id", "step_id", "step__sequence_id", "status")
    received, unfinished = set(), set()
    for subscriber_id, step_id, sequence_id, status in rows:
        received.add((subscriber_id, step_id))
        if status in UNFINISHED:
            unfinished.add((subscriber_id, sequence_id))
    return received, unfinished


LEDGER_FIELDS = ["subscriber", "step", "broadcast", "created_at", "next_attempt_at", "message_id"]


def ledger_row(subscriber_id: int, now: datetime, step=None, broadcast=None, hold=None) -> tuple:
    """A new queued Delivery, in LEDGER_FIELDS order, for `bulk.insert_rows`; a held row
    goes to the workers at `hold` (when the reader's gap has passed)."""
    retry_at = hold or now + timedelta(seconds=settings.SEND_REQUEUE_AFTER_SECONDS)
    # The Message-ID is recorded with the row, long before any send.
    return (
        subscriber_id,
        step and step.pk,
        broadcast and broadcast.pk,
        now,
        retry_at,
        new_message_id(),
    )


def _save(enrollments: list[Enrollment], rows: list[tuple]) -> list[int]:
    """Advance the enrollments and insert their rows; the ids of the rows inserted.

    A row that already exists for a (subscriber, step) is left as it is; if it is still
    queued, the next pass's `requeue_waiting` sends it.
    """
    fields = ["status", "next_position", "next_send_at", "last_sent_at", "ended_at"]
    bulk.update_rows(Enrollment, enrollments, fields)
    return bulk.insert_rows(Delivery, LEDGER_FIELDS, rows) if rows else []


def new_message_id() -> str:
    """The Message-ID a row will be sent with, made with the row so it is known before sending."""
    return make_msgid(domain=site_domain())


@transaction.atomic
def dispatch_broadcast_chunk(
    broadcast_id: int, now: datetime, report: Report, practice: Practice | None = None
) -> int:
    """Ledger rows for the next chunk of recipients, in subscriber order; 0 when done."""
    locked = Broadcast.objects.select_for_update(skip_locked=True).filter(pk=broadcast_id)
    broadcast = locked.filter(status__in=broadcasts.DISPATCHING).first()
    if broadcast is None:
        return 0
    recipient_ids = _next_recipients(broadcast, settings.SEND_CHUNK_SIZE)
    if not recipient_ids:
        # Everyone has a row; the broadcast is sent once no row is still on its way.
        unfinished = broadcast.deliveries.filter(status__in=UNFINISHED)
        if not unfinished.exists():
            broadcast.status = Broadcast.Status.SENT
            broadcast.save(update_fields=["status"])
        return 0
    now_rows, held_rows = _broadcast_rows(broadcast, recipient_ids, now, practice or Practice.get())
    created = bulk.insert_rows(Delivery, LEDGER_FIELDS, now_rows)
    bulk.insert_rows(Delivery, LEDGER_FIELDS, held_rows)  # requeue_waiting sends them later
    if broadcast.status == Broadcast.Status.SCHEDULED:
        broadcast.status = Broadcast.Status.SENDING
        broadcast.save(update_fields=["status"])
    enqueue(created, now, report)
    return len(recipient_ids)


def _broadcast_rows(broadcast, recipient_ids: list[int], now: datetime, practice: Practice):
    """(rows to send now, rows held until the reader's gap has passed)."""
    people = Subscriber.objects.only("pk", "time_zone", "pace", "last_marketing_at")
    people = people.in_bulk(recipient_ids)
    busy = pacing.in_flight(recipient_ids)
    now_rows, held_rows = [], []
    for pk in recipient_ids:
        key = f"broadcast:{broadcast.pk}:{pk}"
        hold = pacing.hold_until(people[pk], None, now, practice, busy, key)
        row = ledger_row(pk, now, broadcast=broadcast, hold=hold)
        (held_rows if hold else now_rows).append(row)
    return now_rows, held_rows


def _next_recipients(broadcast: Broadcast, size: int) -> list[int]:
    # The broadcast's row lock serialises dispatchers, so "after the last one" is exact.
    last = broadcast.deliveries.aggregate(last=Max("subscriber_id"))["last"] or 0
    people = broadcasts.recipients(broadcast.audiences.all(), after=last)
    return list(people.order_by("pk").values_list("pk", flat=True)[:size])


def requeue_waiting(now: datetime, report: Report) -> int:
    """Queued rows whose task may be lost (or whose retry is due) get a fresh task."""
    count = 0
    while True:
        with transaction.atomic():
            waiting = Delivery.objects.filter(status=Sending.QUEUED, next_attempt_at__lte=now)
            waiting = waiting.order_by("next_attempt_at").select_for_update(skip_locked=True)
            ids = list(waiting.values_list("pk", flat=True)[: settings.SEND_CHUNK_SIZE])
            if not ids:
                return count
            later = now + timedelta(seconds=settings.SEND_REQUEUE_AFTER_SECONDS)
            Delivery.objects.filter(pk__in=ids).update(next_attempt_at=later)
            enqueue(ids, now, report)
        count += len(ids)


def reconcile_stale(now: datetime) -> int:
    """Apply the module's rule to rows a dead worker left in "sending"."""
    stale = Delivery.objects.filter(
        status=Sending.SENDING,
        claimed_at__lt=now - timedelta(seconds=settings.SEND_STALE_AFTER_SECONDS),
    )
    reported = list(stale.exclude(esp_message_id="", event="").values_list("pk", flat=True))
    done = Delivery.objects.filter(pk__in=reported, status=Sending.SENDING).update(
        status=Sending.SENT, claim_token=""
    )
    counting.refresh(reported)
    exhausted = stale.filter(attempts__gte=settings.SEND_MAX_ATTEMPTS - 1).update(
        status=Sending.FAILED, claim_token="", last_error="outcome unknown: the worker died"
    )
    retried = stale.update(
        status=Sending.QUEUED, claim_token="", attempts=F("attempts") + 1, next_attempt_at=now
    )
    return done + exhausted + retried
