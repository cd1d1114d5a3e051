"""A subscriber's data rights: download everything kept about them, or erase it.

What erasure keeps, and why: the keyed hash of the address (Suppression), so it is never
mailed again; the consent trail without network details, as proof of what was agreed; the
ledger rows (Delivery) with every error text and message id cleared; and the enrollments,
each ended as "erased" (so none says "booked" any more). Both stay on the anonymised
subscriber row, which nothing can enroll or mail again: dispatch reads the ledger per
(subscriber, step) and enrolls once per (subscriber, sequence), so nothing can be sent twice
to it, and what each email reached still adds up. Clicks, lists and outbox copies go. An
erased address cannot subscribe again (the hash refuses it); were the practice to lift
that, the person would start as someone new, since nothing links them to what the erased
row received.

Requests never confirmed hold no consent to prove: after PENDING_RETENTION_DAYS they are
deleted outright, consent events included (the database lets a consent event be deleted
only while its subscriber is such a request), and no suppression is kept.
"""

from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import transaction

from ..delivery.failures import QUOTED_ERROR
from ..integrations import outbound
from ..mail import outbox
from ..models import (
    Booking,
    Broadcast,
    Click,
    ConsentEvent,
    Delivery,
    Enrollment,
    Sequence,
    Subscriber,
    Suppression,
)
from ..models.subscribers import ConsentKind
from ..observability import audit
from ..stats import counting
from . import addresses, imports
from .subscriptions import _now, record

Status = Subscriber.Status


def export(subscriber: Subscriber) -> dict:
    """Everything kept about one subscriber, as a JSON-ready document."""
    deliveries = subscriber.deliveries.select_related("step__sequence", "broadcast")
    clicks = Click.objects.filter(delivery__subscriber=subscriber).order_by("created_at", "pk")
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
        "enrollments": [
            _enrollment_json(e)
            for e in subscriber.enrollments.select_related("sequence").order_by("enrolled_at")
        ],
        "deliveries": [
            {
                "email": str(d.step or d.broadcast),
                "status": d.status,
                "event": d.event,
                "sent_at": _iso(d.sent_at),
            }
            for d in deliveries
        ],
        "clicks": [
            {"email": str(c.delivery.step or c.delivery.broadcast), "at": _iso(c.created_at)}
            for c in clicks.select_related("delivery__step__sequence", "delivery__broadcast")
        ],
        "bookings": [
            {
                "tool": b.get_tool_display(),
                "booked_at": _iso(b.booked_at),
                "cancelled_at": _iso(b.cancelled_at),
            }
            for b in subscriber.bookings.all()
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


def _enrollment_json(enrollment) -> dict:
    return {
        "sequence": enrollment.sequence.name,
        "status": enrollment.status,
        "exit_reason": enrollment.exit_reason,
        "exit_reason_text": enrollment.get_exit_reason_display() if enrollment.exit_reason else "",
        "enrolled_at": _iso(enrollment.enrolled_at),
        "last_sent_at": _iso(enrollment.last_sent_at),
        "next_send_at": _iso(enrollment.next_send_at),
        "ended_at": _iso(enrollment.ended_at),
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
        # First, so a dispatcher holding one of them finishes before the ledger is cleared.
        _end_enrollments(subscriber)
        _clear_ledger(subscriber)
        imports.forget(subscriber.email)
        _forget(subscriber)
        record(subscriber, ConsentKind.ERASED, channel)
        audit.forget_subscriber(subscriber.pk)
        outbound.emit("subscriber.erased", subscriber)
        transaction.on_commit(partial(outbox.forget, [subscriber.email]), robust=True)


def _end_enrollments(subscriber: Subscriber) -> None:
    """Every place in a sequence ends as "erased", whatever it was (booked, completed...)."""
    subscriber.enrollments.update(
        status=Enrollment.Status.EXITED,
        exit_reason=Enrollment.ExitReason.ERASED,
        next_send_at=None,
        ended_at=_now(),
    )


def _clear_ledger(subscriber: Subscriber) -> None:
    """Ledger rows stay (see the module's docstring) without anything that names the person."""
    deliveries = Delivery.objects.filter(subscriber=subscriber)
    errors = list(deliveries.exclude(last_error="").values_list("last_error", flat=True))
    _clear_pause_reasons(subscriber.email, errors)
    Click.objects.filter(delivery__subscriber=subscriber).delete()
    standing = Booking.objects.filter(subscriber=subscriber, cancelled_at__isnull=True)
    for delivery_id in standing.values_list("attributed_to_id", flat=True):
        counting.booking(delivery_id, -1)
    Booking.objects.filter(subscriber=subscriber).delete()
    counting.of_subscriber(subscriber.pk)  # the clicks went: the figures they made go too
    deliveries.filter(status=Delivery.Status.QUEUED).update(status=Delivery.Status.SKIPPED)
    deliveries.update(last_error="", esp_message_id="", message_id="")


def _clear_pause_reasons(email: str, errors: list[str]) -> None:
    """An auto-pause quotes the last failure, which may name the address: drop the quote."""
    address = email.casefold()
    naming = [error for error in errors if address in error.casefold()]
    for model in (Sequence, Broadcast):
        paused = model.objects.exclude(paused_reason="").values_list("pk", "paused_reason")
        for pk, reason in paused:
            if _quotes(reason, address, naming):
                head = reason.partition(QUOTED_ERROR)[0]
                cleared = f"{head}{QUOTED_ERROR}(removed with an erased subscriber's data)"
                model.objects.filter(pk=pk).update(paused_reason=cleared[:300])


def _quotes(reason: str, address: str, naming: list[str]) -> bool:
    """The reason names the address, or quotes one of its errors cut short (at 300
    characters) before or inside the address."""
    quoted = reason.partition(QUOTED_ERROR)[2]
    if address in reason.casefold():
        return True
    return bool(quoted) and any(error.startswith(quoted) for error in naming)


def _forget(subscriber: Subscriber) -> None:
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
    # The database lets this through only once the subscriber is erased, and only this.
    subscriber.consent_events.update(ip_address=None, user_agent="", source_url="")


def delete_unconfirmed(now: datetime | None = None, chunk: int = 500) -> int:
    """Delete requests left unconfirmed for PENDING_RETENTION_DAYS (since the last one)."""
    cutoff = (now or _now()) - timedelta(days=settings.PENDING_RETENTION_DAYS)
    stale = Subscriber.objects.filter(
        status=Status.PENDING, confirmed_at__isnull=True, created_at__lt=cutoff
    ).exclude(confirmation_sent_at__gte=cutoff)
    deleted = 0
    while True:
        with transaction.atomic():
            locked = stale.order_by("pk").select_for_update(skip_locked=True)
            rows = list(locked.values_list("pk", "email")[:chunk])
            if not rows:
                return deleted
            ids = [pk for pk, _ in rows]
            ConsentEvent.objects.filter(subscriber_id__in=ids).delete()
            Subscriber.objects.filter(pk__in=ids).delete()
            transaction.on_commit(partial(outbox.forget, [e for _, e in rows]), robust=True)
        deleted += len(ids)
