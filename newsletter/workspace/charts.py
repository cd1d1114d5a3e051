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
    top: int  # the scale's largest value
    baseline: float  # y of the zero line
    height: float  # the viewBox's height
    width: int = WIDTH
    left: int = LEFT

    @property
    def right(self) -> int:
        return self.width - RIGHT

    @property
    def label_y(self) -> float:
        return self.height - 6

    @property
    def top_y(self) -> float:
        return self.baseline - HEIGHT

    @property
    def bottom_y(self) -> float:
        return self.baseline + HEIGHT

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
    """Bars for `values` above the line and, when given, `down` below it, on one scale."""
    top = nice(max([*values, *(down or []), 1]))
    slot = (WIDTH - LEFT - RIGHT) / max(len(values), 1)
    gap = min(6.0, slot / 4)
    baseline = float(HEIGHT + 8)
    up_bars = [
        _bar(index, slot, gap, baseline, -value * HEIGHT / top, labels[index])
        for index, value in enumerate(values)
    ]
    down_bars = [
        _bar(index, slot, gap, baseline, value * HEIGHT / top, "")
        for index, value in enumerate(down or [])
    ]
    height = baseline + (HEIGHT if down is not None else 0) + 28
    return Chart(up_bars, down_bars, top, baseline, height)


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
