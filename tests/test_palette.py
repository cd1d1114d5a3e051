"""Email colours from the practice's brand colour stay readable whatever colour is chosen."""

from newsletter.mail.palette import FALLBACK_BRAND, contrast, palette


def test_a_dark_brand_colour_gets_white_button_text_and_is_used_for_links():
    colours = palette("#2f5d62")
    assert colours == {"brand": "#2f5d62", "on_brand": "#ffffff", "link": "#2f5d62"}


def test_a_pale_brand_colour_gets_dark_button_text_and_a_readable_link_colour():
    colours = palette("#ffd966")
    assert colours["on_brand"] == "#1f2a2c"
    assert contrast(colours["on_brand"], "#ffd966") >= 4.5
    assert contrast(colours["link"], "#ffffff") >= 4.5


def test_a_malformed_colour_falls_back_to_the_default():
    assert palette("red; background:url(x)")["brand"] == FALLBACK_BRAND
