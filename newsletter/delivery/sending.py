"""Claim ledger rows, re-check consent, send them over one connection, record each result."""

import logging
import random
import secrets
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import mailers
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ..mail import emails
from ..models import (
    Broadcast,
    Delivery,
    Enrollment,
    Practice,
    Sequence,
    Step,
    Subscriber,
    Suppression,
)
from ..observability import counters
from ..stats import counting
from ..subscribers import addresses
from . import batching, bulk, failures, outages, pacing, pause, ratelimit

Row = Delivery.Status
logger = logging.getLogger(__name__)


@dataclass
class Results:
    sent: list[Delivery] = field(default_factory=list)
    failed: list[tuple[Delivery, str]] = field(default_factory=list)
    retry: list[tuple[Delivery, str]] = field(default_factory=list)
    untried: list[Delivery] = field(default_factory=list)
    outcomes: list[tuple[Delivery, bool]] = field(default_factory=list)  # in sending order
    skipped: int = 0
    held: int = 0
    skipped_rows: list[Delivery] = field(default_factory=list)

    def not_built(self, row: Delivery, error: Exception) -> None:
        """The row's email could not be built: it fails alone and counts toward auto-pause."""
        self.untried.remove(row)
        self.failed.append((row, failures.not_built(error)))
        self.outcomes.append((row, False))


def send_batch(ids: list[int], now: datetime | None = None) -> Results:
    """Send the rows still queued among `ids`; safe to run twice or concurrently."""
    now = now or timezone.now()
    rows = claim(ids, now)
    results = Results()
    rows = recheck(rows, results)
    rows = pace(rows, results, now)
    try:
        transmit(rows, results)
    finally:
        # What the transport accepted is recorded even across a database restart.
        outages.write_through(lambda: record(results, now))
        tally(results)
    return results


def kind(row: Delivery) -> str:
    """The metrics label of a ledger row: never who it is for, only what sort of email."""
    return "broadcast" if row.broadcast_id else "sequence_step"


def tally(results: Results) -> None:
    """Count and log each outcome (ids only: no address or name ever reaches a log line)."""
    for name, rows in (
        ("newsletter_emails_sent", results.sent),
        ("newsletter_emails_failed", [row for row, _ in results.failed]),
        ("newsletter_emails_retried", [row for row, _ in results.retry]),
        ("newsletter_emails_skipped", results.skipped_rows),
    ):
        for label in {kind(row) for row in rows}:
            counters.count(name, sum(kind(row) == label for row in rows), kind=label)
    now = timezone.now()
    latencies = [max(0.0, (now - row.created_at).total_seconds()) for row in results.sent]
    counters.observe("newsletter_send_latency_seconds", latencies)
    for row in results.sent:
        logger.info("email sent", extra={"delivery_id": row.pk, "kind": kind(row)})
    for row, error in results.failed:
        logger.warning(
            "email failed", extra={"delivery_id": row.pk, "kind": kind(row), "error": error}
        )
    for row, error in results.retry:
        logger.info(
            "email to be retried", extra={"delivery_id": row.pk, "kind": kind(row), "error": error}
        )


def claim_time(dispatched: datetime | None, queued_at: float) -> datetime | None:
    """The dispatcher's clock plus the time the task waited in the queue.

    A task that waited in a backlog must not claim rows "in the past", or the next pass
    would take its fresh claims for a dead worker's and send them again.
    """
    if dispatched is None or not queued_at:
        return dispatched
    return dispatched + timedelta(seconds=max(0.0, time.time() - queued_at))


def claim(ids: list[int], now: datetime) -> list[Delivery]:
    """Conditional UPDATE queued -> sending; only rows this call flipped are returned."""
    token = secrets.token_hex(16)
    Delivery.objects.filter(pk__in=ids, status=Row.QUEUED).update(
        status=Row.SENDING, claim_token=token, claimed_at=now
    )
    rows = list(
        Delivery.objects.filter(claim_token=token).order_by("pk").select_related("subscriber")
    )
    # A chunk holds one or a few steps or broadcasts: read each once, share it between rows.
    steps = Step.objects.select_related("sequence").in_bulk({r.step_id for r in rows} - {None})
    sent = Broadcast.objects.in_bulk({r.broadcast_id for r in rows} - {None})
    for row in rows:
        if row.step_id:
            row.step = steps[row.step_id]
        else:
            row.broadcast = sent[row.broadcast_id]
    return rows


def recheck(rows: list[Delivery], results: Results) -> list[Delivery]:
    """Drop rows that must not go out any more; hold rows whose sender is paused."""
    suppressed = _suppressed({row.subscriber.email for row in rows})
    exited = _exited(rows)
    paused = bool(rows) and pause.is_paused()  # the practice paused all sending
    sendable, skip, hold = [], {}, []
    for row in rows:
        reason = HOLD if paused else _stop_reason(row, suppressed, exited)
        if reason == HOLD:
            hold.append(row.pk)
        elif reason:
            skip.setdefault(reason, []).append(row.pk)
            results.skipped_rows.append(row)
        else:
            sendable.append(row)
    for reason, pks in skip.items():
        _finish(pks, status=Row.SKIPPED, last_error=reason)
    _finish(hold, status=Row.QUEUED, next_attempt_at=None)
    results.skipped = sum(len(pks) for pks in skip.values())
    results.held = len(hold)
    return sendable


HOLD = "hold"


def pace(rows: list[Delivery], results: Results, now: datetime) -> list[Delivery]:
    """Rows whose reader had an email within their gap wait for the gap to pass."""
    if not rows:
        return rows
    practice = Practice.get()
    sendable, taken = [], {}
    for row in rows:
        step = row.step if row.step_id else None
        key = f"{row.subscriber_id}:{row.step_id}:{row.broadcast_id}"
        reader = taken.get(row.subscriber_id, row.subscriber)
        later = pacing.hold_until(reader, step, now, practice, {}, key)
        if later is None:
            sendable.append(row)
            row.subscriber.last_marketing_at = now  # a second row to them in this batch waits
            taken[row.subscriber_id] = row.subscriber
            continue
        _finish([row.pk], status=Row.QUEUED, next_attempt_at=later)
        results.held += 1
    return sendable


def _stop_reason(row: Delivery, suppressed: set[str], exited: set[tuple[int, int]]) -> str:
    subscriber = row.subscriber
    if subscriber.status == Subscriber.Status.PAUSED:
        return HOLD  # pause keeps the place: the row waits for resume_after_pause
    if subscriber.status != Subscriber.Status.ACTIVE:
        return f"subscriber is {subscriber.status}"
    if addresses.suppression_hash(subscriber.email) in suppressed:
        return "address is suppressed"
    if row.step_id:
        return _step_reason(row, exited)
    return _broadcast_reason(row.broadcast)


def _step_reason(row: Delivery, exited: set[tuple[int, int]]) -> str:
    sequence = row.step.sequence
    if row.step.removed:
        return "step was removed"
    if (row.subscriber_id, sequence.pk) in exited:
        return "subscriber left the sequence"
    if sequence.status == Sequence.Status.PAUSED:
        return HOLD
    return "" if sequence.status == Sequence.Status.ACTIVE else f"sequence is {sequence.status}"


def _broadcast_reason(broadcast: Broadcast) -> str:
    if broadcast.status == Broadcast.Status.PAUSED:
        return HOLD
    return "broadcast cancelled" if broadcast.status == Broadcast.Status.CANCELLED else ""


def _suppressed(emails_: set[str]) -> set[str]:
    hashes = [addresses.suppression_hash(email) for email in emails_ if email]
    found = Suppression.objects.filter(address_hash__in=hashes)
    return set(found.values_list("address_hash", flat=True))


def _exited(rows: list[Delivery]) -> set[tuple[int, int]]:
    """(subscriber, sequence) pairs whose latest enrollment ended early (booked, left...)."""
    step_rows = [row for row in rows if row.step_id]
    latest = {}
    enrollments = Enrollment.objects.filter(
        subscriber_id__in={row.subscriber_id for row in step_rows},
        sequence_id__in={row.step.sequence_id for row in step_rows},
    ).order_by("enrolled_at", "pk")
    for subscriber_id, sequence_id, status in enrollments.values_list(
        "subscriber_id", "sequence_id", "status"
    ):
        latest[(subscriber_id, sequence_id)] = status
    return {pair for pair, status in latest.items() if status == Enrollment.Status.EXITED}


def transmit(rows: list[Delivery], results: Results) -> None:
    """Send outside any transaction, over one connection, at the shared rate."""
    if _inside_transaction():
        raise RuntimeError("Emails are never sent inside a database transaction.")
    if not rows:
        return
    results.untried = list(rows)
    connection = _open(rows, results)
    if connection is None:
        return
    limiter = ratelimit.for_this_account()
    try:
        size = batching.batch_size()
        if size:
            batching.send_batches(
                connection, rows, results, limiter, size, still_active, _send_each
            )
        else:
            _send_each(connection, rows, results, limiter)
    finally:
        connection.close()


def _open(rows: list[Delivery], results: Results):
    connection = mailers.default
    try:
        connection.open()
    except Exception as error:  # noqa: BLE001 (cannot reach the transport: retry them all)
        results.untried.remove(rows[0])
        results.retry.append((rows[0], failures.describe(error)))
        results.outcomes.append((rows[0], False))
        return None
    return connection


def _send_each(connection, rows: list[Delivery], results: Results, limiter) -> None:
    unrecorded = [row for row in rows if not row.message_id]
    messages = _messages(rows, results)
    Delivery.objects.bulk_update(unrecorded, ["message_id"])  # recorded before any send
    for start in limiter.pace(len(messages), RATE_BLOCK):  # one Redis round trip a chunk
        if not _send_block(connection, messages[start : start + RATE_BLOCK], results):
            return


RATE_BLOCK = 10


def _send_block(connection, block, results: Results) -> bool:
    messages = dict(block)
    for row in still_active([row for row, _ in block], results):
        results.untried.remove(row)
        if not _send_one(connection, row, messages[row], results):
            return False
    return True


def still_active(rows: list[Delivery], results: Results) -> list[Delivery]:
    """Re-read the rows' subscribers right before sending: an opt-out mid-chunk wins."""
    statuses = bulk.values_by_pk(Subscriber, {row.subscriber_id for row in rows}, "status")
    keep = []
    for row in rows:
        status = statuses.get(row.subscriber_id)
        if status == Subscriber.Status.ACTIVE:
            keep.append(row)
            continue
        results.untried.remove(row)
        if status == Subscriber.Status.PAUSED:
            _finish([row.pk], status=Row.QUEUED, next_attempt_at=None)
            results.held += 1
        else:
            _finish([row.pk], status=Row.SKIPPED, last_error=f"subscriber is {status}")
            results.skipped += 1
            results.skipped_rows.append(row)
    return keep


def _inside_transaction() -> bool:
    # A test case's own wrapping transaction does not count; any other atomic block does.
    blocks = transaction.get_connection().atomic_blocks
    return any(not getattr(block, "_from_testcase", False) for block in blocks)


def _messages(rows: list[Delivery], results: Results) -> list[tuple[Delivery, object]]:
    """(row, message) for each row whose email can be built; the others fail on their own,
    unless our own infrastructure is down (then the chunk waits, nothing counted)."""
    built = emails.messages_or_errors(rows)  # one set of shared reads per chunk, not per row
    failures.raise_outage(item for item in built if isinstance(item, Exception))
    messages = []
    for row, message in zip(rows, built, strict=True):
        if isinstance(message, Exception):
            results.not_built(row, message)
            continue
        # The ledger's Message-ID (made with the row) is the one sent, on every attempt, so
        # a receiver or ESP can recognise a repeat after a crash.
        if row.message_id:
            message.extra_headers["Message-ID"] = row.message_id
        row.message_id = message.extra_headers["Message-ID"]
        messages.append((row, message))
    return messages


def _send_one(connection, row: Delivery, message, results: Results) -> bool:
    """Send one message; False when the transport looks broken and the chunk should stop."""
    try:
        connection.send_messages([message])
    except Exception as error:  # noqa: BLE001 (every transport error is classified below)
        text = failures.describe(error)
        results.outcomes.append((row, False))
        if failures.is_permanent(error):
            results.failed.append((row, text))
            return True
        results.retry.append((row, text))
        return not failures.breaks_connection(error)
    row.esp_message_id = failures.esp_message_id(message)
    results.sent.append(row)
    results.outcomes.append((row, True))
    return True


def record(results: Results, now: datetime) -> None:
    """Write every outcome; transient failures wait with exponential backoff and jitter."""
    sent_at = timezone.now()
    ids = [row.pk for row in results.sent]
    _finish(ids, status=Row.SENT, sent_at=sent_at, attempts=F("attempts") + 1)
    # The reader's gap counts from the claim (every row in the ledger is a marketing email);
    # the claim time is on the dispatcher's clock, as every due time is.
    readers = {row.subscriber_id for row in results.sent}
    Subscriber.objects.filter(pk__in=readers).update(last_marketing_at=now)
    bulk.update_rows(
        Delivery, [row for row in results.sent if row.esp_message_id], ["esp_message_id"]
    )
    for row, error in results.failed:
        _finish([row.pk], status=Row.FAILED, last_error=error, attempts=F("attempts") + 1)
    for row, error in results.retry:
        _retry_or_fail(row, error, now)
    # Rows never tried (the transport broke first) wait with the first one, no attempt counted.
    later = now + timedelta(seconds=backoff(1)) if results.retry else now
    _finish([row.pk for row in results.untried], status=Row.QUEUED, next_attempt_at=later)
    failures.count_streaks(results.outcomes)
    counting.refresh(ids)


def _retry_or_fail(row: Delivery, error: str, now: datetime) -> None:
    if row.attempts + 1 >= settings.SEND_MAX_ATTEMPTS:
        _finish([row.pk], status=Row.FAILED, last_error=error, attempts=F("attempts") + 1)
        return
    wait = backoff(row.attempts + 1)
    _finish(
        [row.pk],
        status=Row.QUEUED,
        last_error=error,
        attempts=F("attempts") + 1,
        next_attempt_at=now + timedelta(seconds=wait),
    )


def backoff(attempt: int) -> float:
    """Seconds before retry `attempt`: exponential, capped, with full jitter on the top half."""
    ceiling = min(settings.SEND_RETRY_MAX_SECONDS, settings.SEND_RETRY_BASE_SECONDS * 2**attempt)
    return ceiling / 2 + random.uniform(0, ceiling / 2)


def _finish(pks: list[int], **values) -> None:
    if pks:
        Delivery.objects.filter(pk__in=pks).update(claim_token="", **values)
