"""The numbers of the Monday summary: last week (Monday to Sunday, the practice's clock).

- New subscribers: people who confirmed in the week; unsubscribes: each unsubscribe recorded
  in it. Both are the whole list's weekly totals, never one email's, so they are exact.
- Consultations: booked in the week, owed to an email by the attribution rule, not cancelled.
- Best and weakest email: of the emails that went out in the week, those sent to at least 5
  people, the highest and the lowest share of readers who clicked the consultation link (ties:
  the one sent to more people first). Their figures are every reader's so far, and each count
  below 5 reads "fewer than 5", with its rate left out.
- Health: the warnings of the last 30 days' bounce and complaint rates, if any.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from ..models import Booking, Broadcast, ConsentEvent, Delivery, Step, Subscriber
from ..models.subscribers import ConsentKind
from ..stats import health
from ..stats.figures import Figures, for_emails


@dataclass(frozen=True)
class Email:
    subject: str
    where: str  # the sequence's name, or "newsletter"
    figures: Figures

    @property
    def share(self) -> float:
        return self.figures.clicked.value / self.figures.sent.value


@dataclass(frozen=True)
class Summary:
    start: datetime
    end: datetime
    confirmed: int
    unsubscribed: int
    booked: int
    emails_out: int  # emails (steps and newsletters) that went out in the week
    best: Email | None
    weakest: Email | None
    warnings: list[str]


def week_before(now: datetime, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """Last Monday 00:00 to this Monday 00:00 on the practice's clock."""
    today = now.astimezone(zone).date()
    monday = today - timedelta(days=today.weekday())
    end = datetime.combine(monday, time(0), tzinfo=zone)
    return datetime.combine(monday - timedelta(days=7), time(0), tzinfo=zone), end


def last_week(now: datetime, zone: ZoneInfo) -> Summary:
    start, end = week_before(now, zone)
    emails = _emails_out(start, end)
    ranked = sorted(
        (email for email in emails if not email.figures.sent.hidden),
        key=lambda email: (-email.share, -email.figures.sent.value),
    )
    figures = health.last_30_days(now)
    return Summary(
        start=start,
        end=end,
        confirmed=Subscriber.objects.filter(confirmed_at__gte=start, confirmed_at__lt=end).count(),
        unsubscribed=ConsentEvent.objects.filter(
            kind=ConsentKind.UNSUBSCRIBED, created_at__gte=start, created_at__lt=end
        ).count(),
        booked=Booking.objects.filter(
            booked_at__gte=start, booked_at__lt=end, cancelled_at__isnull=True
        )
        .exclude(attributed_to=None)
        .count(),
        emails_out=len(emails),
        best=ranked[0] if ranked else None,
        weakest=ranked[-1] if len(ranked) > 1 else None,
        warnings=[w for w in (figures.complaint_warning, figures.bounce_warning) if w],
    )


def _emails_out(start: datetime, end: datetime) -> list[Email]:
    sent = Delivery.objects.filter(status=Delivery.Status.SENT, sent_at__gte=start, sent_at__lt=end)
    step_ids = sorted(set(sent.exclude(step=None).values_list("step_id", flat=True)))
    broadcast_ids = sorted(set(sent.exclude(broadcast=None).values_list("broadcast_id", flat=True)))
    by_step, by_broadcast = for_emails("step", step_ids), for_emails("broadcast", broadcast_ids)
    steps = Step.objects.filter(pk__in=step_ids).select_related("sequence").order_by("pk")
    found = [Email(s.subject, s.sequence.name, by_step[s.pk]) for s in steps]
    broadcasts = Broadcast.objects.filter(pk__in=broadcast_ids).order_by("pk")
    return found + [Email(b.subject, "newsletter", by_broadcast[b.pk]) for b in broadcasts]
