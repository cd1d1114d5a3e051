"""Send windows and delays, evaluated in the subscriber's own time zone across DST changes."""

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

SPREAD_SECONDS = 3600  # sends due at a window's opening are spread over its first hour


@dataclass(frozen=True)
class Window:
    """Weekdays (0 = Monday) and local hours [start, end) when email may go out."""

    days: frozenset[int]
    start_hour: int
    end_hour: int

    @classmethod
    def of(cls, days: str, start_hour: int, end_hour: int) -> "Window":
        parsed = frozenset(int(day) for day in days if day.isdigit() and int(day) < 7)
        if not parsed or not 0 <= start_hour < end_hour <= 24:
            raise ValueError("A send window needs at least one weekday and start < end hours.")
        return cls(parsed, start_hour, end_hour)

    def contains(self, moment: datetime, zone: ZoneInfo) -> bool:
        local = moment.astimezone(zone)
        return local.weekday() in self.days and self.start_hour <= local.hour < self.end_hour

    def next_opening(self, moment: datetime, zone: ZoneInfo) -> datetime:
        """The first opening of the window strictly after `moment` (in UTC).

        An opening hour that a DST change skips opens the window when the clocks resume;
        a day whose window the change skips entirely (2:00 to 3:00 on the day 2:00 becomes
        3:00) has no opening.
        """
        today = moment.astimezone(zone).date()
        for offset in range(15):
            day = today + timedelta(days=offset)
            opening = local_moment(datetime.combine(day, time(self.start_hour)), zone)
            if day.weekday() in self.days and opening > moment and self.contains(opening, zone):
                return opening
        raise ValueError("A send window needs at least one weekday.")

    def closing(self, opening: datetime, zone: ZoneInfo) -> datetime:
        """When the window that is open at `opening` closes (in UTC)."""
        midnight = datetime.combine(opening.astimezone(zone).date(), time())
        return local_moment(midnight + timedelta(hours=self.end_hour), zone)

    @property
    def spread_seconds(self) -> int:
        return min(SPREAD_SECONDS, (self.end_hour - self.start_hour) * 3600)


def local_moment(naive: datetime, zone: ZoneInfo) -> datetime:
    """A local wall-clock time as a real instant in UTC (a time inside a DST gap moves on)."""
    aware = naive.replace(tzinfo=zone)
    return datetime.fromtimestamp(aware.timestamp(), UTC)


def zone_named(name: str, fallback: str) -> ZoneInfo:
    for candidate in (name, fallback, "UTC"):
        try:
            return ZoneInfo(candidate)
        except (ZoneInfoNotFoundError, ValueError):
            continue
    return ZoneInfo("UTC")


def after_delay(start: datetime, value: int, unit: str, zone: ZoneInfo) -> datetime:
    """`start` plus a delay; days count on the local calendar, so 10:00 stays 10:00 over DST."""
    if unit == "days":
        local = start.astimezone(zone)
        # Wall-clock arithmetic; the fold says which 1:30 is meant on the night the clocks go
        # back, so no delay (not even 0 days) ends before it started.
        later = (local + timedelta(days=value)).replace(fold=local.fold, tzinfo=None)
        return local_moment(later, zone)
    return start + timedelta(**{unit: value})


def spread_offset(key: str, seconds: int = SPREAD_SECONDS) -> timedelta:
    """A stable offset below `seconds`, so sends due at one moment are not one burst."""
    digest = hashlib.blake2b(key.encode(), digest_size=8).digest()
    return timedelta(seconds=int.from_bytes(digest) % seconds)


def send_time(due: datetime, window: Window, zone: ZoneInfo, key: str, ignore: bool) -> datetime:
    """When an email due at `due` may go out: at once if inside the window, else spread."""
    if ignore or window.contains(due, zone):
        return due
    opening = window.next_opening(due, zone)
    # Spread within the window: a DST change can leave it shorter than its hours that day.
    room = int((window.closing(opening, zone) - opening).total_seconds())
    return opening + spread_offset(key, max(1, min(window.spread_seconds, room)))
