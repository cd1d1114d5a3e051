"""The practice's view of its people: finding them, one person's page, and never-mail addresses.

Nothing here reports one reader's reading: a person's page shows what was sent to them and
what became of it (delivered, bounced), never their clicks.
"""

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet

from ..models import Audience, Delivery, Enrollment, Practice, Subscriber, Suppression
from ..sequences import sequences, words
from . import addresses
from .subscriptions import is_suppressed, unsubscribe

Status = Subscriber.Status
CHANNEL = "workspace"


@dataclass(frozen=True)
class Search:
    text: str = ""
    status: str = ""
    audience: int | None = None


def find(search: Search) -> QuerySet[Subscriber]:
    """Subscribers whose address or first name holds the text, of this status and audience."""
    found = Subscriber.objects.all()
    text = search.text.strip()
    if text:
        found = found.filter(Q(email__icontains=text) | Q(first_name__icontains=text))
    if search.audience:
        found = found.filter(audiences__pk=search.audience)
    if search.status:
        found = found.filter(status=search.status)
    return found.order_by("-created_at", "-pk")


def status_counts(search: Search) -> list[tuple[str, str, int]]:
    """(status, its words, how many) for the search without its status filter, in one query."""
    rows = (
        find(Search(text=search.text, audience=search.audience))
        .order_by()
        .values("status")
        .annotate(n=Count("pk"))
    )
    counts = {row["status"]: row["n"] for row in rows}
    return [(value, label, counts.get(value, 0)) for value, label in Status.choices]


def audience_counts() -> list[tuple[Audience, int]]:
    audiences = Audience.objects.annotate(n=Count("subscribers")).order_by("name")
    return [(audience, audience.n) for audience in audiences]


@dataclass(frozen=True)
class Place:
    """Where a person is in one sequence, in words."""

    sequence_name: str
    sequence_pk: int
    where: str
    next_email: str


def places(subscriber: Subscriber, now: datetime) -> list[Place]:
    zone = subscriber.time_zone or Practice.get().default_time_zone
    enrollments = subscriber.enrollments.select_related("sequence").order_by("enrolled_at")
    found = [_place(enrollment, zone, now) for enrollment in enrollments]
    if subscriber.status == Status.PAUSED and subscriber.paused_until:
        after = (
            f"After their pause ends ({words.moment(subscriber.paused_until, zone)}, their time)"
        )
        found = [
            p if p.next_email in ("None", "Not scheduled") else _later(p, after) for p in found
        ]
    return found


def _later(place: Place, when: str) -> Place:
    return Place(place.sequence_name, place.sequence_pk, place.where, when)


def _place(enrollment: Enrollment, zone: str, now: datetime) -> Place:
    steps = sequences.live_steps(enrollment.sequence)
    sequence = enrollment.sequence
    if enrollment.status != Enrollment.Status.ACTIVE:
        ended = enrollment.get_status_display()
        if enrollment.exit_reason:
            ended = f"{ended}: {enrollment.get_exit_reason_display().lower()}"
        return Place(sequence.name, sequence.pk, ended, "None")
    done = sum(1 for step in steps if step.position < enrollment.next_position)
    where = f"Has had {done} of {len(steps)} email{'s' * (len(steps) != 1)}"
    if enrollment.next_send_at is None:
        return Place(sequence.name, sequence.pk, where, "Not scheduled")
    when = words.moment(max(enrollment.next_send_at, now), zone)
    return Place(sequence.name, sequence.pk, where, f"{when}, their time")


def sent_emails(subscriber: Subscriber, zone: str) -> list[dict]:
    """What was sent to this person and what became of it (never whether they clicked)."""
    rows = subscriber.deliveries.select_related("step__sequence", "broadcast").order_by(
        "-created_at", "-pk"
    )
    return [
        {
            "subject": (row.step or row.broadcast).subject,
            "from": row.step.sequence.name if row.step else "Broadcast",
            "sent_at": words.moment(row.sent_at, zone) if row.sent_at else "Not sent",
            "outcome": outcome(row),
        }
        for row in rows
    ]


def outcome(row: Delivery) -> str:
    if row.event:
        return row.get_event_display()
    if row.status == Delivery.Status.SENT:
        return "Sent"
    return {"queued": "Waiting to go", "sending": "Going out now"}.get(
        row.status, row.get_status_display()
    )


def actions(subscriber: Subscriber) -> list[str]:
    """What the practice may do for this person now, by name."""
    if subscriber.status == Status.ERASED:
        return []
    allowed = ["download", "erase"]
    if subscriber.status == Status.ACTIVE:
        allowed[:0] = ["pause", "unsubscribe", "booked"]
    elif subscriber.status == Status.PAUSED:
        allowed[:0] = ["resume", "unsubscribe", "booked"]
    elif subscriber.status == Status.PENDING:
        allowed[:0] = ["unsubscribe"]
    return allowed


class AlreadySuppressed(Exception):
    pass


def suppress(address: str) -> Subscriber | None:
    """Never mail this address again: keep its keyed hash (reason "manual"), as erasure does.

    A subscriber with this address is unsubscribed; they are returned. ValidationError for
    an address that is not one, AlreadySuppressed when it is already on the list.
    """
    email = addresses.normalise(address)
    if is_suppressed(email):
        raise AlreadySuppressed(email)
    with transaction.atomic():
        Suppression.objects.get_or_create(
            address_hash=addresses.suppression_hash(email),
            defaults={"reason": Suppression.Reason.MANUAL},
        )
        subscriber = Subscriber.objects.by_email(addresses.key(email)).first()
        if subscriber is not None:
            unsubscribe(subscriber, CHANNEL)
    return subscriber


def refuse_unknown_status(status: str) -> str:
    if status and status not in Status.values:
        raise ValidationError("Choose a status from the list.")
    return status
