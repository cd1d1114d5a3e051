"""The running totals follow the ledger: every change to a row, a click, an unsubscribe or a
booking adds its difference, so the Numbers page never groups the ledger.

Each ledger row remembers, as bits in `Delivery.counted`, which figures it already adds to its
email's totals. `refresh(ids)` locks the rows, works out what each should add now and applies
only the difference, with `F()` increments on rows created by an insert that ignores
conflicts: a replayed provider event changes nothing, a delivered email that later bounces
moves from one figure to the other, and two workers never lose each other's updates. A row
whose detail was folded away keeps what it counted. Imports: models only.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from django.db import connection, transaction
from django.db.models import F

from ..models import Click, ConsentEvent, Delivery, EmailNumbers, SendHour
from ..models.subscribers import ConsentKind

SCANNER_GRACE = timedelta(seconds=10)  # a click this soon after sending is a link scanner's
UNSUBSCRIBE_WINDOW = timedelta(days=7)
Event = Delivery.Event
BITS = {
    "sent": 1,
    "delivered": 2,
    "bounced": 4,
    "complained": 8,
    "clicked": 16,
    "unsubscribed": 32,
}
DELIVERED = (Event.DELIVERED, Event.COMPLAINED)
BOUNCED = (Event.BOUNCED, Event.SOFT_BOUNCED)
HOURLY = ("sent", "bounced", "complained")
CHUNK = 500
COLUMNS = ("pk", "status", "event", "sent_at", "step_id", "broadcast_id", "subscriber_id")


def bits_of(row: dict, clicks: list[datetime], unsubscribes: list[datetime]) -> int:
    """What one ledger row adds: nothing unless sent; then its provider event, a reader's
    click (not a scanner's) and an unsubscribe in the 7 days after it left."""
    if row["status"] != Delivery.Status.SENT:
        return 0
    bits = BITS["sent"]
    event, sent_at = row["event"], row["sent_at"]
    bits |= BITS["delivered"] if event in DELIVERED else 0
    bits |= BITS["bounced"] if event in BOUNCED else 0
    bits |= BITS["complained"] if event == Event.COMPLAINED else 0
    if sent_at is not None:
        if any(at >= sent_at + SCANNER_GRACE for at in clicks):
            bits |= BITS["clicked"]
        if any(sent_at <= at <= sent_at + UNSUBSCRIBE_WINDOW for at in unsubscribes):
            bits |= BITS["unsubscribed"]
    return bits


def email_key(row: dict) -> tuple[str, int]:
    if row["step_id"] is not None:
        return EmailNumbers.Kind.STEP, row["step_id"]
    return EmailNumbers.Kind.BROADCAST, row["broadcast_id"]


def hour_of(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def refresh(ids: Iterable[int], event_only: bool = False) -> int:
    """Bring these ledger rows' share of the totals up to date; returns how many changed.

    `event_only`: only the provider's event changed (not the status or the send time), so
    the click and unsubscribe bits stand as they are, and are not looked up again."""
    ids = sorted(set(ids))
    changed = 0
    for start in range(0, len(ids), CHUNK):
        with transaction.atomic():
            changed += _refresh(ids[start : start + CHUNK], event_only)
    return changed


def _refresh(ids: list[int], event_only: bool) -> int:
    rows = list(_locked(ids).values(*COLUMNS, "counted"))
    if event_only:
        return _apply(rows, _event_bits)
    clicks, unsubscribes = defaultdict(list), defaultdict(list)
    for delivery_id, at in Click.objects.filter(delivery_id__in=ids).values_list(
        "delivery_id", "created_at"
    ):
        clicks[delivery_id].append(at)
    readers = {row["subscriber_id"] for row in rows}
    unsubscribed = ConsentEvent.objects.filter(
        subscriber_id__in=readers, kind=ConsentKind.UNSUBSCRIBED
    )
    for subscriber_id, at in unsubscribed.values_list("subscriber_id", "created_at"):
        unsubscribes[subscriber_id].append(at)
    return _apply(
        rows, lambda row: bits_of(row, clicks[row["pk"]], unsubscribes[row["subscriber_id"]])
    )


def _event_bits(row: dict) -> int:
    kept = row["counted"] & (BITS["clicked"] | BITS["unsubscribed"])
    return bits_of(row, [], []) | (kept if row["status"] == Delivery.Status.SENT else 0)


def _apply(rows: list[dict], should) -> int:
    """Store each row's new bits and add the differences to the totals."""
    per_email, per_hour, now_counts = defaultdict(Counter), defaultdict(Counter), defaultdict(list)
    for row in rows:
        bits = should(row)
        if bits == row["counted"]:
            continue
        now_counts[bits].append(row["pk"])
        for name, bit in BITS.items():
            delta = bool(bits & bit) - bool(row["counted"] & bit)
            if delta:
                per_email[email_key(row)][name] += delta
                if name in HOURLY and row["sent_at"] is not None:
                    per_hour[hour_of(row["sent_at"])][name] += delta
    for bits, pks in now_counts.items():
        Delivery.objects.filter(pk__in=pks).update(counted=bits)
    add(per_email, per_hour)
    return sum(len(pks) for pks in now_counts.values())


def _locked(ids: list[int]):
    """The rows, locked until the transaction ends (on SQLite a write takes the lock)."""
    rows = Delivery.objects.filter(pk__in=ids, folded_at__isnull=True).order_by("pk")
    if connection.vendor == "sqlite":
        rows.update(counted=F("counted"))
        return rows
    return rows.select_for_update()


def add(per_email: dict, per_hour: dict | None = None) -> None:
    """Add these differences to the totals, creating any total that does not exist yet."""
    for (kind, email_id), deltas in sorted(per_email.items()):
        _increment(EmailNumbers, {"kind": kind, "email_id": email_id}, deltas)
    for hour, deltas in sorted((per_hour or {}).items()):
        _increment(SendHour, {"hour": hour}, deltas)


def _increment(model, key: dict, deltas: Counter) -> None:
    increments = {name: F(name) + n for name, n in deltas.items() if n}
    if not increments:
        return
    total = model.objects.filter(**key)
    if not total.update(**increments):
        model.objects.bulk_create([model(**key)], ignore_conflicts=True)
        total.update(**increments)


def booking(delivery_id: int | None, delta: int) -> None:
    """A booking owed to this email was added (+1) or cancelled or erased (-1)."""
    if delivery_id is None:
        return
    row = Delivery.objects.filter(pk=delivery_id).values("step_id", "broadcast_id").first()
    if row is not None:
        add({email_key(row): Counter(booked=delta)})


def unsubscribed(subscriber_id: int, at: datetime) -> int:
    """An unsubscribe counts against the emails this person was sent in the 7 days before."""
    recent = Delivery.objects.filter(
        subscriber_id=subscriber_id,
        status=Delivery.Status.SENT,
        sent_at__gte=at - UNSUBSCRIBE_WINDOW,
        sent_at__lte=at,
    )
    return refresh(recent.values_list("pk", flat=True))


def of_subscriber(subscriber_id: int) -> int:
    """After a change to this person's clicks or consent trail (erasure, for one)."""
    return refresh(
        Delivery.objects.filter(subscriber_id=subscriber_id).values_list("pk", flat=True)
    )


def forget_hours(ids: list[int]) -> None:
    """Rows about to lose their send time leave the hourly totals (their email keeps them)."""
    per_hour = defaultdict(Counter)
    rows = Delivery.objects.filter(pk__in=ids, sent_at__isnull=False, counted__gt=0)
    for sent_at, bits in rows.values_list("sent_at", "counted"):
        for name in HOURLY:
            per_hour[hour_of(sent_at)][name] -= bool(bits & BITS[name])
    add({}, per_hour)
