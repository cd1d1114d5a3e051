"""A subscriber's data rights: download everything kept about them, or erase it."""

from datetime import datetime

from django.db import transaction

from ..models import ConsentEvent, Subscriber, Suppression
from ..models.subscribers import ConsentKind
from ..sequences import sequences
from . import addresses
from .subscriptions import _now, record

Status = Subscriber.Status


def export(subscriber: Subscriber) -> dict:
    """Everything kept about one subscriber, as a JSON-ready document."""
    return {
        "profile": {
            "email": subscriber.email,
            "first_name": subscriber.first_name,
            "status": subscriber.status,
            "time_zone": subscriber.time_zone,
            "paused_until": _iso(subscriber.paused_until),
            "source_url": subscriber.source_url,
            "created_at": _iso(subscriber.created_at),
            "confirmed_at": _iso(subscriber.confirmed_at),
            "unsubscribed_at": _iso(subscriber.unsubscribed_at),
        },
        "memberships": [
            {"audience": m.audience.name, "slug": m.audience.slug, "joined_at": _iso(m.joined_at)}
            for m in subscriber.membership_set.select_related("audience")
        ],
        "consent_events": [_event_json(e) for e in subscriber.consent_events.all()],
        "deliveries": [
            {
                "email": str(d.step or d.broadcast),
                "status": d.status,
                "event": d.event,
                "sent_at": _iso(d.sent_at),
            }
            for d in subscriber.deliveries.select_related("step__sequence", "broadcast")
        ],
    }


def _event_json(event: ConsentEvent) -> dict:
    return {
        "kind": event.kind,
        "channel": event.channel,
        "at": _iso(event.created_at),
        "consent_text": event.consent_text,
        "consent_version": event.consent_version,
        "source_url": event.source_url,
        "detail": event.detail,
        "ip_address": event.ip_address,
        "user_agent": event.user_agent,
    }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def erase(subscriber: Subscriber, channel: str = "preferences") -> None:
    """Remove personal data; keep the suppression hash and an anonymised consent trail."""
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        if subscriber.status == Status.ERASED:
            return
        Suppression.objects.get_or_create(
            address_hash=addresses.suppression_hash(subscriber.email),
            defaults={"reason": Suppression.Reason.ERASED},
        )
        sequences.exit_all(subscriber, reason="erased")
        _forget(subscriber)
        subscriber.refresh_from_db()
        record(subscriber, ConsentKind.ERASED, channel)


def _forget(subscriber: Subscriber) -> None:
    subscriber.consent_events.update(ip_address=None, user_agent="", source_url="")
    subscriber.membership_set.all().delete()
    Subscriber.objects.filter(pk=subscriber.pk).update(
        email="",
        email_key=None,
        first_name="",
        time_zone="",
        source_url="",
        status=Status.ERASED,
        paused_until=None,
        unsubscribed_at=_now(),
    )
