"""Batch sending for ESPs that take many recipients per API call (anymail merge_data).

One call carries the rows of one step or broadcast, up to the ESP's limit
(settings.ANYMAIL_BATCH_SIZES); each recipient's result is read from anymail_status.
"""

from itertools import groupby

from django.conf import settings

from ..mail import emails
from ..models import Practice
from . import failures

ACCEPTED = {"sent", "queued", "scheduled"}
REJECTED = {"rejected", "invalid"}
# ESPs whose merge fields are a template language: an email whose own text holds its
# markers (an author's "{{") would be read as template code, so it goes one email per call.
TEMPLATE_MARKERS = {"brevo": ("{{", "{%", "{#")}


def batch_size() -> int:
    """Recipients per call for the configured ESP, or 0 to send one email per call."""
    if emails.merge_field_format() is None:
        return 0
    return settings.ANYMAIL_BATCH_SIZES.get(emails.esp_name() or "", 0)


def send_batches(connection, rows, results, limiter, size: int, still_active, one_each) -> None:
    """One call per `size` rows of the same email; `still_active(rows, results)` re-reads
    opt-outs right before each call and returns the rows that may still go;
    `one_each(connection, rows, results, limiter)` sends an email that cannot batch."""

    def source(row):
        return (row.step_id or 0, row.broadcast_id or 0)

    for _, same_email in groupby(sorted(rows, key=source), key=source):
        group = list(same_email)
        if not merges_verbatim(group[0]):
            one_each(connection, group, results, limiter)
            continue
        for start in range(0, len(group), size):
            part = still_active(group[start : start + size], results)
            if not part:
                continue
            limiter.acquire(len(part))
            if not _send_part(connection, part, results):
                return


def merges_verbatim(row) -> bool:
    """False when the row's email holds the ESP's own template markers in its text."""
    markers = TEMPLATE_MARKERS.get(emails.esp_name() or "", ())
    if not markers:
        return True
    try:
        rendered = emails.marketing_rendering(emails.source_of(row), Practice.get())
    except Exception:  # noqa: BLE001 (the batch path reports it, row by row)
        return True
    texts = (rendered.subject, rendered.html, rendered.text)
    literal = [part for parts in texts for part in parts[::2]]
    return not any(marker in part for part in literal for marker in markers)


def _send_part(connection, part, results) -> bool:
    message, errors = emails.batch_or_errors(part)
    failures.raise_outage(errors.values())  # our own outage: the chunk waits, uncounted
    for row in part:
        if row.pk in errors:
            results.not_built(row, errors[row.pk])  # fails alone; the others still go
        else:
            results.untried.remove(row)
    part = [row for row in part if row.pk not in errors]
    if message is None:
        return True
    try:
        connection.send_messages([message])
    except Exception as error:  # noqa: BLE001 (classified below)
        if len(part) > 1 and failures.is_message_error(error):
            return _one_by_one(connection, part, results)
        text = failures.describe(error)
        bucket = results.failed if failures.is_permanent(error) else results.retry
        for row in part:
            bucket.append((row, text))
            results.outcomes.append((row, False))
        return not failures.breaks_connection(error)
    _record_each(message, part, results)
    return True


def _one_by_one(connection, part, results) -> bool:
    """A batch the transport could not build: each row goes alone, so only a bad one fails."""
    results.untried.extend(part)
    return all(_send_part(connection, [row], results) for row in part)


def _record_each(message, part, results) -> None:
    statuses = message.anymail_status.recipients
    for row in part:
        status = statuses.get(row.subscriber.email)
        state = getattr(status, "status", None)
        if state in ACCEPTED:
            row.esp_message_id = "" if status.message_id is None else str(status.message_id)
            results.sent.append(row)
        elif state in REJECTED:
            results.failed.append((row, f"the ESP reported the recipient {state}"))
        else:
            results.retry.append((row, f"the ESP reported {state or 'nothing'} for the recipient"))
        results.outcomes.append((row, state in ACCEPTED))
