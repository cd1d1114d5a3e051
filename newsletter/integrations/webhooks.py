"""Sending webhook messages: Standard Webhooks signatures, backoff for 24 hours, disabling."""

import base64
import json
import logging
import secrets
from datetime import datetime, timedelta

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone
from standardwebhooks import Webhook

from .. import queue
from ..models import WebhookEndpoint, WebhookMessage
from . import targets
from .outbound import EVENTS

logger = logging.getLogger(__name__)
Status = WebhookMessage.Status
GIVE_UP_AFTER = timedelta(hours=24)
FIRST_RETRY = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=4)
CLAIM = timedelta(minutes=5)  # longer than one attempt can take


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def register(url: str, events: list[str], include_topics: bool = False) -> WebhookEndpoint:
    """A new endpoint; refuses a bad URL or no known event, storing nothing."""
    try:
        targets.check_url(url)
    except targets.Refused as problem:
        raise ValidationError({"url": [str(problem)]}) from None
    if not events or set(events) - set(EVENTS):
        raise ValidationError({"events": ["Choose at least one of the listed events."]})
    return WebhookEndpoint.objects.create(
        url=url, events=sorted(set(events)), secret=new_secret(), include_topics=include_topics
    )


def remove(pk: int) -> bool:
    return bool(WebhookEndpoint.objects.filter(pk=pk).delete()[0])


def signed_headers(secret: str, message_id: str, at: datetime, body: str) -> dict[str, str]:
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(message_id, at, body),
        "content-type": "application/json",
    }


def wait_after(attempts: int) -> timedelta:
    """Exponential backoff: 30 s, 1 min, 2 min ... at most 4 hours between tries."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_WAIT)


def sweep(now: datetime | None = None) -> int:
    """Enqueue every message whose next attempt is due (beat, every minute)."""
    now = now or timezone.now()
    due = WebhookMessage.objects.filter(status=Status.PENDING, next_attempt_at__lte=now)
    ids = list(due.values_list("pk", flat=True)[:500])
    for pk in ids:
        queue.enqueue("send_webhook", pk)
    return len(ids)


def _claim(pk: int, now: datetime) -> WebhookMessage | None:
    """Take the message for one attempt, so a sweep and a task never both send it."""
    rows = WebhookMessage.objects.filter(pk=pk, status=Status.PENDING, next_attempt_at__lte=now)
    if not rows.update(next_attempt_at=now + CLAIM):
        return None
    return WebhookMessage.objects.select_related("endpoint").get(pk=pk)


def deliver(pk: int, now: datetime | None = None) -> str | None:
    """One attempt at sending a message; returns its status after it, None if not due."""
    now = now or timezone.now()
    message = _claim(pk, now)
    if message is None:
        return None
    endpoint = message.endpoint
    if not endpoint.active:
        return _close(message, Status.FAILED, now, "the endpoint is turned off")
    ok, note = _post(endpoint, message, now)
    entry = {"at": now.isoformat(), "ok": ok, "result": note}
    message.log = [*message.log, entry][-20:]
    message.attempts = F("attempts") + 1
    logger.info("webhook attempt", extra={"webhook_message": message.message_id, "ok": ok})
    if ok:
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failing_since=None)
        return _close(message, Status.DELIVERED, now)
    _failing(endpoint, now)
    if now - message.created_at >= GIVE_UP_AFTER:
        return _close(message, Status.FAILED, now)
    message.next_attempt_at = now + wait_after(len(message.log))
    message.save(update_fields=["log", "attempts", "next_attempt_at"])
    return Status.PENDING


def _close(message: WebhookMessage, status: str, now: datetime, why: str = "") -> str:
    if why:
        message.log = [*message.log, {"at": now.isoformat(), "ok": False, "result": why}]
    message.status = status
    message.next_attempt_at = None
    message.save(update_fields=["log", "attempts", "status", "next_attempt_at"])
    return status


def _post(endpoint: WebhookEndpoint, message: WebhookMessage, now: datetime) -> tuple[bool, str]:
    body = json.dumps(message.payload, separators=(",", ":"))
    try:
        targets.resolve(endpoint.url)
        answer = requests.post(
            endpoint.url,
            data=body.encode(),
            headers=signed_headers(endpoint.secret, message.message_id, now, body),
            timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
            allow_redirects=False,
        )
    except targets.Refused as problem:
        return False, f"refused: {problem}"
    except requests.RequestException as problem:
        return False, f"no answer: {type(problem).__name__}"
    return 200 <= answer.status_code < 300, f"HTTP {answer.status_code}"


def _failing(endpoint: WebhookEndpoint, now: datetime) -> None:
    """An endpoint failing for 24 hours is turned off, with a notice saying why."""
    WebhookEndpoint.objects.filter(pk=endpoint.pk, failing_since__isnull=True).update(
        failing_since=now
    )
    endpoint.refresh_from_db(fields=["failing_since"])
    if endpoint.failing_since and now - endpoint.failing_since >= GIVE_UP_AFTER:
        notice = f"Turned off on {now:%d %b %Y}: every attempt failed for 24 hours."
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(active=False, disabled_reason=notice)


def recent(endpoint: WebhookEndpoint, count: int = 10) -> list[WebhookMessage]:
    return list(endpoint.messages.all()[:count])
