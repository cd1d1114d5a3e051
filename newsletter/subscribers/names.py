"""What a first name may be: the same rule on the public form, the preferences page and the admin.

A first name is shown back to the person it belongs to, so it must never carry a message of
its own: no web or email address, no control characters, no characters that reorder text.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError

MAX_LENGTH = 100
# Joiners are part of how some scripts (Persian, Indic) and emoji are written; every other
# format character (zero-width spaces, direction overrides and isolates) hides or reorders text.
JOINERS = {"\u200c", "\u200d"}
ADDRESS = re.compile(r"[a-z][a-z0-9+.-]*:/|www\.", re.IGNORECASE)
# A bare domain: a dot followed by a lower-case top-level label ("evil.example", not "St.John").
DOMAIN = re.compile(r"[\w-]\.(?:[a-z]{2,}|xn--[\w-]+)(?:[/:?#]|\s|$)")
VISIBLE = ("L", "N", "P", "S")  # Unicode major categories a reader can see


def clean_first_name(value: str) -> str:
    """The first name with outer spaces removed, or ValidationError saying what to change."""
    name = (value or "").strip()
    if len(name) > MAX_LENGTH:
        raise ValidationError("Please keep your first name under 100 characters.")
    if any(_hidden_or_control(ch) for ch in name) or "<" in name or ">" in name:
        raise ValidationError("Please use only letters, spaces and punctuation in your name.")
    if "@" in name or ADDRESS.search(name) or DOMAIN.search(name):
        raise ValidationError("Please enter just your first name, without a web or email address.")
    if name and not any(unicodedata.category(ch)[0] in VISIBLE for ch in name):
        raise ValidationError("Please enter your first name, or leave the box empty.")
    return name


def _hidden_or_control(ch: str) -> bool:
    category = unicodedata.category(ch)
    return category in ("Cc", "Zl", "Zp") or (category == "Cf" and ch not in JOINERS)
