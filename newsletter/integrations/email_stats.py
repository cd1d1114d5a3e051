"""Per-email statistics for the API, every count under 5 withheld so no one is singled out."""

from django.db.models import Count, Q

from ..models import Broadcast, Click, Delivery, Step

SMALLEST = 5
NOTE = "fewer than 5"


def _shown(value: int) -> int | None:
    return value if value >= SMALLEST else None


def _rate(part: int, whole: int) -> float | None:
    if part < SMALLEST or whole < SMALLEST:
        return None
    return round(part / whole, 4)


def of(email: Step | Broadcast) -> dict:
    """Sent, delivered, bounced, complaints and unique consultation clickers of one email."""
    key = "step" if isinstance(email, Step) else "broadcast"
    rows = Delivery.objects.filter(**{key: email})
    counts = rows.aggregate(
        sent=Count("pk", filter=Q(status=Delivery.Status.SENT)),
        delivered=Count("pk", filter=Q(event=Delivery.Event.DELIVERED)),
        bounced=Count(
            "pk", filter=Q(event__in=[Delivery.Event.BOUNCED, Delivery.Event.SOFT_BOUNCED])
        ),
        complaints=Count("pk", filter=Q(event=Delivery.Event.COMPLAINED)),
    )
    clicks = Click.objects.filter(**{f"delivery__{key}": email})
    counts["consultation_clickers"] = clicks.values("delivery__subscriber").distinct().count()
    shown = {name: _shown(value) for name, value in counts.items()}
    withheld = [name for name, value in shown.items() if value is None]
    sent = counts["sent"]
    rates = {
        "delivered_rate": _rate(counts["delivered"], sent),
        "bounce_rate": _rate(counts["bounced"], sent),
        "complaint_rate": _rate(counts["complaints"], sent),
        "click_rate": _rate(counts["consultation_clickers"], sent),
    }
    notes = {name: NOTE for name in withheld}
    return {**shown, **rates, "notes": notes}
