"""ESP tracking events: the ledger's delivery status; bounces and complaints stop all mail.

Events arrive through anymail's webhook for the configured provider
(`/anymail/<esp>/tracking/`), which anymail turns into one normalised `tracking` signal
whatever the provider; `verdicts` reads what each one means for the reader. A hard bounce or
a complaint stops mail at once. A temporary bounce (a full mailbox, a busy or blocking
server) is kept on the ledger, and only SOFT_BOUNCE_LIMIT of them in a row, with no delivery
between, count as a bounce: one bad day at the reader's provider does not cut them off for
good. A provider refusing to send for the sender's reason (its sandbox, the content, the
sender's domain) fails the email and counts toward pausing the sequence or broadcast; the
reader is left alone.
"""

import logging
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from anymail.signals import AnymailTrackingEvent, EventType, tracking
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Coalesce
from django.dispatch import receiver

from ..alerts import provider_events
from ..integrations import outbound
from ..models import Delivery, Subscriber, Suppression
from ..models.subscribers import ConsentKind
from ..observability import counters
from ..sequences import sequences
from ..stats import counting
from ..subscribers import addresses, subscriptions
from . import failures
from .verdicts import Verdict, classify

Sending = Delivery.Status
logger = logging.getLogger(__name__)
# The webhook post being handled, if any (see one_post).
_post: ContextVar["_Post | None"] = ContextVar("provider_event_post", default=None)

# What the ledger records for each verdict, and what happens to the address.
LEDGER_EVENTS = {
    Verdict.DELIVERED: Delivery.Event.DELIVERED,
    Verdict.SOFT_BOUNCE: Delivery.Event.SOFT_BOUNCED,
    Verdict.HARD_BOUNCE: Delivery.Event.BOUNCED,
    Verdict.COMPLAINT: Delivery.Event.COMPLAINED,
}
NEVER_AGAIN = {
    Delivery.Event.BOUNCED: (Subscriber.Status.BOUNCED, Suppression.Reason.BOUNCED),
    Delivery.Event.COMPLAINED: (Subscriber.Status.COMPLAINED, Suppression.Reason.COMPLAINED),
}


@dataclass
class _Post:
    """What one webhook post has done so far."""

    changed: set[int] = field(default_factory=set)  # rows whose totals are brought up to date
    delivered: list[int] = field(default_factory=list)  # delivery reports not yet written

    def flush(self) -> None:
        """Write the delivery reports held so far, in one statement."""
        if self.delivered:
            Delivery.objects.filter(pk__in=self.delivered).update(event=Delivery.Event.DELIVERED)
            self.changed.update(self.delivered)
            self.delivered = []


@contextmanager
def one_post():
    """The events of one webhook post (SendGrid posts hundreds at once). Delivery reports,
    most of any post, are written together; any other event first writes the reports before
    it, so every event still applies in the order the provider sent it. The running totals of
    every row the post changed are brought up to date once, at the end, in one pass."""
    post = _Post()
    token = _post.set(post)
    try:
        yield
        post.flush()
        counting.refresh(post.changed, event_only=True)
    finally:
        _post.reset(token)


def _event_changed(pk: int) -> None:
    post = _post.get()
    if post is None:
        counting.refresh([pk], event_only=True)
    else:
        post.changed.add(pk)


@receiver(tracking, dispatch_uid="newsletter-tracking")
def on_tracking(sender, event: AnymailTrackingEvent, esp_name: str, **kwargs) -> None:
    record(event, esp_name)


def record(event: AnymailTrackingEvent, esp_name: str) -> None:
    """Apply one provider event; unknown messages and event types change nothing."""
    verdict = classify(event, esp_name)
    provider_events.seen()
    counters.count("newsletter_provider_events", type=str(event.event_type or "unknown"))
    if verdict == Verdict.IGNORED:
        return
    post = _post.get()
    if post is not None:
        if verdict == Verdict.DELIVERED and (pk := _delivery_id(event)) is not None:
            _log(pk, event, verdict)
            post.delivered.append(pk)
            return
        post.flush()  # the reports before this event are written before it applies
    delivery = _delivery_for(event)
    _log(delivery.pk if delivery else None, event, verdict)
    address = event.recipient or (delivery.subscriber.email if delivery else "")
    if delivery is not None and event.event_type in (EventType.REJECTED, EventType.FAILED):
        _refused(delivery, event, esp_name, counts=verdict == Verdict.SENDER_FAILURE)
    if verdict == Verdict.UNSUBSCRIBE:
        if address:
            _unsubscribe(address)
        return
    outcome = LEDGER_EVENTS.get(verdict)
    if outcome is None:
        return
    if delivery is not None:
        Delivery.objects.filter(pk=delivery.pk).update(event=outcome)
        _event_changed(delivery.pk)
    if outcome == Delivery.Event.SOFT_BOUNCED:
        if delivery is None or soft_bounces_in_a_row(delivery) < settings.SOFT_BOUNCE_LIMIT:
            return
        outcome = Delivery.Event.BOUNCED
    if outcome in NEVER_AGAIN and address:
        never_mail_again(address, *NEVER_AGAIN[outcome])


def _refused(delivery: Delivery, event: AnymailTrackingEvent, esp_name: str, counts: bool):
    """The provider never sent it: the row fails, and a refusal for the sender's reason counts
    toward pausing its sequence or broadcast (once, however often the provider reports it)."""
    why = event.description or event.mta_response or event.reject_reason or "no reason given"
    error = f"Refused by {esp_name}: {why}"[:1000]
    fresh = Delivery.objects.filter(pk=delivery.pk).exclude(status=Sending.FAILED)
    if not fresh.update(status=Sending.FAILED, last_error=error):
        return
    counting.refresh([delivery.pk])
    if counts:
        failures.count_streaks([(delivery, False)])


def soft_bounces_in_a_row(delivery: Delivery) -> int:
    """This email and the reader's emails sent before it that bounced softly, in a row.

    Any other sent email ends the run: one reported delivered, and one never reported at all
    (with only bounce reports switched on, silence means it arrived). The email that just
    bounced counts even if its send has not been recorded yet.
    """
    moment = delivery.sent_at or delivery.claimed_at or delivery.created_at
    earlier = (
        Delivery.objects.filter(subscriber_id=delivery.subscriber_id, status=Sending.SENT)
        .exclude(pk=delivery.pk)
        .annotate(moment=Coalesce("sent_at", "claimed_at", "created_at"))
        .filter(moment__lte=moment)
        .order_by("-moment", "-pk")
    )
    count = 1
    for event in earlier.values_list("event", flat=True)[: settings.SOFT_BOUNCE_LIMIT]:
        if event != Delivery.Event.SOFT_BOUNCED:
            break
        count += 1
    return count


def _log(delivery_id: int | None, event: AnymailTrackingEvent, verdict: Verdict) -> None:
    extra = {"delivery_id": delivery_id, "event_type": str(event.event_type)}
    logger.info("provider event", extra=extra | {"verdict": str(verdict)})


def _delivery_id(event: AnymailTrackingEvent) -> int | None:
    """The ledger row named in the message's metadata, if it names one."""
    delivery_id = str((event.metadata or {}).get("delivery_id", ""))
    return int(delivery_id) if delivery_id.isdigit() else None


def _delivery_for(event: AnymailTrackingEvent) -> Delivery | None:
    # What applying the event reads: the reader's address and the email's sequence or
    # broadcast (a step's texts are large and not needed here).
    rows = Delivery.objects.select_related("subscriber", "step").only(
        *("subscriber", "step", "broadcast", "status", "event", "esp_message_id"),
        *("sent_at", "claimed_at", "created_at", "subscriber__email", "step__sequence"),
    )
    delivery_id = _delivery_id(event)
    if delivery_id is not None:
        return rows.filter(pk=delivery_id).first()
    if event.message_id:
        return rows.filter(esp_message_id=str(event.message_id)).first()
    return None


def never_mail_again(address: str, status: str, reason: str) -> None:
    """Suppress the address, mark the subscriber and end every sequence place at once."""
    try:
        address = addresses.normalise(address)
    except ValidationError:  # a provider's malformed recipient changes nothing
        return
    with transaction.atomic():
        Suppression.objects.get_or_create(
            address_hash=addresses.suppression_hash(address), defaults={"reason": reason}
        )
        subscriber = subscriptions.find(address)
        if subscriber is None or subscriber.status in subscriptions.NEVER_MAIL:
            return
        Subscriber.objects.filter(pk=subscriber.pk).update(status=status)
        sequences.exit_all(subscriber, reason=status)
        outbound.emit(f"email.{status}", subscriber)
        if status == Subscriber.Status.COMPLAINED:  # marking as spam withdraws consent
            subscriptions.record(subscriber, ConsentKind.UNSUBSCRIBED, "spam complaint")


def _unsubscribe(address: str) -> None:
    subscriber = subscriptions.find(address)
    if subscriber is not None:
        subscriptions.unsubscribe(subscriber, "email provider")
