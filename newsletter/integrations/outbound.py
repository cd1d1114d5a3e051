"""Outbound webhook events: one `emit` called where things happen, and erasure's forgetting."""

import secrets

from django.db import transaction
from django.utils import timezone

from .. import queue
from ..models import Subscriber, WebhookEndpoint, WebhookMessage

EVENTS = {
    "subscriber.confirmed": "Someone confirmed their subscription",
    "subscriber.unsubscribed": "Someone unsubscribed",
    "subscriber.paused": "Someone paused their emails",
    "subscriber.erased": "Someone's data was erased",
    "consultation.booked": "Someone on the list booked a consultation",
    "email.bounced": "An address bounced",
    "email.complained": "Someone marked an email as spam",
}


def payload(event: str, subscriber: Subscriber, include_topics: bool) -> dict:
    """Ids and the address only; the lists and sequences a person reads only when asked for."""
    erased = event == "subscriber.erased"
    data: dict = {"subscriber": subscriber.public_id, "email": None if erased else subscriber.email}
    if include_topics and not erased:
        data["audiences"] = sorted(subscriber.audiences.values_list("slug", flat=True))
        active = subscriber.enrollments.filter(status="active")
        data["sequences"] = sorted(active.values_list("sequence__name", flat=True))
    return {"type": event, "timestamp": timezone.now().isoformat(), "data": data}


def emit(event: str, subscriber: Subscriber) -> int:
    """Queue `event` about `subscriber` for every active endpoint listening; how many."""
    if event not in EVENTS:
        raise ValueError(f"Unknown webhook event {event!r}.")
    if event == "subscriber.erased":
        forget(subscriber)
    now = timezone.now()
    created = 0
    with transaction.atomic():
        for endpoint in WebhookEndpoint.objects.filter(active=True):
            if event not in endpoint.events:
                continue
            message = WebhookMessage.objects.create(
                endpoint=endpoint,
                message_id=f"msg_{secrets.token_urlsafe(18)}",
                event=event,
                subscriber=subscriber,
                payload=payload(event, subscriber, endpoint.include_topics),
                next_attempt_at=now,
                created_at=now,
            )
            queue.enqueue("send_webhook", message.pk)
            created += 1
    return created


def forget(subscriber: Subscriber) -> int:
    """Erasure: every message about this person leaves the log, sent or not."""
    return WebhookMessage.objects.filter(subscriber=subscriber).delete()[0]
