"""Schedules in a therapist's words: "weekdays, 9 am to 5 pm", "Day 2", never "0 = Monday"."""

from datetime import datetime

from ..models import Step
from .windows import Window, zone_named

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WEEKDAYS, WEEKEND = frozenset(range(5)), frozenset({5, 6})


def hour(value: int) -> str:
    """9 -> "9 am", 13 -> "1 pm", 0 and 24 -> "midnight", 12 -> "noon"."""
    if value % 24 == 0:
        return "midnight"
    if value == 12:
        return "noon"
    return f"{value % 12 or 12} {'am' if value < 12 else 'pm'}"


def moment(value: datetime, zone_name: str) -> str:
    """An instant on the practice's clock: "Tuesday 3 Dec, 9:12 am", "Friday 6 Dec, 9 am"."""
    local = value.astimezone(zone_named(zone_name, "UTC"))
    if local.minute:
        clock = f"{local.hour % 12 or 12}:{local.minute:02d} {'am' if local.hour < 12 else 'pm'}"
    else:
        clock = hour(local.hour)
    return f"{DAY_NAMES[local.weekday()]} {local.day} {local:%b}, {clock}"


def people(count: int) -> str:
    """1 -> "1 person", 312 -> "312 people"."""
    return f"{count} {'person' if count == 1 else 'people'}"


def names(items: list[str]) -> str:
    """["A"] -> "A", ["A", "B", "C"] -> "A, B and C"."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def days(chosen: frozenset[int]) -> str:
    if chosen == frozenset(range(7)):
        return "every day"
    if chosen == WEEKDAYS:
        return "weekdays"
    if chosen == WEEKEND:
        return "weekends"
    return names([DAY_NAMES[day] + "s" for day in sorted(chosen)])


def window(value: Window, whose: str = "in each reader's time zone") -> str:
    """'weekdays, 9 am to 5 pm, in each reader's time zone'."""
    return f"{days(value.days)}, {hour(value.start_hour)} to {hour(value.end_hour)}, {whose}"


def timeline(steps: list[Step]) -> list[str]:
    """Each step's place counted from confirming: "Day 0 (on confirming)", "Day 2", ...

    Delays add up along the sequence; hours and minutes are shown beside the day they fall on.
    """
    labels, minutes = [], 0
    for step in steps:
        minutes += step.delay_value * UNIT_MINUTES[step.delay_unit]
        day, rest = divmod(minutes, 24 * 60)
        label = "Day 0 (on confirming)" if minutes == 0 else f"Day {day}"
        if rest:
            label += f", {_duration(rest)} later" if day == 0 else f" and {_duration(rest)}"
        labels.append(label)
    return labels


UNIT_MINUTES = {"minutes": 1, "hours": 60, "days": 24 * 60}


def _duration(minutes: int) -> str:
    hours, mins = divmod(minutes, 60)
    parts = [f"{hours} hour{'s' * (hours != 1)}"] if hours else []
    parts += [f"{mins} minute{'s' * (mins != 1)}"] if mins else []
    return " ".join(parts)
