"""Old send detail folded into per-email counts: the numbers stay, the personal detail goes.

Ledger rows older than DETAIL_RETENTION_DAYS lose their error text, message ids, provider
event and times, and their consultation-link clicks are deleted; what they counted (sent,
failed, skipped, delivered, bounced, complained, clicks) is added to their email's
`EmailTally` first, in the same transaction; each row keeps what it adds to its email's
running totals, and leaves the hourly health totals (which only look 30 days back). The rows
themselves stay: dispatch reads the past rows of each (subscriber, step) and broadcast so
nobody gets an email twice.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone

from ..models import Click, Delivery, EmailTally
from ..stats import counting

Row = Delivery.Status
STATUS_COUNTS = {Row.SENT: "sent", Row.FAILED: "failed", Row.SKIPPED: "skipped"}
EVENT_COUNTS = {
    Delivery.Event.DELIVERED: "delivered",
    Delivery.Event.SOFT_BOUNCED: "soft_bounced",
    Delivery.Event.BOUNCED: "bounced",
    Delivery.Event.COMPLAINED: "complained",
}
BLANK = {
    "last_error": "",
    "message_id": "",
    "esp_message_id": "",
    "event": "",
    "claim_token": "",
    "claimed_at": None,
    "sent_at": None,
    "next_attempt_at": None,
}


def fold_old_detail(now: datetime | None = None, chunk: int = 500) -> int:
    """Fold every finished row older than DETAIL_RETENTION_DAYS; returns how many."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.DETAIL_RETENTION_DAYS)
    old = Delivery.objects.filter(folded_at__isnull=True, created_at__lt=cutoff).exclude(
        status__in=(Row.QUEUED, Row.SENDING)
    )
    folded = 0
    while True:
        with transaction.atomic():
            locked = old.order_by("pk").select_for_update(skip_locked=True)
            ids = list(locked.values_list("pk", flat=True)[:chunk])
            if not ids:
                return folded
            _add_to_tallies(ids, now)
            counting.forget_hours(ids)
            Click.objects.filter(delivery_id__in=ids).delete()
            Delivery.objects.filter(pk__in=ids).update(**BLANK, folded_at=now)
        folded += len(ids)


def _add_to_tallies(ids: list[int], now: datetime) -> None:
    counts: dict[tuple, dict[str, int]] = {}
    rows = Delivery.objects.filter(pk__in=ids)
    for field, names in (("status", STATUS_COUNTS), ("event", EVENT_COUNTS)):
        grouped = rows.values("step_id", "broadcast_id", field).annotate(n=Count("pk"))
        for group in grouped:
            if group[field] in names:
                key = (group["step_id"], group["broadcast_id"])
                counts.setdefault(key, {})[names[group[field]]] = group["n"]
    clicks = Click.objects.filter(delivery_id__in=ids).values(
        "delivery__step_id", "delivery__broadcast_id"
    )
    for group in clicks.annotate(n=Count("pk")):
        key = (group["delivery__step_id"], group["delivery__broadcast_id"])
        counts.setdefault(key, {})["clicks"] = group["n"]
    for (step_id, broadcast_id), added in counts.items():
        tally, _ = EmailTally.objects.get_or_create(step_id=step_id, broadcast_id=broadcast_id)
        increments = {name: F(name) + n for name, n in added.items()}
        EmailTally.objects.filter(pk=tally.pk).update(**increments, folded_through=now)
