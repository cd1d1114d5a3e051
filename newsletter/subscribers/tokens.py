"""Signed links, one salt per purpose."""

import functools
from datetime import timedelta

from django.conf import settings
from django.core import signing

CONFIRM = "newsletter.confirm"
UNSUBSCRIBE = "newsletter.unsubscribe"
PREFERENCES = "newsletter.preferences"
CLICK = "newsletter.click"
VIEW_ONLINE = "newsletter.view-online"


class InvalidToken(Exception):
    """The link was tampered with, truncated or made for another purpose."""


class ExpiredToken(InvalidToken):
    """The link was genuine but is too old; `payload` says what it was for."""

    def __init__(self, payload):
        super().__init__("expired")
        self.payload = payload


def make(purpose: str, payload) -> str:
    """What `signing.dumps(payload, salt=purpose)` makes, with one signer per purpose and key
    instead of a new one per link (a chunk signs four links per reader). Payloads are a few
    bytes, which compression never shortens, so none is attempted; `read` takes both forms."""
    return _signer(purpose, settings.SECRET_KEY).sign_object(payload)


@functools.lru_cache(maxsize=32)
def _signer(purpose: str, key: str) -> signing.TimestampSigner:
    return signing.TimestampSigner(key=key, salt=purpose)


def read(purpose: str, token: str, max_age: timedelta | None = None):
    """The payload of a token, or InvalidToken / ExpiredToken."""
    try:
        return signing.loads(token, salt=purpose, max_age=max_age)
    except signing.SignatureExpired:
        return _expired(purpose, token)
    except (signing.BadSignature, ValueError, TypeError, UnicodeError) as error:
        raise InvalidToken(str(error)) from None


def _expired(purpose: str, token: str):
    payload = signing.loads(token, salt=purpose)
    raise ExpiredToken(payload)


def confirmation(subscriber_id: int, audience_ids: list[int]) -> str:
    return make(CONFIRM, {"s": subscriber_id, "a": sorted(audience_ids)})


def read_confirmation(token: str) -> dict:
    max_age = timedelta(days=settings.CONFIRMATION_MAX_AGE_DAYS)
    payload = read(CONFIRM, token, max_age=max_age)
    return _require_subscriber(payload)


def subscriber_link(purpose: str, subscriber_id: int) -> str:
    return make(purpose, {"s": subscriber_id})


def read_subscriber_link(purpose: str, token: str) -> dict:
    return _require_subscriber(read(purpose, token))


def _require_subscriber(payload) -> dict:
    if not isinstance(payload, dict) or not isinstance(payload.get("s"), int):
        raise InvalidToken("malformed payload")
    audiences = payload.get("a", [])
    if not isinstance(audiences, list) or not all(isinstance(a, int) for a in audiences):
        raise InvalidToken("malformed payload")
    return payload
