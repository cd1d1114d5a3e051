"""Cal.com's webhook: BOOKING_CREATED and BOOKING_RESCHEDULED book, BOOKING_CANCELLED cancels.

Signed in `X-Cal-Signature-256`, the hex HMAC-SHA256 of the raw body with the webhook's
secret (optional in Cal.com, required here). The signature has no timestamp, so a replay is
recognised by the booking's `uid`: each attendee's booking is stored as "<uid>#<n>".
"""

from .signed import Action, Malformed, check, hex_digest, moment, text

HEADER = "X-Cal-Signature-256"
BOOK = {"BOOKING_CREATED", "BOOKING_RESCHEDULED"}


def verify(header: str, body: bytes, secret: str) -> None:
    check(hex_digest(secret, body), header or "")


def actions(data) -> list[Action]:
    if not isinstance(data, dict) or not isinstance(data.get("payload"), dict):
        raise Malformed("Expected Cal.com's event: {'triggerEvent': ..., 'payload': {...}}.")
    event, payload = text(data.get("triggerEvent"), "trigger event"), data["payload"]
    if event not in BOOK and event != "BOOKING_CANCELLED":
        return []
    uid = text(payload.get("uid"), "booking uid")
    attendees = payload.get("attendees")
    if not isinstance(attendees, list) or not attendees:
        raise Malformed("The booking has no attendees.")
    kind = "book" if event in BOOK else "cancel"
    at = moment(data.get("createdAt"))
    return [
        Action(
            kind,
            text((a or {}).get("email") if isinstance(a, dict) else None, "email"),
            f"{uid}#{n}",
            at,
        )
        for n, a in enumerate(attendees)
    ]
