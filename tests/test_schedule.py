"""When steps go out: delays, send windows in the subscriber's zone, DST, spreading."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from newsletter.models import Enrollment
from newsletter.sequences import sequence_edits, sequences, windows

from .sequencing import enrolled, make_sequence

NEW_YORK = ZoneInfo("America/New_York")
WEEKDAYS_9_TO_5 = windows.Window.of("01234", 9, 17)
EVERY_DAY_9_TO_5 = windows.Window.of("0123456", 9, 17)


def at(zone: ZoneInfo, *parts) -> datetime:
    return windows.local_moment(datetime(*parts), zone)


def test_a_step_due_inside_the_window_goes_out_when_due():
    due = at(NEW_YORK, 2026, 11, 3, 10, 30)  # a Tuesday
    assert windows.send_time(due, WEEKDAYS_9_TO_5, NEW_YORK, "k", ignore=False) == due


def test_a_step_due_at_night_waits_for_the_next_opening_in_the_subscribers_zone():
    tokyo = ZoneInfo("Asia/Tokyo")
    due = at(tokyo, 2026, 11, 3, 22, 0)
    sent = windows.send_time(due, WEEKDAYS_9_TO_5, tokyo, "k", ignore=False)
    opening = at(tokyo, 2026, 11, 4, 9, 0)
    assert opening <= sent < opening + timedelta(hours=1)


def test_a_step_due_on_friday_evening_waits_for_monday_morning():
    due = at(NEW_YORK, 2026, 11, 6, 18, 0)
    sent = windows.send_time(due, WEEKDAYS_9_TO_5, NEW_YORK, "k", ignore=False)
    assert sent.astimezone(NEW_YORK).date().isoformat() == "2026-11-09"
    assert sent.astimezone(NEW_YORK).hour == 9


def test_sends_due_at_an_opening_are_spread_over_its_first_hour_and_are_stable():
    due = at(NEW_YORK, 2026, 11, 3, 3, 0)
    opening = at(NEW_YORK, 2026, 11, 3, 9, 0)
    times = [
        windows.send_time(due, WEEKDAYS_9_TO_5, NEW_YORK, f"{n}", ignore=False) for n in range(200)
    ]
    assert all(opening <= t < opening + timedelta(hours=1) for t in times)
    assert len(set(times)) > 150
    assert times[7] == windows.send_time(due, WEEKDAYS_9_TO_5, NEW_YORK, "7", ignore=False)


def test_ignoring_the_window_sends_at_once_even_at_night():
    due = at(NEW_YORK, 2026, 11, 3, 2, 0)
    assert windows.send_time(due, WEEKDAYS_9_TO_5, NEW_YORK, "k", ignore=True) == due


def test_a_one_day_delay_keeps_the_local_time_across_the_end_of_daylight_saving():
    before = at(NEW_YORK, 2026, 10, 31, 10, 0)  # EDT, UTC-4
    after = windows.after_delay(before, 1, "days", NEW_YORK)
    assert after.astimezone(NEW_YORK).hour == 10
    assert after - before == timedelta(hours=25)


def test_a_window_opening_follows_the_local_clock_after_the_dst_change():
    berlin = ZoneInfo("Europe/Berlin")
    due = at(berlin, 2026, 10, 25, 20, 0)  # the evening clocks went back in Europe
    sent = windows.send_time(due, EVERY_DAY_9_TO_5, berlin, "k", ignore=False)
    assert sent.astimezone(berlin).hour == 9
    assert sent.astimezone(UTC).hour == 8  # CET, no longer CEST


def test_hour_delays_count_real_time_across_the_dst_change():
    before = at(NEW_YORK, 2026, 11, 1, 0, 30)
    assert windows.after_delay(before, 3, "hours", NEW_YORK) - before == timedelta(hours=3)


def test_a_window_needs_a_weekday_and_sensible_hours():
    with pytest.raises(ValueError):
        windows.Window.of("", 9, 17)
    with pytest.raises(ValueError):
        windows.Window.of("012", 17, 9)


def test_an_unknown_time_zone_uses_the_practice_default(practice, audience):
    sequence = make_sequence(audience)
    now = at(NEW_YORK, 2026, 11, 3, 20, 0)
    subscriber = enrolled(audience, "nowhere@example.com", now, time_zone="Mars/Olympus")
    enrollment = Enrollment.objects.get(subscriber=subscriber)
    sequences.advance(enrollment, sequences.live_steps(sequence), now, practice)
    local = enrollment.next_send_at.astimezone(NEW_YORK)
    # One day after 20:00 New York time is after hours, so the next New York opening.
    assert (local.date().isoformat(), local.hour) == ("2026-11-05", 9)


def test_the_sequence_window_falls_back_to_the_practice_window(practice, audience):
    sequence = make_sequence(audience, send_start_hour=7)
    window = sequences.window_of(sequence, practice)
    assert (window.start_hour, window.end_hour) == (7, practice.send_end_hour)
    assert window.days == frozenset(int(d) for d in practice.send_days)


def test_the_first_step_of_a_new_sequence_ignores_the_window_and_later_ones_do_not(audience):
    sequence = make_sequence(audience)
    flags = [step.ignore_window for step in sequences.live_steps(sequence)]
    assert flags == [True, False, False, False]


def test_a_welcome_is_due_at_confirmation_even_at_night(audience):
    make_sequence(audience)
    night = at(NEW_YORK, 2026, 11, 3, 23, 30)
    subscriber = enrolled(audience, "night@example.com", night)
    assert Enrollment.objects.get(subscriber=subscriber).next_send_at == night


def test_confirming_enrolls_in_the_audiences_active_sequences_once(subscribe, audience):
    from newsletter.subscribers import subscriptions

    make_sequence(audience)
    make_sequence(audience, slug="draft-one").__class__.objects.filter(slug="draft-one").update(
        status="draft"
    )
    subscriber = subscribe("new@example.com")
    subscriptions.confirm(subscriber.pk, [audience.pk], subscriptions.Client())
    subscriptions.confirm(subscriber.pk, [audience.pk], subscriptions.Client())
    slugs = list(Enrollment.objects.filter(subscriber=subscriber).values_list("sequence__slug"))
    assert slugs == [("welcome",)]


def test_nobody_is_enrolled_again_unless_the_sequence_allows_reentry(audience):
    now = datetime(2026, 11, 3, 15, tzinfo=UTC)
    strict = make_sequence(audience)
    again = make_sequence(audience, slug="again", allow_reentry=True)
    subscriber = enrolled(audience, "twice@example.com", now)
    Enrollment.objects.filter(subscriber=subscriber).update(status="exited", exit_reason="manual")
    sequences.enroll(subscriber, [audience], now=now)
    counts = {s.slug: s.enrollments.count() for s in (strict, again)}
    assert counts == {"welcome": 1, "again": 2}


def test_adding_a_step_to_an_empty_sequence_marks_it_as_the_welcome(audience):
    sequence = make_sequence(audience, delays=[])
    first = sequence_edits.add_step(sequence, subject="Hi", body="Hello")
    second = sequence_edits.add_step(sequence, subject="Next", body="More", ignore_window=True)
    assert (first.position, first.ignore_window, second.position) == (1, True, 2)
