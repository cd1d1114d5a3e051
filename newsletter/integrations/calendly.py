"""Calendly's webhook: `invitee.created` books, `invitee.canceled` cancels, unless rescheduled.

Signed in `Calendly-Webhook-Signature: t=<unix seconds>,v1=<hex>`, the HMAC-SHA256 of
"<t>." + the raw body with the subscription's signing key; older than three minutes is refused.
A reschedule arrives as `invitee.canceled` with `rescheduled: true`, then `invitee.created`:
the first is not a cancellation. The booking's id is the invitee's URI.
"""

from .signed import Action, BadSignature, Malformed, StaleEvent, check, hex_digest, moment, text

HEADER = "Calendly-Webhook-Signature"
TOLERANCE_SECONDS = 180


def verify(header: str, body: bytes, key: str, now: float) -> None:
    fields = dict(part.split("=", 1) for part in (header or "").split(",") if "=" in part)
    stamp, signature = fields.get("t", "").strip(), fields.get("v1", "")
    if not stamp.isdigit():
        raise BadSignature("The signature header has no timestamp.")
    check(hex_digest(key, stamp.encode() + b"." + body), signature)
    if abs(now - int(stamp)) > TOLERANCE_SECONDS:
        raise StaleEvent("The event is older than three minutes.")


def actions(data) -> list[Action]:
    if not isinstance(data, dict) or not isinstance(data.get("payload"), dict):
        raise Malformed("Expected Calendly's event: {'event': ..., 'payload': {...}}.")
    event, payload = text(data.get("event"), "event name"), data["payload"]
    if event not in ("invitee.created", "invitee.canceled"):
        return []  # other events (no-shows, routing forms) say nothing about bookings
    email, uri = text(payload.get("email"), "email"), text(payload.get("uri"), "invitee URI")
    if event == "invitee.created":
        return [Action("book", email, uri, moment(payload.get("created_at")))]
    if payload.get("rescheduled") is True:
        return []  # the new time follows as invitee.created; the person still booked
    return [Action("cancel", email, uri)]
