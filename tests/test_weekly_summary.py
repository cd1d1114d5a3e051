"""The Monday summary: last week's numbers with small counts hidden, sent once a week on
Monday morning in the practice's own time zone, and never to a practice that turned it off."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from newsletter.alerts import summary, weekly
from newsletter.models import Booking, Click, ConsentEvent, Delivery, Practice, WeeklySummary
from newsletter.stats import recount
from tests.sequencing import make_sequence, make_subscriber

ZONE = "America/New_York"
# Monday 7 December 2026, 8:30 am in New York; last week is Monday 30 Nov to Sunday 6 Dec.
MONDAY_MORNING = datetime(2026, 12, 7, 13, 30, tzinfo=UTC)
IN_THE_WEEK = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)


@pytest.fixture
def new_york(practice):
    Practice.objects.filter(pk=practice.pk).update(default_time_zone=ZONE)


@pytest.fixture
def sequence(audience):
    return make_sequence(audience)


def reader(audience, n: int, **fields):
    return make_subscriber(audience, f"w{n}@example.com", **fields)


def sent(step, count: int, clicks: int, start: int) -> list[Delivery]:
    rows = []
    for n in range(start, start + count):
        rows.append(
            Delivery.objects.create(
                subscriber=reader(step.sequence.audience, n),
                step=step,
                status="sent",
                sent_at=IN_THE_WEEK,
                event="delivered",
            )
        )
    for row in rows[:clicks]:
        Click.objects.create(delivery=row, created_at=IN_THE_WEEK + timedelta(hours=2))
    recount.recount(repair=True)  # written behind the running totals: count them again
    return rows


@pytest.fixture
def last_week(audience, sequence):
    """Six people confirmed in the week (one before it), two unsubscribes, one booking owed
    to an email (and one cancelled, one owed to none); three emails went out."""
    for n in range(6):
        reader(audience, 100 + n, confirmed_at=IN_THE_WEEK)
    reader(audience, 200, confirmed_at=IN_THE_WEEK - timedelta(days=9))
    steps = list(sequence.steps.order_by("position"))
    best = sent(steps[0], 10, clicks=5, start=0)
    sent(steps[1], 8, clicks=1, start=20)
    sent(steps[2], 3, clicks=3, start=40)
    for row in best[:2]:
        ConsentEvent.objects.create(
            subscriber=row.subscriber, kind="unsubscribed", created_at=IN_THE_WEEK
        )
    Booking.objects.create(
        subscriber=best[2].subscriber, tool="hook", attributed_to=best[2], booked_at=IN_THE_WEEK
    )
    Booking.objects.create(
        subscriber=best[3].subscriber,
        tool="hook",
        attributed_to=best[3],
        booked_at=IN_THE_WEEK,
        cancelled_at=IN_THE_WEEK,
    )
    Booking.objects.create(subscriber=best[4].subscriber, tool="hook", booked_at=IN_THE_WEEK)
    return steps


def test_last_week_runs_monday_to_sunday_on_the_practice_clock():
    start, end = summary.week_before(MONDAY_MORNING, ZoneInfo(ZONE))
    assert (start.isoformat(), end.isoformat()) == (
        "2026-11-30T00:00:00-05:00",
        "2026-12-07T00:00:00-05:00",
    )


def test_the_summary_counts_the_week_and_compares_emails_sent_to_five_or_more(new_york, last_week):
    week = summary.last_week(MONDAY_MORNING, ZoneInfo(ZONE))
    assert (week.confirmed, week.unsubscribed, week.booked, week.emails_out) == (6, 2, 1, 3)
    assert week.best.subject == "Step 1" and week.weakest.subject == "Step 2"
    assert week.best.figures.rate("clicked") == "50.0 %"
    assert str(week.weakest.figures.clicked) == "fewer than 5"
    assert week.weakest.figures.rate("clicked") == ""


def test_the_summary_email_reads_well_and_hides_small_counts(new_york, last_week, outbox):
    assert weekly.send_if_due(MONDAY_MORNING) is True
    [email] = outbox
    practice = Practice.get()
    assert email.to == [practice.reply_to or practice.sender_email]
    assert email.subject == f"Your week at {practice.name}: 6 new subscribers, 1 consultation"
    text = email.body
    assert "Monday 30 November to Sunday 6 December" in text
    assert "6 new subscribers confirmed." in text and "2 people unsubscribed." in text
    assert "1 consultation booked from your emails." in text
    assert 'Did best: "Step 1" (Welcome). Sent to 10 people so far; 5 clicked' in text
    assert "(50.0 %)" in text
    assert 'Did least: "Step 2" (Welcome). Sent to 8 people so far; fewer than 5 clicked' in text
    assert "Step 3" not in text  # sent to fewer than 5: not compared
    assert "/workspace/settings/emails-to-you/" in text
    html = email.alternatives[0][0]
    assert "fewer than 5 clicked your consultation link." in html and 'style="' in html
    assert "unsubscribe" not in email.extra_headers.get("List-Unsubscribe", "")
    print(email.subject, text, sep="\n\n")


def test_a_quiet_week_says_so_plainly(new_york, outbox):
    weekly.send_if_due(MONDAY_MORNING)
    [email] = outbox
    assert "0 new subscribers confirmed." in email.body
    assert "No emails went out last week." in email.body
    assert "within healthy limits" in email.body


def test_a_health_warning_is_in_the_summary(new_york, audience, sequence, outbox):
    step = sequence.steps.get(position=1)
    for n in range(20):
        Delivery.objects.create(
            subscriber=reader(audience, n),
            step=step,
            status="sent",
            sent_at=MONDAY_MORNING - timedelta(days=3),
            event="bounced" if n < 2 else "",
        )
    recount.recount(repair=True)
    weekly.send_if_due(MONDAY_MORNING)
    assert "More than 5 % of your emails bounce" in outbox[0].body


def test_the_summary_goes_once_a_week(new_york, outbox):
    assert weekly.send_if_due(MONDAY_MORNING) is True
    assert weekly.send_if_due(MONDAY_MORNING + timedelta(hours=1)) is False
    assert weekly.send_if_due(MONDAY_MORNING + timedelta(hours=6)) is False
    assert len(outbox) == 1
    assert weekly.send_if_due(MONDAY_MORNING + timedelta(days=7)) is True
    assert len(outbox) == 2
    assert WeeklySummary.objects.filter(sent_at__isnull=False).count() == 2


def test_monday_is_the_practice_monday_not_utc(new_york, outbox, time_machine):
    # Monday 3 am UTC is Sunday 10 pm in New York: nothing.
    time_machine.move_to(datetime(2026, 12, 7, 3, 0, tzinfo=UTC), tick=False)
    assert weekly.send_if_due() is False
    # Monday 7 am in New York (noon UTC) is before the morning: nothing yet.
    time_machine.move_to(datetime(2026, 12, 7, 12, 0, tzinfo=UTC), tick=False)
    assert weekly.send_if_due() is False
    time_machine.move_to(MONDAY_MORNING, tick=False)
    assert weekly.send_if_due() is True
    # Tuesday in New York: this week's went; next comes on Monday.
    time_machine.move_to(datetime(2026, 12, 8, 13, 30, tzinfo=UTC), tick=False)
    assert weekly.send_if_due() is False
    assert len(outbox) == 1


def test_a_practice_in_tokyo_gets_it_on_its_own_monday_while_utc_is_still_sunday(practice, outbox):
    Practice.objects.filter(pk=practice.pk).update(default_time_zone="Asia/Tokyo")
    sunday_utc = datetime(2026, 12, 6, 23, 30, tzinfo=UTC)  # Monday 8:30 am in Tokyo
    assert weekly.send_if_due(sunday_utc) is True
    assert len(outbox) == 1


def test_a_practice_that_turned_the_summary_off_gets_nothing(new_york, outbox):
    Practice.objects.update(weekly_summary=False)
    assert weekly.send_if_due(MONDAY_MORNING) is False
    assert outbox == [] and not WeeklySummary.objects.exists()


def test_a_failed_send_is_tried_again_at_the_next_hour(new_york, outbox, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr("anymail.backends.test.EmailBackend.send_messages", broken)
    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", broken)
    with pytest.raises(OSError):
        weekly.send_if_due(MONDAY_MORNING)
    monkeypatch.undo()
    assert weekly.send_if_due(MONDAY_MORNING + timedelta(hours=1)) is True
    assert len(outbox) == 1
