"""What one provider event means for the reader, in each provider's own vocabulary.

anymail normalises every provider's webhook into an event type and a reject reason, but a
few facts stay in the provider's raw payload: whether a bounce was soft, whether a refusal
was about the recipient or about the sender, and events anymail does not name.
"""

from collections.abc import Callable
from enum import StrEnum

from anymail.signals import AnymailTrackingEvent, EventType, RejectReason


class Verdict(StrEnum):
    DELIVERED = "delivered"
    SOFT_BOUNCE = "soft_bounce"  # may clear up by itself; counts toward SOFT_BOUNCE_LIMIT
    HARD_BOUNCE = "hard_bounce"  # the address cannot be mailed
    COMPLAINT = "complaint"
    UNSUBSCRIBE = "unsubscribe"
    SENDER_FAILURE = "sender_failure"  # refused for the sender's reason: the reader is fine
    IGNORED = "ignored"


Raw = dict
# A bounce that may clear up by itself, for providers whose payload does not say more.
TEMPORARY_REASONS = {RejectReason.TIMED_OUT, RejectReason.BLOCKED}
# Refusals that are about the recipient's address; any other refusal is the sender's.
RECIPIENT_REASONS = {
    RejectReason.BOUNCED: Verdict.HARD_BOUNCE,
    RejectReason.INVALID: Verdict.HARD_BOUNCE,
    RejectReason.SPAM: Verdict.COMPLAINT,
    RejectReason.UNSUBSCRIBED: Verdict.UNSUBSCRIBE,
    RejectReason.TIMED_OUT: Verdict.SOFT_BOUNCE,
}
# SparkPost's bounce classes that its documentation calls hard; the rest are soft,
# undetermined or a block by the receiving server.
SPARKPOST_HARD_CLASSES = {"10", "30", "90"}
# Unisender Go "hard" bounces that are a full mailbox or the receiver refusing the content.
UNISENDER_SOFT_STATUSES = {"err_mailbox_full", "err_too_large", "err_spam_rejected"}


def classify(event: AnymailTrackingEvent, esp_name: str) -> Verdict:
    """The one thing this event means for the reader."""
    special = PROVIDER_EVENTS.get(esp_name)
    found = special(_raw(event), event) if special else None
    if found is not None:
        return found
    kind = event.event_type
    if kind == EventType.DELIVERED:
        return Verdict.DELIVERED
    if kind == EventType.COMPLAINED:
        return Verdict.COMPLAINT
    if kind == EventType.UNSUBSCRIBED:
        return Verdict.UNSUBSCRIBE
    if kind == EventType.BOUNCED:
        return Verdict.SOFT_BOUNCE if is_temporary(event, esp_name) else Verdict.HARD_BOUNCE
    if kind == EventType.REJECTED:
        return _refusal(event, esp_name)
    if kind == EventType.FAILED:  # the provider could not send it at all (rendering, API)
        return Verdict.SENDER_FAILURE
    return Verdict.IGNORED


def is_temporary(event: AnymailTrackingEvent, esp_name: str) -> bool:
    """A bounce the provider calls soft or transient, or one for a reason outside the address
    (the receiving server timed out or blocked the message)."""
    if event.event_type != EventType.BOUNCED:
        return False
    soft = SOFT_BOUNCES.get(esp_name)
    if soft is not None:
        return soft(_raw(event), event)
    return event.reject_reason in TEMPORARY_REASONS


def _refusal(event: AnymailTrackingEvent, esp_name: str) -> Verdict:
    """The provider refused to send: only a reason about the recipient reaches the reader."""
    if event.reject_reason in RECIPIENT_REASONS:
        return RECIPIENT_REASONS[event.reject_reason]
    blames_recipient = RECIPIENT_BLOCKS.get(esp_name)
    if event.reject_reason == RejectReason.BLOCKED and blames_recipient:
        if blames_recipient(_raw(event)):
            return Verdict.HARD_BOUNCE
    return Verdict.SENDER_FAILURE


def _raw(event: AnymailTrackingEvent) -> Raw:
    return event.esp_event if isinstance(event.esp_event, dict) else {}


def _at(raw: Raw, *keys: str):
    """raw[k1][k2]...; None where a level is missing or not an object."""
    for key in keys:
        raw = raw.get(key) if isinstance(raw, dict) else None
    return raw


def _reported(event: AnymailTrackingEvent) -> Raw:
    """SparkPost's event inside its {"msys": {"<class>": {...}}} wrapper."""
    inner = _at(_raw(event), "msys") or {}
    return next((value for value in inner.values() if isinstance(value, dict)), {})


def _bounce_type(bounce) -> str:
    if not isinstance(bounce, dict):
        return ""
    return bounce.get("bounceType") or bounce.get("type") or ""


def _resend_soft(raw: Raw, event: AnymailTrackingEvent) -> bool:
    bounce = _at(raw, "data", "bounce") or {}
    if "suppressed sending" in str(bounce.get("message", "")):
        return False  # Resend's own suppression list: the address bounced or complained before
    return _bounce_type(bounce) in ("Transient", "Undetermined")


SOFT_BOUNCES: dict[str, Callable[[Raw, AnymailTrackingEvent], bool]] = {
    "Postmark": lambda raw, event: raw.get("Type") == "SoftBounce",
    "Brevo": lambda raw, event: raw.get("event") == "soft_bounce",
    "SendinBlue": lambda raw, event: raw.get("event") == "soft_bounce",
    "Mandrill": lambda raw, event: raw.get("event") == "soft_bounce",
    "Mailjet": lambda raw, event: raw.get("hard_bounce") is False,
    "Amazon SES": lambda raw, event: (
        _bounce_type(raw.get("bounce")) in ("Transient", "Undetermined")
    ),
    "MailerSend": lambda raw, event: _at(raw, "data", "type") == "soft_bounced",
    "SparkPost": lambda raw, event: (
        str(_reported(event).get("bounce_class", "")) not in SPARKPOST_HARD_CLASSES
    ),
    "SendGrid": lambda raw, event: raw.get("type") == "blocked",
    "Resend": _resend_soft,
    "Unisender Go": lambda raw, event: (
        event.reject_reason in TEMPORARY_REASONS
        or _at(raw, "delivery_info", "delivery_status") in UNISENDER_SOFT_STATUSES
    ),
}

# A provider's "blocked" refusal that means the recipient's address is on its block list
# (elsewhere "blocked" is the sender's domain, content or policy).
RECIPIENT_BLOCKS: dict[str, Callable[[Raw], bool]] = {
    "Postmark": lambda raw: raw.get("Type") == "ManuallyDeactivated",
    "Brevo": lambda raw: raw.get("event") == "blocked",
    "SendinBlue": lambda raw: raw.get("event") == "blocked",
    "Mailjet": lambda raw: (
        raw.get("error_related_to") == "recipient" or raw.get("error") == "preblocked"
    ),
}

MAILGUN_SUPPRESSIONS = {
    "suppress-bounce": Verdict.HARD_BOUNCE,
    "suppress-complaint": Verdict.COMPLAINT,
    "suppress-unsubscribe": Verdict.UNSUBSCRIBE,
}

# Events anymail leaves unnamed, or names more broadly than the provider does.
PROVIDER_EVENTS: dict[str, Callable[[Raw, AnymailTrackingEvent], Verdict | None]] = {
    "Resend": lambda raw, event: (
        Verdict.HARD_BOUNCE if raw.get("type") == "email.suppressed" else None
    ),
    "Postal": lambda raw, event: (
        Verdict.HARD_BOUNCE if raw.get("event") == "MessageDeliveryFailed" else None
    ),
    "Mailgun": lambda raw, event: MAILGUN_SUPPRESSIONS.get(_at(raw, "event-data", "reason")),
    "SendGrid": lambda raw, event: (
        Verdict.COMPLAINT
        if raw.get("event") == "dropped"
        and str(raw.get("reason", "")).lower() == "spam reporting address"
        else None
    ),
}
