"""Readable email colours derived from the practice's brand colour (WCAG contrast)."""

import re
from dataclasses import dataclass

WHITE = "#ffffff"
INK = "#1f2a2c"
SAFE_LINK = "#1d4f7a"
FALLBACK_BRAND = "#2f5d62"
HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
READABLE = 4.5  # WCAG AA for body text


def luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    light, dark = sorted([luminance(a), luminance(b)], reverse=True)
    return (light + 0.05) / (dark + 0.05)


def darken(colour: str, against: str = WHITE, ratio: float = READABLE) -> str:
    """The same hue, darkened step by step until it reads on `against` at `ratio`."""
    channels = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    for step in range(101):
        scale = 1 - step / 100
        candidate = "#" + "".join(f"{round(c * scale):02x}" for c in channels)
        if contrast(candidate, against) >= ratio:
            return candidate
    return "#000000"


def palette(brand: str) -> dict[str, str]:
    """Brand colour (darkened if no text colour reads on it), the text colour that reads on
    it, and a link colour that reads on white (the brand colour, darkened if needed)."""
    brand = brand if HEX.match(brand or "") else FALLBACK_BRAND
    link = brand if contrast(brand, WHITE) >= READABLE else darken(brand)
    if max(contrast(brand, WHITE), contrast(brand, INK)) < READABLE:
        brand = darken(brand)  # neither white nor ink reads on it: white on a darker shade
    on_brand = WHITE if contrast(brand, WHITE) >= contrast(brand, INK) else INK
    return {"brand": brand.lower(), "on_brand": on_brand, "link": link.lower()}


@dataclass(frozen=True)
class Check:
    """What the emails will use for a chosen colour, for the settings page to show."""

    chosen: str
    valid: bool
    brand: str
    on_brand: str
    link: str

    @property
    def button_darkened(self) -> bool:
        return self.valid and self.brand != self.chosen

    @property
    def link_darkened(self) -> bool:
        return self.valid and self.link != self.chosen

    @property
    def button_ratio(self) -> str:
        return f"{contrast(self.brand, self.on_brand):.1f}"

    @property
    def link_ratio(self) -> str:
        return f"{contrast(self.link, WHITE):.1f}"


def check(chosen: str) -> Check:
    chosen = (chosen or "").strip().lower()
    colours = palette(chosen)
    return Check(chosen, bool(HEX.match(chosen)), **colours)
