"""ESP tracking events: the ledger's delivery status; bounces and complaints stop all mail.

Events arrive through anymail's webhooks (`/anymail/<esp>/tracking/`), which anymail turns
into one normalised `tracking` signal whatever the provider.
"""

from anymail.signals import AnymailTrackingEvent, EventType, tracking
from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import receiver

from . import addresses, sequences, subscriptions
from .models import Delivery, Subscriber, Suppression
from .models.subscribers import ConsentKind

# anymail's vocabulary -> what the ledger records and what happens to the address.
LEDGER_EVENTS = {
    EventType.DELIVERED: Delivery.Event.DELIVERED,
    EventType.BOUNCED: Delivery.Event.BOUNCED,
    EventType.REJECTED: Delivery.Event.BOUNCED,
    EventType.COMPLAINED: Delivery.Event.COMPLAINED,
}
NEVER_AGAIN = {
    Delivery.Event.BOUNCED: (Subscriber.Status.BOUNCED, Suppression.Reason.BOUNCED),
    Delivery.Event.COMPLAINED: (Subscriber.Status.COMPLAINED, Suppression.Reason.COMPLAINED),
}


@receiver(tracking, dispatch_uid="newsletter-tracking")
def on_tracking(sender, event: AnymailTrackingEvent, esp_name: str, **kwargs) -> None:
    record(event)


def record(event: AnymailTrackingEvent) -> None:
    """Apply one provider event; unknown messages and event types change nothing."""
    delivery = _delivery_for(event)
    address = event.recipient or (delivery.subscriber.email if delivery else "")
    if event.event_type == EventType.UNSUBSCRIBED and address:
        _unsubscribe(address)
        return
    outcome = LEDGER_EVENTS.get(event.event_type)
    if outcome is None:
        return
    if delivery is not None:
        Delivery.objects.filter(pk=delivery.pk).update(event=outcome)
    if outcome in NEVER_AGAIN and address:
        never_mail_again(address, *NEVER_AGAIN[outcome])


def _delivery_for(event: AnymailTrackingEvent) -> Delivery | None:
    delivery_id = str((event.metadata or {}).get("delivery_id", ""))
    rows = Delivery.objects.select_related("subscriber")
    if delivery_id.isdigit():
        return rows.filter(pk=int(delivery_id)).first()
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
        if status == Subscriber.Status.COMPLAINED:  # marking as spam withdraws consent
            subscriptions.record(subscriber, ConsentKind.UNSUBSCRIBED, "spam complaint")


def _unsubscribe(address: str) -> None:
    subscriber = subscriptions.find(address)
    if subscriber is not None:
        subscriptions.unsubscribe(subscriber, "email provider")
