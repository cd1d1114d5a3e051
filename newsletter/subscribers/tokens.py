"""Signed links, one salt per purpose.

Links name a subscriber by their random public id (`{"p": "..."}`), never by the row id.
Links sent before public ids existed carry the row id (`{"s": 3}`) and keep working: people
find old emails, and an unsubscribe link must work for as long as they keep one.
"""

import functools
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core import signing

CONFIRM = "newsletter.confirm"
UNSUBSCRIBE = "newsletter.unsubscribe"
PREFERENCES = "newsletter.preferences"
CLICK = "newsletter.click"
VIEW_ONLINE = "newsletter.view-online"
DATA_RIGHTS = "newsletter.data-rights"
DATA_LINK_MAX_AGE = timedelta(hours=1)
# Links in a test email: their own purpose, so no public view can act on one.
TEST = "newsletter.test-email"


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


def signed_at(token: str) -> datetime:
    """When a token that `read` accepted was made (to the second)."""
    stamp = token.rsplit(":", 2)[-2]
    return datetime.fromtimestamp(signing.b62_decode(stamp), tz=UTC)


def test_link(kind: str) -> str:
    """A link in a test email: it names nobody, and every public view answers it calmly."""
    return make(TEST, {"test": kind})


def is_test_link(token: str) -> bool:
    try:
        read(TEST, token)
    except InvalidToken:
        return False
    return True


def confirmation(subscriber, audience_ids: list[int]) -> str:
    return make(CONFIRM, {"p": subscriber.public_id, "a": sorted(audience_ids)})


def read_confirmation(token: str) -> dict:
    max_age = timedelta(days=settings.CONFIRMATION_MAX_AGE_DAYS)
    payload = read(CONFIRM, token, max_age=max_age)
    return require_subscriber(payload)


def subscriber_link(purpose: str, subscriber) -> str:
    return make(purpose, {"p": subscriber.public_id})


def data_link(subscriber) -> str:
    """A data-rights link: valid for an hour, and only until one data-rights link is used."""
    return make(DATA_RIGHTS, {"p": subscriber.public_id, "u": _used_stamp(subscriber)})


def read_data_link(token: str) -> dict:
    """The payload of a data-rights link; check it with `data_link_unused` against the row."""
    payload = require_subscriber(read(DATA_RIGHTS, token, max_age=DATA_LINK_MAX_AGE))
    if not isinstance(payload.get("u"), int):
        raise InvalidToken("malformed payload")
    return payload


def data_link_unused(payload: dict, subscriber) -> bool:
    """True until any data-rights link of this subscriber has been used."""
    return payload["u"] == _used_stamp(subscriber)


def _used_stamp(subscriber) -> int:
    used = subscriber.data_link_used_at
    return int(used.timestamp() * 1_000_000) if used else 0


def subscriber_lookup(payload: dict) -> dict:
    """Filter arguments for the subscriber a link names (by public id, or an old row id)."""
    return {"public_id": payload["p"]} if "p" in payload else {"pk": payload["s"]}


def read_subscriber_link(purpose: str, token: str) -> dict:
    return require_subscriber(read(purpose, token))


def require_subscriber(payload) -> dict:
    if not isinstance(payload, dict):
        raise InvalidToken("malformed payload")
    by_public_id = isinstance(payload.get("p"), str) and payload["p"]
    if not by_public_id and not isinstance(payload.get("s"), int):
        raise InvalidToken("malformed payload")
    audiences = payload.get("a", [])
    if not isinstance(audiences, list) or not all(isinstance(a, int) for a in audiences):
        raise InvalidToken("malformed payload")
    return payload
