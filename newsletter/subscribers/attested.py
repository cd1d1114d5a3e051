"""One person whose consent was gathered elsewhere, added with the practice's attestation."""

from django.core.exceptions import ValidationError
from django.db import transaction

from ..models import Audience, Subscriber
from ..models.subscribers import ConsentKind
from . import addresses
from .subscriptions import NEVER_MAIL, _now, is_suppressed, join, record, valid_time_zone

Status = Subscriber.Status


def import_attested(
    email: str,
    attestation: str,
    channel: str,
    audience: Audience | None = None,
    first_name: str = "",
    time_zone: str = "",
) -> Subscriber | None:
    """Active at once, with an `imported` consent event carrying the attestation's words.

    None when the address must never be mailed (suppressed, bounced, erased)."""
    attestation = attestation.strip()
    if len(attestation) < 20:
        raise ValidationError(
            {"attestation": ["Say in a sentence how and when this person agreed to the emails."]}
        )
    email = addresses.normalise(email)
    audience = audience or Audience.default()
    if is_suppressed(email):
        return None
    with transaction.atomic():
        subscriber, _ = Subscriber.objects.select_for_update().get_or_create(
            email_key=addresses.key(email),
            defaults={
                "email": email,
                "first_name": first_name,
                "time_zone": valid_time_zone(time_zone),
            },
        )
        if subscriber.status in NEVER_MAIL:
            return None
        if subscriber.status not in (Status.ACTIVE, Status.PAUSED):
            subscriber.status = Status.ACTIVE
            subscriber.confirmed_at = _now()
            subscriber.unsubscribed_at = None
            subscriber.save(update_fields=["status", "confirmed_at", "unsubscribed_at"])
        record(
            subscriber,
            ConsentKind.IMPORTED,
            channel,
            audience=audience.slug,
            attestation=attestation[:2000],
        )
        join(subscriber, [audience])
    return subscriber
