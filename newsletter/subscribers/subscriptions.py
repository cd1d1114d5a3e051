"""Subscribe, confirm, unsubscribe, pause, resume and preferences."""

import enum
import zoneinfo
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .. import queue
from ..integrations import outbound
from ..models import Audience, ConsentEvent, Membership, Practice, Subscriber, Suppression
from ..models.subscribers import ConsentKind
from ..observability import counters
from ..sequences import sequences
from ..stats import counting
from . import addresses, ceiling

Status = Subscriber.Status
PAUSE_WEEKS = (2, 4, 8)
CONSENT_WORDS = {"on", "yes", "true", "1"}
NEVER_MAIL = (Status.BOUNCED, Status.COMPLAINED, Status.ERASED)


@dataclass(frozen=True)
class Client:
    """Where a consent action came from; ip and user agent are kept only if turned on."""

    source_url: str = ""
    ip: str | None = None
    user_agent: str = ""


class Outcome(enum.Enum):
    """What subscribing did; never shown to the visitor, who always sees the same answer."""

    CONFIRMATION_SENT = "confirmation sent"
    THROTTLED = "confirmation sent recently"
    DEFERRED = "confirmation waits: the hourly ceiling is reached"
    NOTHING_TO_DO = "already subscribed or suppressed"


@dataclass(frozen=True)
class SubscribeRequest:
    email: str
    consent: bool
    first_name: str = ""
    audience: Audience | None = None
    time_zone: str = ""
    consent_version: int | None = None
    channel: str = "form"


def _now() -> datetime:
    return timezone.now()


def record(
    subscriber: Subscriber,
    kind: str,
    channel: str,
    client: Client | None = None,
    practice: Practice | None = None,
    **detail,
):
    """Append a consent event; personal network data only when the practice keeps it."""
    client = client or Client()
    practice = practice or Practice.get()
    _count(kind, channel)
    keep_network = practice.record_ip
    consent = _consent_fields(detail.pop("consent_version", None), practice)
    event = ConsentEvent.objects.create(
        subscriber=subscriber,
        kind=kind,
        channel=channel,
        source_url=client.source_url[:500],
        ip_address=client.ip if keep_network else None,
        user_agent=client.user_agent[:300] if keep_network else "",
        detail=detail,
        created_at=_now(),
        **consent,
    )
    if kind == ConsentKind.UNSUBSCRIBED:  # it counts against the emails of the week before
        counting.unsubscribed(subscriber.pk, event.created_at)
    return event


# Consent events that the metrics count (once the change commits), by metric name.
COUNTED = {
    ConsentKind.REQUESTED: "newsletter_subscribes",
    ConsentKind.CONFIRMED: "newsletter_confirmations",
    ConsentKind.RESUBSCRIBED: "newsletter_confirmations",
    ConsentKind.UNSUBSCRIBED: "newsletter_unsubscribes",
}


def _count(kind: str, channel: str) -> None:
    name = COUNTED.get(kind)
    if name == "newsletter_unsubscribes":
        counters.count_on_commit(name, channel=channel)
    elif name:
        counters.count_on_commit(name)


def _consent_fields(version: int | None, practice: Practice) -> dict:
    wording = practice.current_consent()
    if version is not None and version != wording.version:
        from ..models import ConsentWording

        wording = ConsentWording.objects.filter(version=version).first() or wording
    return {"consent_text": wording.text, "consent_version": wording.version}


def is_suppressed(address: str) -> bool:
    return Suppression.objects.filter(address_hash=addresses.suppression_hash(address)).exists()


def valid_time_zone(name: str) -> str:
    if not name:
        return ""
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return ""
    return name


def subscribe(request: SubscribeRequest, client: Client) -> Outcome:
    """Record a request to subscribe and send the confirmation email when appropriate."""
    if not request.consent:
        raise ValidationError({"consent": ["Please tick the box to agree to receive emails."]})
    email = addresses.normalise(request.email)
    audience = request.audience or Audience.default()
    if is_suppressed(email):
        return Outcome.NOTHING_TO_DO
    with transaction.atomic():
        subscriber, created = _subscriber_for(email, request, client)
        if _nothing_to_do(subscriber, audience):
            return Outcome.NOTHING_TO_DO
        detail = {"audience": audience.slug, "consent_version": request.consent_version}
        practice = Practice.get()
        record(subscriber, ConsentKind.REQUESTED, request.channel, client, practice, **detail)
        return _send_confirmation(subscriber, [audience.pk], created)


def _subscriber_for(
    email: str, request: SubscribeRequest, client: Client
) -> tuple[Subscriber, bool]:
    """The locked row for this address, created pending if it is new.

    A new row is inserted unless the address already has one (INSERT ... ON CONFLICT DO
    NOTHING: no savepoint, and two requests for one new address never fail), then the row
    is read locked; it is ours when it carries the public id just made. A new row already
    says its confirmation is being sent, so that needs no second write.
    """
    fresh = Subscriber(
        email=email,
        email_key=addresses.key(email),
        first_name=request.first_name,
        time_zone=valid_time_zone(request.time_zone),
        source_url=client.source_url[:500],
        confirmation_sent_at=_now(),
    )
    Subscriber.objects.bulk_create([fresh], ignore_conflicts=True)
    subscriber = Subscriber.objects.select_for_update().get(email_key=fresh.email_key)
    return subscriber, subscriber.public_id == fresh.public_id


def _nothing_to_do(subscriber: Subscriber, audience: Audience) -> bool:
    """Never mailed again, or already receiving this list (paused counts as receiving)."""
    if subscriber.status in NEVER_MAIL:
        return True
    receiving = subscriber.status in (Status.ACTIVE, Status.PAUSED)
    return receiving and subscriber.audiences.filter(pk=audience.pk).exists()


def _send_confirmation(subscriber: Subscriber, audience_ids: list[int], fresh: bool) -> Outcome:
    now = _now()
    pause = timedelta(minutes=settings.CONFIRMATION_RESEND_MINUTES)
    if (
        not fresh
        and subscriber.confirmation_sent_at
        and now - subscriber.confirmation_sent_at < pause
    ):
        return Outcome.THROTTLED
    if not fresh:  # a new row was inserted with it
        Subscriber.objects.filter(pk=subscriber.pk).update(confirmation_sent_at=now)
    if not ceiling.take():
        return Outcome.DEFERRED  # confirmations.resend_lost sends it in a later hour
    # robust: an unreachable broker is logged, never turned into an error page for the visitor.
    queue.enqueue("send_confirmation", subscriber.pk, audience_ids)
    return Outcome.CONFIRMATION_SENT


def resend_confirmation(subscriber_id: int, audience_ids: list[int]) -> Outcome:
    """A new confirmation link for someone whose link expired (still rate-limited)."""
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(pk=subscriber_id).first()
        waiting = subscriber and subscriber.status in (Status.PENDING, Status.UNSUBSCRIBED)
        if not waiting or is_suppressed(subscriber.email):
            return Outcome.NOTHING_TO_DO
        audiences = list(Audience.objects.filter(pk__in=audience_ids).values_list("pk", flat=True))
        return _send_confirmation(subscriber, audiences, fresh=False)


class LinkVoid(Exception):
    """A confirmation link made before the person's latest unsubscribe: it no longer counts."""


def made_before_unsubscribe(subscriber: Subscriber, signed_at: datetime | None) -> bool:
    left = subscriber.unsubscribed_at
    return bool(
        signed_at and left and subscriber.status == Status.UNSUBSCRIBED and signed_at < left
    )


def confirm(
    subscriber_id: int, audience_ids: list[int], client: Client, signed_at: datetime | None = None
) -> Subscriber | None:
    """Confirm a subscription (double opt-in); confirming twice changes nothing more.

    `signed_at` is when the link was made: a link from before the latest unsubscribe raises
    LinkVoid, so an old email cannot undo someone's decision to leave.
    """
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(pk=subscriber_id).first()
        if subscriber is None or never_mail(subscriber):
            return None
        if made_before_unsubscribe(subscriber, signed_at):
            raise LinkVoid
        new_audiences = Audience.objects.filter(pk__in=audience_ids).exclude(subscribers=subscriber)
        receiving = subscriber.status in (Status.ACTIVE, Status.PAUSED)
        if receiving and not new_audiences.exists():
            return subscriber
        kind = ConsentKind.RESUBSCRIBED if subscriber.confirmed_at else ConsentKind.CONFIRMED
        if not receiving:
            _activate(subscriber)
        joined = list(new_audiences)
        record(subscriber, kind, "email link", client, audiences=[a.slug for a in joined])
        join(subscriber, joined)
        if not receiving:  # back after an unsubscribe: pick up the lists kept from before
            sequences.enroll(subscriber, list(subscriber.audiences.all()), now=_now())
        outbound.emit("subscriber.confirmed", subscriber)
    return subscriber


def never_mail(subscriber: Subscriber) -> bool:
    """True when nothing at all may be sent to this subscriber any more."""
    return subscriber.status in NEVER_MAIL or is_suppressed(subscriber.email)


def _activate(subscriber: Subscriber) -> None:
    subscriber.status = Status.ACTIVE
    subscriber.confirmed_at = _now()
    subscriber.unsubscribed_at = None
    subscriber.save(update_fields=["status", "confirmed_at", "unsubscribed_at"])


def join(subscriber: Subscriber, audiences: list[Audience]) -> None:
    now = _now()
    for audience in audiences:
        Membership.objects.get_or_create(
            subscriber=subscriber, audience=audience, defaults={"joined_at": now}
        )
    # A paused subscriber is enrolled too: sending holds their steps until the pause ends.
    if subscriber.status in (Status.ACTIVE, Status.PAUSED):
        sequences.enroll(subscriber, audiences, now=now)


def unsubscribe(subscriber: Subscriber, channel: str, client: Client | None = None) -> None:
    """Stop every email at once; harmless when already unsubscribed or never to be mailed."""
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        # A bounced or complained address stays so: "unsubscribed" could be undone later.
        if subscriber.status in (Status.UNSUBSCRIBED, *NEVER_MAIL):
            return
        subscriber.status = Status.UNSUBSCRIBED
        subscriber.unsubscribed_at = _now()
        subscriber.paused_until = None
        subscriber.save(update_fields=["status", "unsubscribed_at", "paused_until"])
        record(subscriber, ConsentKind.UNSUBSCRIBED, channel, client)
        sequences.exit_all(subscriber, reason="unsubscribed")
        outbound.emit("subscriber.unsubscribed", subscriber)


def resubscribe(subscriber: Subscriber, client: Client | None = None) -> bool:
    """Undo an unsubscribe from a signed link, which already proves the address."""
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        if subscriber.status != Status.UNSUBSCRIBED or is_suppressed(subscriber.email):
            return False
        subscriber.status = Status.ACTIVE
        subscriber.unsubscribed_at = None
        subscriber.save(update_fields=["status", "unsubscribed_at"])
        record(subscriber, ConsentKind.RESUBSCRIBED, "unsubscribe page", client)
        sequences.enroll(subscriber, list(subscriber.audiences.all()), now=_now())
    return True


def pause(
    subscriber: Subscriber, weeks: int, client: Client | None = None, channel: str = "preferences"
) -> None:
    if weeks not in PAUSE_WEEKS:
        raise ValidationError(
            {"weeks": [f"Choose a pause of {', '.join(map(str, PAUSE_WEEKS))} weeks."]}
        )
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        if subscriber.status not in (Status.ACTIVE, Status.PAUSED):
            return
        subscriber.status = Status.PAUSED
        subscriber.paused_until = _now() + timedelta(weeks=weeks)
        subscriber.save(update_fields=["status", "paused_until"])
        record(subscriber, ConsentKind.PAUSED, channel, client, weeks=weeks)
        outbound.emit("subscriber.paused", subscriber)


def resume(
    subscriber: Subscriber, client: Client | None = None, channel: str = "preferences"
) -> None:
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        if subscriber.status != Status.PAUSED:
            return
        subscriber.status = Status.ACTIVE
        subscriber.paused_until = None
        subscriber.save(update_fields=["status", "paused_until"])
        record(subscriber, ConsentKind.RESUMED, channel, client)
        sequences.resume_after_pause(subscriber, now=_now())


def end_expired_pauses(now: datetime | None = None) -> int:
    """Resume everyone whose pause has run out; returns how many."""
    now = now or _now()
    due = Subscriber.objects.filter(status=Status.PAUSED, paused_until__lte=now)
    count = 0
    for subscriber in due.iterator():
        resume(subscriber, channel="pause ended")
        count += 1
    return count


PACES = ("normal", "fewer")  # "fewer": at most one email a week


def set_pace(subscriber: Subscriber, pace: str, client: Client | None = None) -> None:
    """How often the reader wants email: the practice's pace, or at most one a week."""
    if pace not in PACES:
        raise ValidationError({"pace": ["Choose “Normal” or “Fewer emails”."]})
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        if subscriber.pace == pace:
            return
        subscriber.pace = pace
        subscriber.save(update_fields=["pace"])
        record(subscriber, ConsentKind.PREFERENCES, "preferences", client, pace=pace)


@dataclass(frozen=True)
class Preferences:
    first_name: str
    audiences: list[Audience]
    time_zone: str


def update_preferences(
    subscriber: Subscriber,
    prefs: Preferences,
    client: Client | None = None,
    channel: str = "preferences",
) -> None:
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        subscriber.first_name = prefs.first_name
        subscriber.time_zone = valid_time_zone(prefs.time_zone)
        subscriber.save(update_fields=["first_name", "time_zone"])
        before = set(subscriber.audiences.filter(is_public=True).values_list("slug", flat=True))
        after = {a.slug for a in prefs.audiences}
        if before == after:
            return
        left = Audience.objects.filter(slug__in=before - after, is_public=True)
        Membership.objects.filter(subscriber=subscriber, audience__in=left).delete()
        sequences.exit_audiences(subscriber, list(left))
        join(subscriber, [a for a in prefs.audiences if a.slug not in before])
        record(subscriber, ConsentKind.PREFERENCES, channel, client, audiences=sorted(after))


find = addresses.find  # the public name callers know
