"""Quiet dates: the days on which no newsletter or later sequence email goes out, in each
reader's own calendar.

The practice lists its own dates (one a line: `2026-12-24` once, or `12-24` every year) and
may turn on days that are hard for many grieving or estranged readers, worked out each year
for the practice's country: public holidays (Thanksgiving, Christmas Day) from the `holidays`
package, observances (Mother's and Father's Day) by each country's rule.
"""

import re
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import holidays
from dateutil.easter import easter

from ..models import Practice
from . import windows

HARD_DAYS = {
    "mothers_day": "Mother's Day",
    "fathers_day": "Father's Day",
    "thanksgiving": "Thanksgiving",
    "christmas": "Christmas Day",
}
LINE = re.compile(r"^(?:(\d{4})-)?(\d{2})-(\d{2})$")
SUNDAY = 6
# Mothering Sunday, the fourth Sunday of Lent (three weeks before Easter).
LENT_MOTHERS_DAY = {"GB", "IE", "NG"}
LAST_SUNDAY_OF_MAY_MOTHERS_DAY = {"FR", "SE", "DO", "DZ", "MA"}
SEPTEMBER_FATHERS_DAY = {"AU", "NZ", "FJ", "PG"}
MARCH_19_FATHERS_DAY = {"ES", "IT", "PT", "BE", "HR", "BO", "HN", "LI"}
THANKSGIVING_RULES = {"CA": (10, 0, 2)}  # second Monday of October (not a federal holiday)


def nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th (1-based) given weekday (0 = Monday) of a month; n = -1 for the last."""
    if n < 0:
        last = date(year, month + 1, 1) - timedelta(days=1) if month < 12 else date(year, 12, 31)
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def mothers_day(country: str, year: int) -> date:
    if country in LENT_MOTHERS_DAY:
        return easter(year) - timedelta(weeks=3)
    if country in LAST_SUNDAY_OF_MAY_MOTHERS_DAY:
        return nth_weekday(year, 5, SUNDAY, -1)
    return nth_weekday(year, 5, SUNDAY, 2)  # US, CA, AU, NZ, DE, IT, JP and many more


def fathers_day(country: str, year: int) -> date:
    if country in SEPTEMBER_FATHERS_DAY:
        return nth_weekday(year, 9, SUNDAY, 1)
    if country in MARCH_19_FATHERS_DAY:
        return date(year, 3, 19)
    return nth_weekday(year, 6, SUNDAY, 3)  # US, GB, CA, IE, FR and many more


def _public(country: str, year: int, name: str) -> date | None:
    try:
        found = holidays.country_holidays(country, years=year)
    except NotImplementedError:
        return None
    return next((day for day, title in sorted(found.items()) if name in title), None)


def thanksgiving(country: str, year: int) -> date | None:
    if country in THANKSGIVING_RULES:
        month, weekday, n = THANKSGIVING_RULES[country]
        return nth_weekday(year, month, weekday, n)
    return _public(country, year, "Thanksgiving")


def christmas(country: str, year: int) -> date | None:
    return _public(country, year, "Christmas Day") or _public(country, year, "Christmas")


RULES = {
    "mothers_day": mothers_day,
    "fathers_day": fathers_day,
    "thanksgiving": thanksgiving,
    "christmas": christmas,
}


def hard_days(country: str, chosen: list[str], year: int) -> dict[date, str]:
    """The chosen hard days of one year in one country, {date: name}."""
    found = {}
    for key in chosen:
        if key in RULES and (day := RULES[key](country, year)) is not None:
            found[day] = HARD_DAYS[key]
    return found


def parse(text: str) -> list[tuple[int | None, int, int]]:
    """The practice's own lines as (year or None for every year, month, day); ValueError
    names the first line that is not a date."""
    dates = []
    for line in filter(None, (line.strip() for line in text.splitlines())):
        match = LINE.match(line)
        if not match:
            raise ValueError(f"“{line}” is not a date like 2026-12-24 or 12-24.")
        year, month, day = (int(part) if part else None for part in match.groups())
        date(year or 2024, month, day)  # raises ValueError for 02-30 and the like
        dates.append((year, month, day))
    return dates


def chosen_of(practice: Practice) -> list[str]:
    return [key for key in practice.hard_days.split(",") if key in HARD_DAYS]


@lru_cache(maxsize=256)
def _calendar(country: str, chosen: tuple[str, ...], own: str, year: int) -> frozenset[date]:
    days = set(hard_days(country, list(chosen), year))
    try:
        lines = parse(own)
    except ValueError:
        lines = []  # refused by the settings form; never stops sending
    for line_year, month, day in lines:
        if line_year in (None, year):
            try:
                days.add(date(year, month, day))
            except ValueError:
                continue  # 29 February in a year without it
    return frozenset(days)


def dates_of(practice: Practice, year: int) -> frozenset[date]:
    """Every quiet date of one year for this practice."""
    return _calendar(practice.country, tuple(chosen_of(practice)), practice.quiet_dates, year)


def is_quiet(practice: Practice, day: date) -> bool:
    return day in dates_of(practice, day.year)


def next_open(at: datetime, zone, practice: Practice, window: windows.Window, key: str):
    """`at` if it falls on an ordinary local day, else the send window's first opening on
    the next day that is not quiet."""
    for _ in range(60):
        local_day = at.astimezone(zone).date()
        if not is_quiet(practice, local_day):
            return at
        midnight = windows.local_moment(
            datetime.combine(local_day + timedelta(days=1), time()), zone
        )
        at = windows.send_time(midnight, window, zone, key, False)
    return at
