"""Bearer tokens for the API: who is calling, with which scopes, within its rate limit."""

import logging

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import is_ratelimited
from ninja.security import HttpBearer

from ..integrations import api_tokens
from ..models import ApiToken
from .problems import ProblemError

logger = logging.getLogger(__name__)


class Bearer(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = api_tokens.authenticate(token)
        if found is None:
            return None
        limited = is_ratelimited(
            request,
            group="api",
            key=lambda group, req: f"token:{found.pk}",
            rate=settings.API_RATE_LIMIT,
            increment=True,
        )
        if limited:
            raise ProblemError(429, f"This token may make {settings.API_RATE_LIMIT} requests.")
        return found


def need(request: HttpRequest, scope: str) -> ApiToken:
    """The calling token, refused with 403 unless it carries `scope`."""
    token: ApiToken = request.auth
    if scope not in token.scopes:
        raise ProblemError(403, f"This token lacks the {scope} scope.")
    if scope.endswith(":write"):  # every write is logged with the token's name
        logger.info("api write", extra={"api_token": token.name, "path": request.path})
    return token
