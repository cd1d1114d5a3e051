"""Readable email colours derived from the practice's brand colour (WCAG contrast)."""

import re

WHITE = "#ffffff"
INK = "#1f2a2c"
SAFE_LINK = "#1d4f7a"
FALLBACK_BRAND = "#2f5d62"
HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


def luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    light, dark = sorted([luminance(a), luminance(b)], reverse=True)
    return (light + 0.05) / (dark + 0.05)


def palette(brand: str) -> dict[str, str]:
    """Brand colour, the text colour that reads on it, and a link colour that reads on white."""
    brand = brand if HEX.match(brand or "") else FALLBACK_BRAND
    on_brand = WHITE if contrast(brand, WHITE) >= contrast(brand, INK) else INK
    link = brand if contrast(brand, WHITE) >= 4.5 else SAFE_LINK
    return {"brand": brand, "on_brand": on_brand, "link": link}
