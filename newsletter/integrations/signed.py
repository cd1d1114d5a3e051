"""What every booking tool's webhook shares: HMAC-SHA256 signatures and what an event asks."""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime


class BadSignature(Exception):
    """The request is not signed with the practice's key (missing, malformed or wrong)."""


class StaleEvent(Exception):
    """The signature is genuine but too old: a replay, refused."""


class Malformed(ValueError):
    """The body is not the event the tool documents."""


@dataclass(frozen=True)
class Action:
    """What one event asks for: book or cancel, for which address, under which tool id."""

    kind: str  # "book" or "cancel"
    email: str
    external_id: str
    at: datetime | None = None


def hex_digest(key: str, message: bytes) -> str:
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


def check(expected: str, given: str) -> None:
    if not given or not hmac.compare_digest(expected, given.strip().lower()):
        raise BadSignature("wrong signature")


def moment(value) -> datetime | None:
    """An ISO 8601 time from a payload ("2026-03-02T10:00:00.000000Z"), or None."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


def text(value, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise Malformed(f"The event has no {what}.")
    return value.strip()
