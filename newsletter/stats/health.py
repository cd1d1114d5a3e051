"""Deliverability over the last 30 days: bounce and complaint rates, with warnings in words.

The limits are the mailbox providers': Gmail and Yahoo ask bulk senders to keep spam
complaints under 0.3 % (and aim under 0.1 %); providers such as Amazon SES review an account
whose bounces pass about 5 %. These figures are shown at any count: they are the whole
list's, never one email's.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q, Sum

from ..models import Delivery, SendHour
from . import counting
from .figures import percent

DAYS = 30
COMPLAINT_LIMIT, COMPLAINT_AIM = 0.003, 0.001
BOUNCE_LIMIT, BOUNCE_NEAR = 0.05, 0.03
POSTMASTER_TOOLS = "https://postmaster.google.com/"
Event = Delivery.Event
HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class Health:
    sent: int
    bounced: int
    complained: int
    bounce_warning: str
    complaint_warning: str

    @property
    def bounce_rate(self) -> str:
        return percent(self.bounced / self.sent) if self.sent else "none sent"

    @property
    def complaint_rate(self) -> str:
        return percent(self.complained / self.sent) if self.sent else "none sent"


def last_30_days(now: datetime) -> Health:
    """Whole hours from the hourly totals; only the two part-hours at the ends from the ledger."""
    start = now - timedelta(days=DAYS)
    first_hour = counting.hour_of(start)
    if first_hour < start:
        first_hour += HOUR
    last_hour = counting.hour_of(now)
    whole = SendHour.objects.filter(hour__gte=first_hour, hour__lt=last_hour)
    totals = whole.aggregate(sent=Sum("sent"), bounced=Sum("bounced"), complained=Sum("complained"))
    sent_rows = Delivery.objects.filter(status=Delivery.Status.SENT)
    ends = sent_rows.filter(
        Q(sent_at__gte=start, sent_at__lt=first_hour) | Q(sent_at__gte=last_hour, sent_at__lte=now)
    ).aggregate(
        sent=Count("pk"),
        bounced=Count("pk", filter=Q(event__in=[Event.BOUNCED, Event.SOFT_BOUNCED])),
        complained=Count("pk", filter=Q(event=Event.COMPLAINED)),
    )
    sent, bounced, complained = (
        (totals[n] or 0) + ends[n] for n in ("sent", "bounced", "complained")
    )
    return Health(
        sent=sent,
        bounced=bounced,
        complained=complained,
        bounce_warning=bounce_warning(bounced / sent if sent else 0.0),
        complaint_warning=complaint_warning(complained / sent if sent else 0.0),
    )


def complaint_warning(rate: float) -> str:
    if rate >= COMPLAINT_LIMIT:
        return (
            "Too many people are marking your emails as spam: Gmail and Yahoo ask senders to "
            "stay under 0.3 %, and past it your emails may go to spam folders. Send less often, "
            "make the unsubscribe link easy to find, and remind readers why they get your emails."
        )
    if rate >= COMPLAINT_AIM:
        return (
            "Spam complaints are above 0.1 %, the level to aim under (the limit is 0.3 %). "
            "Look at which emails bring unsubscribes and consider sending less often."
        )
    return ""


def bounce_warning(rate: float) -> str:
    if rate >= BOUNCE_LIMIT:
        return (
            "More than 5 % of your emails bounce: email providers review accounts past about "
            "5 % and may stop your sending. Make sure every address came from a confirmed "
            "sign-up, and never import an old list without asking each person to confirm."
        )
    if rate >= BOUNCE_NEAR:
        return (
            "Bounces are getting close to 5 %, where email providers review accounts. Check "
            "where recent addresses came from; addresses that bounce for good are never mailed "
            "again."
        )
    return ""
