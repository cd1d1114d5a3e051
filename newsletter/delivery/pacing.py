"""One email at a time: the least time between two marketing emails to one reader, and when
the next one may go out.

The gap is the practice's `min_hours_between_emails`, or a week for a reader who chose
"Fewer emails". It counts from the reader's last marketing email (sequence step or
broadcast; the confirmation and data-rights emails are not marketing). A reader with an
email still on its way gets nothing else until it has left. The welcome (the first step,
sent at once on confirming) to someone who has had no marketing email yet is never held.
Nothing else goes out on a quiet date of the reader's own calendar (quiet_dates.py).
"""

from datetime import datetime, timedelta

from ..models import Delivery, Practice, Step, Subscriber
from ..sequences import quiet_dates, sequences, windows

WEEK_HOURS = 168
FEWER = "fewer"
IN_ORDER_WAIT = timedelta(minutes=5)
UNFINISHED = (Delivery.Status.QUEUED, Delivery.Status.SENDING)


def gap(subscriber: Subscriber, practice: Practice) -> timedelta:
    hours = practice.min_hours_between_emails
    if subscriber.pace == FEWER:
        hours = max(hours, WEEK_HOURS)
    return timedelta(hours=hours)


def is_welcome(step: Step | None) -> bool:
    """The first step, sent as soon as the reader confirms."""
    return step is not None and step.position == 1 and step.ignore_window


def exempt(subscriber: Subscriber, step: Step | None) -> bool:
    return is_welcome(step) and subscriber.last_marketing_at is None


def free_from(subscriber: Subscriber, practice: Practice) -> datetime | None:
    """When the reader's gap since their last marketing email ends (None: no email yet)."""
    if subscriber.last_marketing_at is None:
        return None
    return subscriber.last_marketing_at + gap(subscriber, practice)


def practice_window(practice: Practice) -> windows.Window:
    return windows.Window.of(practice.send_days, practice.send_start_hour, practice.send_end_hour)


def opening(moment: datetime, subscriber: Subscriber, practice: Practice, key: str, window=None):
    """The first moment from `moment` inside the send window, in the reader's time zone."""
    window = window or practice_window(practice)
    zone = sequences.zone_of(subscriber, practice)
    return windows.send_time(moment, window, zone, key, False)


def in_flight(subscriber_ids) -> dict[int, datetime]:
    """Readers with a marketing email still on its way: when it is next tried."""
    rows = Delivery.objects.filter(subscriber_id__in=list(subscriber_ids), status__in=UNFINISHED)
    found: dict[int, datetime] = {}
    for subscriber_id, at in rows.values_list("subscriber_id", "next_attempt_at"):
        found[subscriber_id] = max(filter(None, (found.get(subscriber_id), at)), default=None)
    return found


def hold_until(
    subscriber: Subscriber,
    step: Step | None,
    now: datetime,
    practice: Practice,
    busy: dict[int, datetime],
    key: str,
    window=None,
) -> datetime | None:
    """When this email may go out instead of now, or None when it may go now."""
    if exempt(subscriber, step):
        return None
    if subscriber.pk in busy:
        return max(now + IN_ORDER_WAIT, busy[subscriber.pk] or now)
    window = window or practice_window(practice)
    free = free_from(subscriber, practice)
    at = opening(free, subscriber, practice, key, window) if free and free > now else now
    zone = sequences.zone_of(subscriber, practice)
    at = quiet_dates.next_open(at, zone, practice, window, key)  # nothing on a quiet date
    return None if at <= now else at
