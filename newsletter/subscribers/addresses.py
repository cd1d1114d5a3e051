"""Email addresses: validation, the comparison key, the suppression hash, whose address it is."""

import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import ValidationError
from email_validator import EmailNotValidError, validate_email

from ..models import Subscriber

ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def normalise(raw: str) -> str:
    """The address as it should be stored, or ValidationError with a clear message."""
    if not isinstance(raw, str) or not raw.strip():
        raise ValidationError("Please enter your email address.")
    if len(raw) > 254 or any(ch in raw for ch in "\r\n\x00"):
        raise ValidationError("Please enter a valid email address.")
    try:
        result = validate_email(raw.strip(), check_deliverability=False)
    except EmailNotValidError:
        raise ValidationError("Please enter a valid email address.") from None
    return result.normalized


def key(address: str) -> str:
    """The comparison key of a normalised address: ASCII letters compare without case.

    Only ASCII letters are folded, never `ſ` or the Kelvin sign (which Unicode case-folding
    turns into `s` and `k`), so two different mailboxes never share a key.
    """
    local, _, domain = address.rpartition("@")
    return f"{local.translate(ASCII_LOWER)}@{domain.lower()}"


def suppression_hash(address: str) -> str:
    secret = settings.SUPPRESSION_HASH_KEY.encode()
    return hmac.new(secret, key(address).encode(), hashlib.sha256).hexdigest()


def find(address: str) -> Subscriber | None:
    """The subscriber with this address, or None (also for an address that is not valid)."""
    try:
        email = normalise(address)
    except ValidationError:
        return None
    return Subscriber.objects.by_email(key(email)).first()
