"""Field validators the tables share: what may never be stored, wherever it is typed."""

from django.core.exceptions import ValidationError

# Characters that split an email header or reorder what a reader sees.
LINE_BREAKS = "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


def single_line(value: str) -> None:
    """Refuse line breaks and control characters: this value goes into email headers."""
    if any(ch in LINE_BREAKS or (ord(ch) < 32 and ch != "\t") for ch in value or ""):
        raise ValidationError("Please keep this on one line, without line breaks.")
