"""When a step goes out, in every IANA time zone and across its DST changes: inside the send
window in the reader's own local time, never before the moment it was scheduled from, and
never earlier than its delay (days on the reader's calendar, hours and minutes exactly)."""

from datetime import UTC, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from hypothesis import example, given, settings
from hypothesis import strategies as st

from newsletter.delivery import pacing
from newsletter.models import Enrollment, Practice, Sequence, Step, Subscriber
from newsletter.sequences import sequences, windows

ZONES = sorted(available_timezones())
SCAN_FROM = datetime(2025, 1, 1, tzinfo=UTC)
SCAN_WEEKS = 3 * 52  # 2025 to 2027


def _offset(zone: ZoneInfo, moment: datetime) -> timedelta:
    return moment.astimezone(zone).utcoffset()


@cache
def transitions(name: str) -> tuple[datetime, ...]:
    """The instants (to the second) at which the zone's UTC offset changed, 2025 to 2027:
    a weekly scan of the offset, then a bisection inside each week where it changed."""
    zone, found = ZoneInfo(name), []
    for week in range(SCAN_WEEKS):
        low = SCAN_FROM + timedelta(weeks=week)
        high = low + timedelta(weeks=1)
        if _offset(zone, low) == _offset(zone, high):
            continue
        while high - low > timedelta(seconds=1):
            middle = low + (high - low) / 2
            low, high = (
                (middle, high) if _offset(zone, middle) == _offset(zone, low) else (low, middle)
            )
        found.append(high.replace(microsecond=0))
    return tuple(found)


def _window(days: str, start: int, end: int) -> windows.Window:
    return windows.Window.of(days, start, end)


def check(after: datetime, value: int, unit: str, window, zone, key: str, ignore=False):
    """The properties of one scheduled step; returns the send time."""
    due = windows.after_delay(after, value, unit, zone)
    at = windows.send_time(due, window, zone, key, ignore)
    assert at >= after, (after, value, unit, at)
    assert at >= due, (due, at)
    if unit == "days":
        # the local date and time of the delay's end are at least the start's plus its days
        start_local = after.astimezone(zone).replace(tzinfo=None)
        assert due.astimezone(zone).replace(tzinfo=None) >= start_local + timedelta(days=value)
    else:
        assert due == after + timedelta(**{unit: value})
    if not ignore:
        assert window.contains(at, zone), (str(zone), after, at.astimezone(zone), window)
    return at


def _windows_around(local: datetime) -> list[windows.Window]:
    """Windows that open or close in the hour a DST change touches, and everyday ones."""
    hour = local.hour
    found = [_window("0123456", 9, 17), _window("01234", 0, 24), _window("6", 7, 8)]
    for start, end in ((hour, hour + 1), (hour, hour + 2), (hour - 1, hour + 1)):
        if 0 <= start < end <= 24:
            found.append(_window("0123456", start, end))
    return found


DELAYS = [(0, "days"), (1, "days"), (0, "hours"), (1, "hours"), (30, "minutes")]
QUIET_INSTANTS = [datetime(2026, 3, 8, 7, 30, tzinfo=UTC), datetime(2026, 11, 1, 1, 0, tzinfo=UTC)]


def test_every_zone_and_its_next_dst_changes_keep_window_past_and_delay():
    """Deterministic: each zone, at instants either side of its first two offset changes
    from 2025 (the hypothesis tests below draw from all of them, and from zones' history)."""
    checked = 0
    for name in ZONES:
        zone = ZoneInfo(name)
        changes = transitions(name)
        instants = [
            change + timedelta(minutes=minutes)
            for change in changes[:2]
            for minutes in (-90, -1, 0, 30)
        ] or QUIET_INSTANTS
        for number, moment in enumerate(instants):
            before = (moment - timedelta(minutes=1)).astimezone(zone)
            for window in _windows_around(before):
                for value, unit in DELAYS:
                    check(moment, value, unit, window, zone, f"{name}:{number}")
                    checked += 1
    assert checked > len(ZONES) * 20


@cache
def _all_changes() -> tuple[tuple[str, datetime], ...]:
    return tuple((name, change) for name in ZONES for change in transitions(name))


zones = st.sampled_from(ZONES)
hours = st.integers(0, 23)
weekday_sets = st.sets(st.integers(0, 6), min_size=1).map(lambda s: "".join(map(str, sorted(s))))
delays = st.one_of(
    st.tuples(st.integers(0, 30), st.just("days")),
    st.tuples(st.integers(0, 72), st.just("hours")),
    st.tuples(st.integers(0, 600), st.just("minutes")),
)


@st.composite
def near_a_change(draw):
    """A zone and an instant within two days of one of its offset changes (or any instant
    between 1970 and 2037 for a zone's history, LMT offsets in seconds included)."""
    changes = _all_changes()
    if draw(st.booleans()):
        name, change = draw(st.sampled_from(changes))
        return name, change + timedelta(seconds=draw(st.integers(-2 * 86400, 2 * 86400)))
    seconds = draw(st.integers(0, 67 * 365 * 86400))
    return draw(zones), datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=seconds)


@st.composite
def send_windows(draw):
    start = draw(hours)
    end = draw(st.integers(start + 1, 24))
    return draw(weekday_sets), start, end


@settings(max_examples=300, deadline=None)
@given(
    place=near_a_change(),
    window=send_windows(),
    delay=delays,
    ignore=st.booleans(),
    reader=st.integers(1, 10**9),
)
@example(  # the night the clocks go back: 1:30 the second time, a delay of 0 days
    place=("America/New_York", datetime(2026, 11, 1, 6, 30, tzinfo=UTC)),
    window=("0123456", 0, 24),
    delay=(0, "days"),
    ignore=False,
    reader=1,
)
@example(  # a 2:00-3:00 window on the day 2:00 becomes 3:00 has no opening that day
    place=("America/New_York", datetime(2026, 3, 8, 5, 0, tzinfo=UTC)),
    window=("0123456", 2, 3),
    delay=(0, "minutes"),
    ignore=False,
    reader=1,
)
@example(  # Lord Howe Island moves its clocks by half an hour: 2:00 becomes 2:30
    place=("Australia/Lord_Howe", datetime(2026, 10, 3, 14, 0, tzinfo=UTC)),
    window=("0123456", 2, 3),
    delay=(0, "minutes"),
    ignore=False,
    reader=7,
)
def test_a_step_is_due_inside_the_readers_window_never_in_the_past_nor_before_its_delay(
    place, window, delay, ignore, reader
):
    """Through the product's own `due_at`, with the reader's zone, the sequence's window and
    the step's delay (models unsaved: nothing here needs the database)."""
    name, after = place
    days, start, end = window
    practice = Practice(default_time_zone="UTC", send_days="01234", send_start_hour=9)
    sequence = Sequence(pk=3, send_days=days, send_start_hour=start, send_end_hour=end)
    enrollment = Enrollment(subscriber=Subscriber(pk=reader, time_zone=name), sequence=sequence)
    value, unit = delay
    step = Step(position=2, delay_value=value, delay_unit=unit, ignore_window=ignore)
    at = sequences.due_at(enrollment, step, after, practice)
    zone = ZoneInfo(name)
    expected = check(after, value, unit, sequences.window_of(sequence, practice), zone, "", ignore)
    if ignore:
        assert at == expected


@settings(max_examples=150, deadline=None)
@given(
    place=near_a_change(),
    window=send_windows(),
    gap_hours=st.integers(1, 200),
    since=st.integers(0, 300 * 3600),
    pace=st.sampled_from(["normal", "fewer"]),
)
def test_a_reader_held_by_their_gap_gets_the_email_inside_the_window_once_it_has_passed(
    place, window, gap_hours, since, pace
):
    """pacing.hold_until: None (send now) or a later moment inside the window, after the gap."""
    name, now = place
    days, start, end = window
    practice = Practice(
        default_time_zone="UTC",
        send_days=days,
        send_start_hour=start,
        send_end_hour=end,
        min_hours_between_emails=gap_hours,
        country="",
    )
    last = now - timedelta(seconds=since)
    reader = Subscriber(pk=5, time_zone=name, pace=pace, last_marketing_at=last)
    later = pacing.hold_until(reader, None, now, practice, {}, "broadcast:1:5")
    free = last + pacing.gap(reader, practice)
    if later is None:
        assert free <= now
    else:
        assert later > now and later >= free
        assert pacing.practice_window(practice).contains(later, ZoneInfo(name))


NEW_YORK = ZoneInfo("America/New_York")
EVERY_DAY = "0123456"


def test_a_delay_of_no_days_from_the_repeated_hour_does_not_go_back_an_hour():
    second_half_past_one = datetime(2026, 11, 1, 6, 30, tzinfo=UTC)  # 1:30 EST, after 1:30 EDT
    assert windows.after_delay(second_half_past_one, 0, "days", NEW_YORK) == second_half_past_one
    assert windows.after_delay(second_half_past_one, 1, "days", NEW_YORK) == datetime(
        2026, 11, 2, 6, 30, tzinfo=UTC
    )


def test_a_window_the_clocks_skip_opens_the_next_day():
    two_to_three = _window(EVERY_DAY, 2, 3)
    midnight = datetime(2026, 3, 8, 5, 0, tzinfo=UTC)  # 2:00 becomes 3:00 that night
    at = windows.send_time(midnight, two_to_three, NEW_YORK, "reader", False)
    assert at.astimezone(NEW_YORK).date().isoformat() == "2026-03-09"
    assert at.astimezone(NEW_YORK).hour == 2


def test_the_spread_stays_inside_a_window_half_an_hour_shorter_that_day():
    lord_howe = ZoneInfo("Australia/Lord_Howe")  # 2:00 becomes 2:30 on 4 October 2026
    two_to_three = _window(EVERY_DAY, 2, 3)
    before = datetime(2026, 10, 3, 14, 0, tzinfo=UTC)  # 1:30 local
    for reader in range(50):
        at = windows.send_time(before, two_to_three, lord_howe, f"r{reader}", False)
        local = at.astimezone(lord_howe)
        assert (local.hour, local.day) == (2, 4) and local.minute >= 30
