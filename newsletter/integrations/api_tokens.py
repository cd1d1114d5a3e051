"""REST API tokens: created with scopes and shown once, kept as a SHA-256, revoked by staff."""

import hashlib
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone

from ..models import ApiToken

SCOPES = {
    "subscribers:read": "Read subscribers",
    "subscribers:write": "Add and change subscribers",
    "content:read": "Read audiences, sequences and newsletters",
    "content:write": "Write draft steps and newsletters",
    "stats:read": "Read statistics",
}


@dataclass(frozen=True)
class Created:
    token: ApiToken
    value: str  # shown once; only its hash is stored


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def create(name: str, scopes: list[str]) -> Created:
    """A new token; refuses an empty or taken name and unknown scopes, storing nothing."""
    name = " ".join(name.split())
    if not name or len(name) > 24:
        raise ValidationError({"name": ["Give the token a name of at most 24 characters."]})
    if ApiToken.objects.filter(name=name).exists():
        raise ValidationError({"name": ["A token with this name exists already."]})
    unknown = set(scopes) - set(SCOPES)
    if unknown or not scopes:
        raise ValidationError({"scopes": ["Choose at least one of the listed permissions."]})
    value = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(name=name, token_hash=digest(value), scopes=sorted(set(scopes)))
    return Created(token, value)


def revoke(pk: int) -> bool:
    rows = ApiToken.objects.filter(pk=pk, revoked_at__isnull=True)
    return bool(rows.update(revoked_at=timezone.now()))


def authenticate(value: str) -> ApiToken | None:
    """The live token with this value, its last use noted; None for unknown or revoked."""
    if not value:
        return None
    token = ApiToken.objects.filter(token_hash=digest(value), revoked_at__isnull=True).first()
    if token is not None:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token


def listed() -> list[ApiToken]:
    return list(ApiToken.objects.filter(revoked_at__isnull=True))


def channel(token: ApiToken) -> str:
    """What consent events made through this token say in their channel."""
    return f"API: {token.name}"[:32]
