"""Webhooks from other services: the email provider's tracking events, a booked consultation."""

import hmac
import logging
import time

from anymail.exceptions import AnymailError, AnymailWebhookValidationFailure
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import Resolver404, resolve
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from ..delivery import events
from ..integrations import calcom, calendly
from ..integrations.signed import BadSignature, Malformed, StaleEvent, check, hex_digest
from ..sequences import booking
from ..subscribers import addresses
from .common import BadBody, read_json

SECRET_HEADER = "X-Booking-Secret"
SIGNATURE_HEADER = "X-Booking-Signature"  # "sha256=<hex HMAC-SHA256 of the raw body>"
Tool = booking.Tool
logger = logging.getLogger(__name__)


@csrf_exempt
def provider_events(request: HttpRequest, esp: str) -> HttpResponse:
    """anymail's tracking webhook of the configured provider (ESP); any other provider 404s.

    A wrong signature or password answers 400 (anymail's check), a malformed payload 400, a
    missing webhook secret or library 503 (the provider retries later), never a 500.
    One post is one transaction, however many events it carries (SendGrid posts hundreds):
    one commit and one update of the running totals per post, and a post that fails part-way
    changes nothing, so the provider's retry applies it whole (an event applied twice changes
    nothing more).
    """
    if not settings.ESP_NAME or esp != settings.ESP_NAME:
        raise Http404("No tracking webhook for this provider.")
    try:
        view = resolve(f"/{esp}/tracking/", urlconf="anymail.urls").func
    except Resolver404:
        raise Http404("anymail has no tracking webhook for this provider.") from None
    try:
        with transaction.atomic(), events.one_post():
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
    if not _shared_secret_or_signature(request, secret):
        return _error(403, f"Missing or wrong {SECRET_HEADER} or {SIGNATURE_HEADER} header.")
    data = _json_or_none(request.body)
    email = data.get("email") if isinstance(data, dict) else None
    if not isinstance(email, str) or not email.strip():
        return _error(400, 'Send a JSON object like {"email": "reader@example.com"}.')
    try:
        email = addresses.normalise(email.strip())
    except ValidationError:
        return _error(400, f"{email!r} is not a valid email address.")
    external_id = data.get("id") if isinstance(data.get("id"), str) else ""
    booking.record(email, Tool.HOOK, external_id[:500])
    return JsonResponse({"ok": True})


def _shared_secret_or_signature(request: HttpRequest, secret: str) -> bool:
    given = request.headers.get(SECRET_HEADER, "")
    if given:
        return hmac.compare_digest(given.encode(), secret.encode())
    signature = request.headers.get(SIGNATURE_HEADER, "").removeprefix("sha256=")
    try:
        check(hex_digest(secret, request.body), signature)
    except BadSignature:
        return False
    return True


@csrf_exempt
@require_POST
def calendly_events(request: HttpRequest) -> JsonResponse:
    """Calendly's invitee.created / invitee.canceled, signed with CALENDLY_SIGNING_KEY."""
    key = settings.CALENDLY_SIGNING_KEY
    if not key:
        return _error(404, "The Calendly hook is turned off (set CALENDLY_SIGNING_KEY).")
    header = request.headers.get(calendly.HEADER, "")
    try:
        calendly.verify(header, request.body, key, time.time())
    except BadSignature:
        return _error(401, f"Missing or wrong {calendly.HEADER} header.")
    except StaleEvent:
        return _error(400, "The event is older than three minutes; it is not accepted again.")
    return _act(Tool.CALENDLY, calendly.actions, request.body)


@csrf_exempt
@require_POST
def calcom_events(request: HttpRequest) -> JsonResponse:
    """Cal.com's BOOKING_CREATED / _RESCHEDULED / _CANCELLED, signed with CALCOM_WEBHOOK_SECRET."""
    secret = settings.CALCOM_WEBHOOK_SECRET
    if not secret:
        return _error(404, "The Cal.com hook is turned off (set CALCOM_WEBHOOK_SECRET).")
    try:
        calcom.verify(request.headers.get(calcom.HEADER, ""), request.body, secret)
    except BadSignature:
        return _error(401, f"Missing or wrong {calcom.HEADER} header (the secret is required).")
    return _act(Tool.CALCOM, calcom.actions, request.body)


def _act(tool: str, parse, body: bytes) -> JsonResponse:
    """Do what the event asks; the answer is the same for known and unknown addresses."""
    try:
        actions = parse(read_json(body))
    except (BadBody, Malformed) as problem:
        return _error(400, str(problem))
    for action in actions:
        if action.kind == "book":
            booking.record(action.email, tool, action.external_id, action.at)
        else:
            booking.cancel(tool, action.external_id)
    return JsonResponse({"ok": True})


def _json_or_none(body: bytes):
    try:
        return read_json(body)
    except BadBody:
        return None


def _error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"ok": False, "error": message}, status=status)
