"""Sort send errors into transient and permanent, and pause a sender that keeps failing."""

import smtplib
from collections.abc import Iterable

from anymail.exceptions import AnymailAPIError, AnymailInvalidAddress, AnymailRecipientsRefused
from django.conf import settings
from django.db import Error as DatabaseError
from django.db.models import F
from redis import RedisError

from .. import queue
from ..models import Broadcast, Delivery, Sequence

# What an auto-pause reason puts before the quoted error (erasure looks for it).
QUOTED_ERROR = "Last error: "
# How every auto-pause reason starts (the practice is emailed about these pauses).
AUTO_PAUSED = "Paused after "
# HTTP statuses from an ESP API that are worth retrying; every other 4xx is a rejection.
RETRYABLE_HTTP = {408, 409, 425, 429}
# Our own infrastructure failing (database, Redis, the machine): the rows wait, uncounted.
OUTAGES = (DatabaseError, RedisError, OSError)


def is_outage(error: Exception) -> bool:
    """An outage of our own infrastructure, not a fault of the email: retry, never count it."""
    return isinstance(error, OUTAGES)


def raise_outage(errors: Iterable[Exception]) -> None:
    """Of the errors that kept emails from being built, re-raise the first outage."""
    for error in errors:
        if is_outage(error):
            raise error


def is_message_error(error: Exception) -> bool:
    """The message itself cannot be built or encoded (a header with a line break, an
    unencodable value, an invalid address): sending it again cannot help."""
    return isinstance(error, ValueError | TypeError) and not isinstance(error, OSError)


def not_built(error: Exception) -> str:
    return f"this email could not be built: {describe(error)}"[:1000]


def is_permanent(error: Exception) -> bool:
    """A rejection that a retry cannot fix (bad address, refused content, 5xx SMTP reply)."""
    if isinstance(error, AnymailRecipientsRefused | AnymailInvalidAddress):
        return True
    if isinstance(error, AnymailAPIError):
        status = getattr(error, "status_code", None)
        return status is not None and 400 <= status < 500 and status not in RETRYABLE_HTTP
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    # Timeouts, refused or dropped connections, anything unknown: try again.
    return is_message_error(error)


def breaks_connection(error: Exception) -> bool:
    """A failure of the transport itself: the rest of the chunk should wait, not be tried."""
    if isinstance(error, smtplib.SMTPRecipientsRefused | smtplib.SMTPResponseException):
        return isinstance(error, smtplib.SMTPServerDisconnected)
    return isinstance(error, OSError) and not isinstance(error, AnymailAPIError)


def describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:1000]


def esp_message_id(message) -> str:
    status = getattr(message, "anymail_status", None)
    found = getattr(status, "message_id", None)
    return "" if found is None else str(found)


def count_streaks(outcomes: list[tuple[Delivery, bool]]) -> None:
    """Track consecutive failures per sequence or broadcast; pause one that reaches the limit."""
    streaks: dict[tuple[type, int], tuple[bool, int]] = {}
    for row, ok in outcomes:
        key = (Sequence, row.step.sequence_id) if row.step_id else (Broadcast, row.broadcast_id)
        reset, count = streaks.get(key, (False, 0))
        streaks[key] = (True, 0) if ok else (reset, count + 1)
    for (model, pk), (reset, count) in streaks.items():
        value = count if reset else F("consecutive_failures") + count
        model.objects.filter(pk=pk).update(consecutive_failures=value)
        if count:
            _pause_if_failing(model, pk)


def _pause_if_failing(model, pk: int) -> None:
    limit = settings.SEND_AUTO_PAUSE_AFTER
    last = Delivery.objects.filter(**{_field(model): pk}).exclude(last_error="")
    error = last.order_by("-pk").values_list("last_error", flat=True).first() or ""
    reason = f"{AUTO_PAUSED}{limit} failed sends in a row. {QUOTED_ERROR}{error}"[:300]
    running = model.objects.filter(pk=pk, consecutive_failures__gte=limit)
    # A broadcast already sent is not paused by a provider's late report about it.
    running = running.exclude(status__in=[model.Status.PAUSED, "archived", "cancelled", "sent"])
    if running.update(status=model.Status.PAUSED, paused_reason=reason):
        queue.enqueue("check_alerts")  # the practice hears of it right away


def _field(model) -> str:
    return "step__sequence_id" if model is Sequence else "broadcast_id"
