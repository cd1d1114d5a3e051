"""Webhooks from other services: the email provider's tracking events, a booked consultation."""

import hmac
import logging

from anymail.exceptions import AnymailError, AnymailWebhookValidationFailure
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import Resolver404, resolve
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from ..sequences import booking
from ..subscribers import addresses
from .common import BadBody, read_json

SECRET_HEADER = "X-Booking-Secret"
logger = logging.getLogger(__name__)


@csrf_exempt
def provider_events(request: HttpRequest, esp: str) -> HttpResponse:
    """anymail's tracking webhook of the configured provider (ESP); any other provider 404s.

    A wrong signature or password answers 400 (anymail's check), a malformed payload 400, a
    missing webhook secret or library 503 (the provider retries later), never a 500.
    """
    if not settings.ESP_NAME or esp != settings.ESP_NAME:
        raise Http404("No tracking webhook for this provider.")
    try:
        view = resolve(f"/{esp}/tracking/", urlconf="anymail.urls").func
    except Resolver404:
        raise Http404("anymail has no tracking webhook for this provider.") from None
    try:
        return view(request)
    except AnymailWebhookValidationFailure:
        raise  # Django answers 400 and logs it as a security event
    except ImproperlyConfigured:
        logger.exception("The %s tracking webhook is not configured (see README)", esp)
        return HttpResponse("Tracking webhook not configured.", status=503)
    except (AnymailError, ValueError, KeyError, TypeError, AttributeError):
        logger.warning("Malformed %s tracking event", esp, exc_info=True)
        return HttpResponse("Malformed event.", status=400)


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
