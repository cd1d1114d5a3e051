"""Webhooks from other tools: a scheduling tool reports a booked consultation."""

import hmac

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from ..sequences import booking
from ..subscribers import addresses
from .common import BadBody, read_json

SECRET_HEADER = "X-Booking-Secret"


@csrf_exempt
@require_POST
def booked(request: HttpRequest) -> JsonResponse:
    """POST {"email": ...} with the shared secret header; the answer never says who is listed."""
    secret = settings.BOOKING_HOOK_SECRET
    if not secret:
        return _error(404, "The booking hook is turned off (set BOOKING_HOOK_SECRET).")
    given = request.headers.get(SECRET_HEADER, "")
    if not hmac.compare_digest(given.encode(), secret.encode()):
        return _error(403, f"Missing or wrong {SECRET_HEADER} header.")
    email = _email_from(request.body)
    if email is None:
        return _error(400, 'Send a JSON object like {"email": "reader@example.com"}.')
    try:
        booking.mark_booked(addresses.normalise(email))
    except ValidationError:
        return _error(400, f"{email!r} is not a valid email address.")
    return JsonResponse({"ok": True})


def _email_from(body: bytes) -> str | None:
    try:
        data = read_json(body)
    except BadBody:
        return None
    email = data.get("email") if isinstance(data, dict) else None
    return email.strip() if isinstance(email, str) and email.strip() else None


def _error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"ok": False, "error": message}, status=status)
