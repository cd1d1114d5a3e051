"""The list over time: weeks and months in the practice's calendar (across clock changes),
net = confirmed - unsubscribed, empty weeks as 0, bookings through the emails only, the page."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from newsletter.models import Booking, ConsentEvent, Delivery
from newsletter.stats import timeline
from newsletter.workspace import charts
from tests.sequencing import make_sequence, make_subscriber

NEW_YORK = ZoneInfo("America/New_York")


def at(*parts) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def event(reader, kind: str, when: datetime) -> None:
    ConsentEvent.objects.create(subscriber=reader, kind=kind, created_at=when)


@pytest.fixture
def readers(audience):
    return [make_subscriber(audience, f"r{n}@example.com") for n in range(8)]


def test_a_sunday_evening_after_the_spring_clock_change_stays_in_its_local_week(readers):
    # Clocks go forward in New York on Sunday 9 March 2025. 23:30 that Sunday is already
    # Monday in UTC; 00:30 on Monday 10 March is still Monday 04:30 in UTC.
    event(readers[0], "confirmed", at(2025, 3, 10, 3, 30))  # Sunday 9 March, 11:30 pm local
    event(readers[1], "confirmed", at(2025, 3, 10, 4, 30))  # Monday 10 March, 0:30 am local
    weeks = timeline.weekly_subscribers(at(2025, 3, 20, 12), NEW_YORK, weeks=4)
    assert [week.start for week in weeks] == [
        date(2025, 2, 24),
        date(2025, 3, 3),
        date(2025, 3, 10),
        date(2025, 3, 17),
    ]
    assert [week.confirmed for week in weeks] == [0, 1, 1, 0]


def test_the_autumn_clock_change_week_keeps_its_late_sunday_events(readers):
    # Clocks go back on Sunday 2 November 2025; 11:30 pm that night is 04:30 UTC on Monday.
    event(readers[0], "unsubscribed", at(2025, 11, 3, 4, 30))
    event(readers[1], "unsubscribed", at(2025, 11, 3, 5, 30))  # Monday 0:30 am local
    weeks = timeline.weekly_subscribers(at(2025, 11, 5, 12), NEW_YORK, weeks=2)
    assert [(w.start, w.unsubscribed) for w in weeks] == [
        (date(2025, 10, 27), 1),
        (date(2025, 11, 3), 1),
    ]


def test_net_is_confirmed_minus_unsubscribed_and_weeks_with_nothing_are_zero(readers):
    for reader in readers[:5]:
        event(reader, "confirmed", at(2025, 6, 3, 15))
    event(readers[5], "resubscribed", at(2025, 6, 4, 15))
    event(readers[6], "imported", at(2025, 6, 5, 15))
    event(readers[0], "unsubscribed", at(2025, 6, 6, 15))
    event(readers[1], "unsubscribed", at(2025, 6, 6, 16))
    for reader in readers[2:6]:  # a week when more left than joined
        event(reader, "unsubscribed", at(2025, 6, 18, 15))
    event(readers[7], "requested", at(2025, 6, 18, 15))  # asking is not joining
    weeks = timeline.weekly_subscribers(at(2025, 6, 25, 12), NEW_YORK, weeks=5)
    assert [(w.confirmed, w.unsubscribed, w.net) for w in weeks] == [
        (0, 0, 0),
        (7, 2, 5),
        (0, 0, 0),
        (0, 4, -4),
        (0, 0, 0),
    ]


def test_one_person_counts_once_a_week_however_often_they_confirm(readers):
    event(readers[0], "confirmed", at(2025, 6, 3, 15))
    event(readers[0], "resubscribed", at(2025, 6, 4, 15))
    weeks = timeline.weekly_subscribers(at(2025, 6, 5, 12), NEW_YORK, weeks=1)
    assert (weeks[0].confirmed, len(weeks)) == (1, 1)


def test_the_default_window_is_twenty_six_weeks_ending_with_this_one(readers):
    event(readers[0], "confirmed", at(2024, 12, 1, 15))  # long before the window
    weeks = timeline.weekly_subscribers(at(2025, 6, 5, 12), NEW_YORK)
    assert len(weeks) == 26 and weeks[-1].start == date(2025, 6, 2)
    assert sum(week.confirmed for week in weeks) == 0


def booking(reader, when: datetime, attributed, cancelled=None) -> Booking:
    return Booking.objects.create(
        subscriber=reader,
        tool="practice",
        booked_at=when,
        attributed_to=attributed,
        cancelled_at=cancelled,
    )


def test_only_bookings_owed_to_an_email_and_not_cancelled_count_per_local_month(audience, readers):
    step = make_sequence(audience).steps.get(position=1)
    sent = [
        Delivery.objects.create(subscriber=r, step=step, status="sent", sent_at=at(2025, 2, 1))
        for r in readers[:4]
    ]
    booking(readers[0], at(2025, 3, 10, 15), sent[0])
    booking(readers[1], at(2025, 4, 1, 2), sent[1])  # 31 March, 10 pm in New York
    booking(readers[2], at(2025, 4, 2, 15), None)  # not through an email
    booking(readers[3], at(2025, 4, 3, 15), sent[3], cancelled=at(2025, 4, 4))
    months = timeline.monthly_bookings(at(2025, 4, 20, 12), NEW_YORK, months=3)
    assert [(m.start, m.booked) for m in months] == [
        (date(2025, 2, 1), 0),
        (date(2025, 3, 1), 2),
        (date(2025, 4, 1), 0),
    ]


def test_twelve_months_run_back_across_the_new_year(db):
    months = timeline.monthly_bookings(at(2025, 2, 10, 12), NEW_YORK)
    assert len(months) == 12
    assert (months[0].start, months[-1].start) == (date(2024, 3, 1), date(2025, 2, 1))


def test_the_chart_scale_rounds_up_and_bars_keep_their_proportions():
    assert [charts.nice(v) for v in (0, 1, 3, 7, 12, 60, 101)] == [1, 1, 5, 10, 20, 100, 200]
    chart = charts.bars([10, 5, 0], ["Jan", "", ""], down=[2, 0, 0])
    assert chart.top == 10
    assert [bar.height for bar in chart.up] == [120.0, 60.0, 0.0]
    assert chart.up[0].y == chart.top_y and chart.down[0].y == chart.baseline
    assert (chart.down[0].height, chart.bottom, chart.bottom_y - chart.baseline) == (24.0, 2, 24.0)
    more_left = charts.bars([1], [""], down=[20])  # the larger side gets the full height
    assert (more_left.top, more_left.bottom, more_left.down[0].height) == (1, 20, 120.0)


def test_week_labels_name_each_month_once():
    mondays = [date(2025, 1, 27), date(2025, 2, 3), date(2025, 2, 10), date(2025, 3, 3)]
    assert charts.week_labels(mondays) == ["", "Feb", "", "Mar"]


def test_the_numbers_page_shows_the_weeks_and_months_with_their_tables(therapist, readers):
    for reader in readers[:6]:
        event(reader, "confirmed", datetime.now(UTC))
    page = therapist.get("/workspace/numbers/").content.decode()
    assert "Over time" in page and "This week so far: 6 confirmed, 0 unsubscribed, net +6." in page
    assert page.count("<rect ") >= 1 and "Each week’s figures, newest first" in page
    assert "Each month’s consultations, newest first" in page


def test_a_quiet_half_year_is_said_in_words_not_drawn_as_an_empty_chart(therapist):
    page = therapist.get("/workspace/numbers/").content.decode()
    assert "Nobody confirmed or unsubscribed in the last 26 weeks." in page
    assert "No consultations were booked through your emails in the last 12 months." in page
    assert 'aria-labelledby="weekly-title"' not in page
