"""Blogs that may embed the subscribe form: the workspace's list and ALLOWED_EMBED_ORIGINS."""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError

from ..models import EmbedOrigin
from ..models.validators import embed_origin

DEFAULT_PORTS = {"https": ":443", "http": ":80"}


@dataclass(frozen=True)
class Listed:
    origin: str
    pk: int | None  # None: set in the environment, so not removable here


def environment() -> list[str]:
    return [origin for origin in settings.ALLOWED_EMBED_ORIGINS if origin]


def allowed() -> set[str]:
    """Every origin that may post to the form and get CORS headers."""
    stored = EmbedOrigin.objects.values_list("origin", flat=True)
    return set(environment()) | set(stored)


def is_allowed(origin: str | None) -> bool:
    if not origin or origin == "null":  # sandboxed frames and local files send "null"
        return False
    return origin in settings.ALLOWED_EMBED_ORIGINS or (
        EmbedOrigin.objects.filter(origin=origin).exists()
    )


def normalise(text: str) -> str:
    """What a browser would send as Origin for this address: lower case, no trailing slash,
    no default port."""
    value = (text or "").strip().rstrip("/").lower()
    scheme = value.partition("://")[0]
    default = DEFAULT_PORTS.get(scheme, "")
    return value[: -len(default)] if default and value.endswith(default) else value


def add(text: str) -> EmbedOrigin:
    """Allow one more blog; raises ValidationError (nothing stored) for a malformed address."""
    origin = normalise(text)
    embed_origin(origin)
    if origin in environment() or EmbedOrigin.objects.filter(origin=origin).exists():
        raise ValidationError(f"{origin} is already allowed.")
    return EmbedOrigin.objects.create(origin=origin)


def remove(pk: int) -> bool:
    deleted, _ = EmbedOrigin.objects.filter(pk=pk).delete()
    return bool(deleted)


def listed() -> list[Listed]:
    stored = [Listed(row.origin, row.pk) for row in EmbedOrigin.objects.order_by("origin")]
    known = {row.origin for row in stored}
    from_env = [Listed(origin, None) for origin in environment() if origin not in known]
    return stored + from_env
