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
    result = _validated(raw)
    if result.ascii_email is None and not transport_takes_utf8():
        raise ValidationError(UTF8_REFUSED)
    return result.normalized


def _validated(raw: str):
    if not isinstance(raw, str) or not raw.strip():
        raise ValidationError("Please enter your email address.")
    if len(raw) > 254 or any(ch in raw for ch in "\r\n\x00"):
        raise ValidationError("Please enter a valid email address.")
    try:
        result = validate_email(raw.strip(), check_deliverability=False)
    except EmailNotValidError:
        raise ValidationError("Please enter a valid email address.") from None
    return result


UTF8_REFUSED = (
    "Our mail server cannot yet send to an address with accented or non-Latin letters "
    "before the @. Please use another address."
)
# Django's SMTP backend encodes a non-ASCII domain (IDNA) but cannot carry a non-ASCII
# mailbox name (it has no SMTPUTF8); such an address would fail at every send.
ASCII_ONLY_BACKENDS = ("django.core.mail.backends.smtp.EmailBackend",)


def transport_takes_utf8() -> bool:
    """Whether the configured transport can send to a mailbox name that is not ASCII."""
    return settings.MAILERS["default"]["BACKEND"] not in ASCII_ONLY_BACKENDS


def key(address: str) -> str:
    """The comparison key of a normalised address: ASCII letters compare without case.

    Only ASCII letters are folded, never `ſ` or the Kelvin sign (which Unicode case-folding
    turns into `s` and `k`), so two different mailboxes never share a key.
    """
    local, _, domain = address.rpartition("@")
    return f"{local.translate(ASCII_LOWER)}@{domain.lower()}"


# Mail providers that ignore dots in the mailbox name: a.b@gmail.com reaches ab@gmail.com.
DOTLESS_DOMAINS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}


def mailbox_key(address: str) -> str:
    """Which inbox an address reaches, for rate limits only (never stored, never an identity).

    Lower-cased, without a +tag, and without dots for Gmail-style domains, so that
    victim+1@ and v.i.c.t.i.m@ count as the one mailbox they all land in.
    """
    local, _, domain = address.lower().rpartition("@")
    local = local.split("+", 1)[0]
    if domain in DOTLESS_DOMAINS:
        local, domain = local.replace(".", ""), DOTLESS_DOMAINS[domain]
    return f"{local}@{domain}"


def suppression_hash(address: str) -> str:
    secret = settings.SUPPRESSION_HASH_KEY.encode()
    return hmac.new(secret, key(address).encode(), hashlib.sha256).hexdigest()


def find(address: str) -> Subscriber | None:
    """The subscriber with this address, or None (also for an address that is not valid)."""
    try:
        email = _validated(address).normalized
    except ValidationError:
        return None
    return Subscriber.objects.by_email(key(email)).first()
