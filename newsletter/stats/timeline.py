"""The list over time, in the practice's calendar: who joined and who left each week, and the
consultations booked through the emails each month.

Every figure is one grouped query over the consent trail or the bookings (never the send
ledger), bucketed by the practice's local week (Monday to Sunday) or month, so a week that
spans a clock change is still one week. A week or month with nothing in it is a 0.

These are totals for the whole list, not one email's, so they are shown as they are, even
when small: no count here says anything about one reader.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth, TruncWeek

from ..models import Booking, ConsentEvent
from ..models.subscribers import ConsentKind

WEEKS = 26
MONTHS = 12
# Joining the list: confirming by email, subscribing again, or imported as having agreed.
JOINED = (ConsentKind.CONFIRMED, ConsentKind.RESUBSCRIBED, ConsentKind.IMPORTED)


@dataclass(frozen=True)
class Week:
    start: date  # the Monday, in the practice's calendar
    confirmed: int
    unsubscribed: int

    @property
    def net(self) -> int:
        return self.confirmed - self.unsubscribed


@dataclass(frozen=True)
class Month:
    start: date  # the first of the month
    booked: int


def weekly_subscribers(now: datetime, zone: ZoneInfo, weeks: int = WEEKS) -> list[Week]:
    """The last `weeks` weeks, oldest first, this week (so far) last."""
    this_monday = now.astimezone(zone).date() - timedelta(days=now.astimezone(zone).weekday())
    mondays = [this_monday - timedelta(weeks=back) for back in range(weeks - 1, -1, -1)]
    rows = (
        ConsentEvent.objects.filter(
            created_at__gte=_midnight(mondays[0], zone),
            created_at__lte=now,
            kind__in=[*JOINED, ConsentKind.UNSUBSCRIBED],
        )
        .annotate(week=TruncWeek("created_at", tzinfo=zone))
        .values("week")
        .annotate(
            # One person counts once a week for each, however often they changed their mind.
            confirmed=Count("subscriber", distinct=True, filter=Q(kind__in=JOINED)),
            unsubscribed=Count(
                "subscriber", distinct=True, filter=Q(kind=ConsentKind.UNSUBSCRIBED)
            ),
        )
        .order_by()
    )
    found = {_day(row["week"], zone): (row["confirmed"], row["unsubscribed"]) for row in rows}
    return [Week(monday, *found.get(monday, (0, 0))) for monday in mondays]


def monthly_bookings(now: datetime, zone: ZoneInfo, months: int = MONTHS) -> list[Month]:
    """Consultations booked through an email (attributed to one, not cancelled), per month for
    the last `months` months, oldest first, this month (so far) last."""
    firsts = _month_starts(now.astimezone(zone).date(), months)
    rows = (
        Booking.objects.filter(
            attributed_to__isnull=False,
            cancelled_at__isnull=True,
            booked_at__gte=_midnight(firsts[0], zone),
            booked_at__lte=now,
        )
        .annotate(month=TruncMonth("booked_at", tzinfo=zone))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    found = {_day(row["month"], zone): row["n"] for row in rows}
    return [Month(first, found.get(first, 0)) for first in firsts]


def _month_starts(today: date, months: int) -> list[date]:
    index = today.year * 12 + today.month - 1
    starts = [index - back for back in range(months - 1, -1, -1)]
    return [date(i // 12, i % 12 + 1, 1) for i in starts]


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), tzinfo=zone)


def _day(value: date | datetime, zone: ZoneInfo) -> date:
    """A truncated value as a local date (backends return a date or an aware datetime)."""
    if isinstance(value, datetime):
        return value.astimezone(zone).date() if value.tzinfo else value.date()
    return value
