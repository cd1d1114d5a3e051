"""How each email did: sent, delivered, bounced, complaints, readers who clicked, unsubscribes,
bookings; every figure read from the running totals `counting` keeps, and every count below 5
hidden with its rates.

No open tracking, and no figure names a reader. A click within 10 seconds of the email leaving
is a link scanner's, not a reader's, and is not counted. An unsubscribe counts against every
email its person was sent in the 7 days before it. A booking counts for the one email the
attribution rule owes it to; a cancelled booking does not count.
"""

from dataclasses import dataclass, field, fields

from ..models import EmailNumbers
from ..sequences import attribution
from .counting import SCANNER_GRACE, UNSUBSCRIBE_WINDOW

SMALL = 5
SCANNER_SECONDS = int(SCANNER_GRACE.total_seconds())
UNSUBSCRIBE_DAYS = UNSUBSCRIBE_WINDOW.days
BOOKING_WINDOW = attribution.WINDOW
KINDS = {"step", "broadcast"}


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


def for_emails(kind: str, ids: list[int]) -> dict[int, Figures]:
    """Figures for these steps (kind "step") or broadcasts ("broadcast"), keyed by their id."""
    if kind not in KINDS:
        raise KeyError(kind)
    names = [f.name for f in fields(Figures)]
    totals = EmailNumbers.objects.filter(kind=kind, email_id__in=ids).values("email_id", *names)
    found = {row["email_id"]: row for row in totals}
    return {
        pk: Figures(**{name: Number(found.get(pk, {}).get(name, 0)) for name in names})
        for pk in ids
    }
