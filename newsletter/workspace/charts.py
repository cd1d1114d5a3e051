"""Bar charts drawn as plain SVG by the templates: this module only works out the geometry.

Every chart is in its own units (a viewBox), scaled to the page's width, so it reads the
same on a phone; the exact figures are in the table under each chart.
"""

from dataclasses import dataclass
from datetime import date

WIDTH = 400  # the viewBox's width: about a phone's, so its words stay readable there
LEFT = 30  # room for the scale's numbers
RIGHT = 6
HEIGHT = 120  # bars' room above the line (and below it, for a chart that goes both ways)


@dataclass(frozen=True)
class Bar:
    x: float
    width: float
    y: float  # the top of the bar
    height: float
    label: str  # the axis label under it ("" for none)
    label_x: float


@dataclass(frozen=True)
class Chart:
    up: list[Bar]
    down: list[Bar]  # empty for a chart that only goes up
    top: int  # the scale's value at the top line
    bottom: int  # and at the bottom line, below zero (0 for a chart that only goes up)
    top_y: float
    baseline: float  # y of the zero line
    bottom_y: float
    width: int = WIDTH
    left: int = LEFT

    @property
    def right(self) -> int:
        return self.width - RIGHT

    @property
    def height(self) -> float:
        return self.bottom_y + 28  # room for the labels under the bars

    @property
    def label_y(self) -> float:
        return self.height - 6

    @property
    def bottom_labelled(self) -> bool:
        """Room for the bottom line's number beside the zero's."""
        return self.bottom_y - self.baseline >= 18

    @property
    def scale_x(self) -> int:
        return self.left - 4


def nice(value: int) -> int:
    """The scale's top: the smallest of 1, 2, 5, 10, 20, 50... that is at least `value`."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def bars(values: list[int], labels: list[str], down: list[int] | None = None) -> Chart:
    """Bars for `values` above the line and, when given, `down` below it, on one scale: the
    side with the larger values gets the full height, the other as much as it needs."""
    top = nice(max([*values, 1]))
    bottom = nice(max([*down, 1])) if down is not None else 0
    unit = HEIGHT / max(top, bottom)
    baseline = 8 + top * unit
    slot = (WIDTH - LEFT - RIGHT) / max(len(values), 1)
    gap = min(6.0, slot / 4)
    up_bars = [
        _bar(index, slot, gap, baseline, -value * unit, labels[index])
        for index, value in enumerate(values)
    ]
    down_bars = [
        _bar(index, slot, gap, baseline, value * unit, "") for index, value in enumerate(down or [])
    ]
    return Chart(up_bars, down_bars, top, bottom, 8.0, baseline, baseline + bottom * unit)


def _bar(index: int, slot: float, gap: float, baseline: float, length: float, label: str) -> Bar:
    x = LEFT + index * slot + gap / 2
    y = baseline + min(length, 0)
    return Bar(
        round(x, 1),
        round(slot - gap, 1),
        round(y, 1),
        round(abs(length), 1),
        label,
        round(x + (slot - gap) / 2, 1),
    )


def week_labels(mondays: list[date]) -> list[str]:
    """A month's short name under the first week that starts in it, nothing under the rest."""
    labels, seen = [], None
    for monday in mondays:
        month = (monday.year, monday.month)
        labels.append(f"{monday:%b}" if month != seen and monday.day <= 7 else "")
        seen = month if monday.day <= 7 else seen
    return labels


def month_labels(firsts: list[date]) -> list[str]:
    """Each month's short name ("Jan")."""
    return [f"{first:%b}" for first in firsts]
