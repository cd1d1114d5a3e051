"""How each email did: sent, delivered, bounced, complaints, readers who clicked, unsubscribes,
bookings; every figure from grouped queries, and every count below 5 hidden with its rates.

No open tracking, and no figure names a reader. A click within 10 seconds of the email leaving
is a link scanner's, not a reader's, and is not counted. An unsubscribe counts against every
email its person was sent in the 7 days before it. A booking counts for the one email the
attribution rule owes it to; a cancelled booking does not count.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, F, Q

from ..models import Booking, Click, Delivery
from ..models.subscribers import ConsentKind
from ..sequences import attribution

SMALL = 5
SCANNER_SECONDS = 10
SCANNER_GRACE = timedelta(seconds=SCANNER_SECONDS)
UNSUBSCRIBE_DAYS = 7
BOOKING_WINDOW = attribution.WINDOW
Event = Delivery.Event


@dataclass(frozen=True)
class Number:
    """One count as she sees it: "fewer than 5" below 5, and then no rate either."""

    value: int

    @property
    def hidden(self) -> bool:
        return self.value < SMALL

    def __str__(self) -> str:
        return "fewer than 5" if self.hidden else f"{self.value:,}"

    def rate_of(self, whole: "Number") -> str:
        """The share of `whole`, "" when either count is hidden."""
        if self.hidden or whole.hidden:
            return ""
        return percent(self.value / whole.value)


def percent(share: float) -> str:
    """0.0312 -> "3.1 %"; small shares keep two decimals ("0.08 %")."""
    value = share * 100
    return f"{value:.2f} %" if value < 1 else f"{value:.1f} %"


@dataclass(frozen=True)
class Figures:
    sent: Number = field(default_factory=lambda: Number(0))
    delivered: Number = field(default_factory=lambda: Number(0))
    bounced: Number = field(default_factory=lambda: Number(0))
    complained: Number = field(default_factory=lambda: Number(0))
    clicked: Number = field(default_factory=lambda: Number(0))
    unsubscribed: Number = field(default_factory=lambda: Number(0))
    booked: Number = field(default_factory=lambda: Number(0))

    def rate(self, name: str) -> str:
        """A figure's share of the emails sent ("" when hidden)."""
        return getattr(self, name).rate_of(self.sent)

    @property
    def rates(self) -> dict[str, str]:
        """Every figure's share of the emails sent, by name, for templates."""
        names = ("delivered", "bounced", "complained", "clicked", "unsubscribed", "booked")
        return {name: self.rate(name) for name in names}


KEYS = {"step": "step_id", "broadcast": "broadcast_id"}


def for_emails(kind: str, ids: list[int]) -> dict[int, Figures]:
    """Figures for these steps (kind "step") or broadcasts ("broadcast"), keyed by their id."""
    key = KEYS[kind]
    sent = Delivery.objects.filter(**{f"{key}__in": ids}, status=Delivery.Status.SENT)
    columns = _ledger(sent, key)
    columns["clicked"] = _grouped(_real_clicks(sent), f"delivery__{key}", "delivery_id")
    columns["unsubscribed"] = _grouped(_unsubscribed(sent), key, "pk")
    booked = Booking.objects.filter(**{f"attributed_to__{key}__in": ids}, cancelled_at__isnull=True)
    columns["booked"] = _grouped(booked, f"attributed_to__{key}", "pk")
    return {
        pk: Figures(**{name: Number(column.get(pk, 0)) for name, column in columns.items()})
        for pk in ids
    }


def _ledger(sent, key: str) -> dict[str, dict[int, int]]:
    rows = (
        sent.order_by()
        .values(key)
        .annotate(
            sent=Count("pk"),
            delivered=Count("pk", filter=Q(event__in=[Event.DELIVERED, Event.COMPLAINED])),
            bounced=Count("pk", filter=Q(event__in=[Event.BOUNCED, Event.SOFT_BOUNCED])),
            complained=Count("pk", filter=Q(event=Event.COMPLAINED)),
        )
    )
    names = ("sent", "delivered", "bounced", "complained")
    return {name: {row[key]: row[name] for row in rows} for name in names}


def _real_clicks(sent):
    """Clicks by readers: a GET within 10 seconds of the email leaving is a link scanner's."""
    return Click.objects.filter(
        delivery__in=sent, created_at__gte=F("delivery__sent_at") + SCANNER_GRACE
    )


def _unsubscribed(sent):
    """Emails whose reader unsubscribed within 7 days after it was sent."""
    return sent.filter(
        subscriber__consent_events__kind=ConsentKind.UNSUBSCRIBED,
        subscriber__consent_events__created_at__gte=F("sent_at"),
        subscriber__consent_events__created_at__lte=F("sent_at") + timedelta(days=UNSUBSCRIBE_DAYS),
    )


def _grouped(rows, key: str, counted: str) -> dict[int, int]:
    grouped = rows.order_by().values(key).annotate(n=Count(counted, distinct=True))
    return {row[key]: row["n"] for row in grouped}
