"""The Monday summary: due from 8 am on Monday on the practice's clock, sent once a week.

Beat asks every hour. The week's row is claimed before the email is built, so a second run,
or two workers at once, send nothing more; a claim whose task died is taken again after
CLAIM_STALE. A practice that turned the summary off in its settings gets nothing.
"""

from datetime import datetime, timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from ..mail import emails
from ..models import Practice, WeeklySummary
from ..sequences.windows import zone_named
from . import messages, summary

MORNING = 8
CLAIM_STALE = timedelta(minutes=30)


def send_if_due(now: datetime | None = None) -> bool:
    """Send last week's summary if this is Monday morning or later that day and none went."""
    now = now or timezone.now()
    practice = Practice.get()
    zone = zone_named(practice.default_time_zone, "UTC")
    local = now.astimezone(zone)
    if not practice.weekly_summary or local.weekday() != 0 or local.hour < MORNING:
        return False
    week = WeeklySummary.objects.get_or_create(week_of=local.date())[0]
    mine = WeeklySummary.objects.filter(pk=week.pk, sent_at__isnull=True).filter(
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_STALE)
    )
    if not mine.update(claimed_at=now):
        return False
    try:
        message(summary.last_week(now, zone)).send(using="default")
    except Exception:
        WeeklySummary.objects.filter(pk=week.pk).update(claimed_at=None)
        raise
    WeeklySummary.objects.filter(pk=week.pk).update(sent_at=now)
    return True


def message(figures: summary.Summary):
    last_day = figures.end - timedelta(days=1)
    context = {
        "summary": figures,
        "week": f"{figures.start:%A} {figures.start.day} {figures.start:%B} to "
        f"{last_day:%A} {last_day.day} {last_day:%B}",
        "numbers_url": emails.absolute(reverse("workspace:numbers")),
        "settings_url": emails.absolute(reverse("workspace:settings_summary")),
    }
    return messages.send_to_practice("weekly_summary", context)
