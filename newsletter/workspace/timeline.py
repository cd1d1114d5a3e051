"""The list over time on the Numbers page, and the next 14 days' calendar of what goes out."""

from datetime import datetime

from django.http import HttpRequest
from django.shortcuts import render
from django.utils import timezone

from ..models import Practice
from ..sequences import upcoming as calendar
from ..sequences.windows import zone_named
from ..stats import timeline
from . import charts
from .access import staff_only


def over_time(now: datetime, practice: Practice) -> dict:
    """The Numbers page's "over time" part: weekly joins and leaves, monthly bookings."""
    zone = zone_named(practice.default_time_zone, "UTC")
    weeks = timeline.weekly_subscribers(now, zone)
    months = timeline.monthly_bookings(now, zone)
    return {
        "weeks": weeks,
        "weeks_chart": charts.bars(
            [week.confirmed for week in weeks],
            charts.week_labels([week.start for week in weeks]),
            down=[week.unsubscribed for week in weeks],
        ),
        "months": months,
        "months_chart": charts.bars(
            [month.booked for month in months],
            charts.month_labels([month.start for month in months]),
        ),
        "zone_name": practice.default_time_zone,
        # Nothing to draw: the page says so in words instead of showing an empty chart.
        "weeks_quiet": not any(week.confirmed or week.unsubscribed for week in weeks),
        "months_quiet": not any(month.booked for month in months),
    }


@staff_only
def upcoming(request: HttpRequest):
    practice = Practice.get()
    context = {
        "section": "upcoming",
        "calendar": calendar.next_days(timezone.now(), practice),
        "zone_name": practice.default_time_zone,
    }
    return render(request, "workspace/upcoming.html", context)
