"""Enroll subscribers in sequences, schedule their steps, and take them out again.

One sequence at a time (a practice setting, on by default): a sequence joined while another
is under way waits (next_send_at empty, `waits_for` the one before it) and starts from its
first step when that one ends, in the order the reader joined.

Re-entry rule: a subscriber is enrolled in a sequence once. When the sequence allows
re-entry, someone who completed or left it can be enrolled again (on confirming again,
resubscribing or rejoining its audience), but the ledger holds one delivery per subscriber
and step, so a re-entry only brings the steps they have not yet received.
"""

from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..models import Audience, Booking, Delivery, Enrollment, Practice, Sequence, Step, Subscriber
from . import windows

Status = Enrollment.Status


def window_of(sequence: Sequence, practice: Practice) -> windows.Window:
    """The sequence's send window; each part left blank falls back to the practice's."""
    return windows.Window.of(
        sequence.send_days or practice.send_days,
        _first_set(sequence.send_start_hour, practice.send_start_hour),
        _first_set(sequence.send_end_hour, practice.send_end_hour),
    )


def _first_set(value: int | None, default: int) -> int:
    return default if value is None else value


def zone_of(subscriber: Subscriber, practice: Practice):
    return windows.zone_named(subscriber.time_zone, practice.default_time_zone)


def due_at(enrollment: Enrollment, step: Step, after: datetime, practice: Practice) -> datetime:
    """When `step` goes out for this enrollment, counting its delay from `after`."""
    zone = zone_of(enrollment.subscriber, practice)
    due = windows.after_delay(after, step.delay_value, step.delay_unit, zone)
    key = f"{enrollment.subscriber_id}:{enrollment.sequence_id}:{step.position}"
    window = window_of(enrollment.sequence, practice)
    return windows.send_time(due, window, zone, key, step.ignore_window)


def live_steps(sequence: Sequence) -> list[Step]:
    return list(sequence.steps.filter(removed=False).order_by("position"))


def step_from(steps: list[Step], position: int) -> Step | None:
    """The first live step at or after `position` (steps sorted by position)."""
    return next((step for step in steps if step.position >= position), None)


def enroll(subscriber: Subscriber, audiences: list[Audience], now: datetime) -> list[Enrollment]:
    """Enroll an active subscriber in every active sequence of these audiences, once."""
    practice = Practice.get()
    sequences = Sequence.objects.filter(audience__in=audiences, status=Sequence.Status.ACTIVE)
    joined = {getattr(a, "pk", a): n for n, a in enumerate(audiences)}  # the order joined
    ordered = sorted(sequences.distinct(), key=lambda s: (joined.get(s.audience_id, 0), s.pk))
    current = tails([subscriber.pk]).get(subscriber.pk) if practice.one_sequence_at_a_time else None
    created = []
    for sequence in ordered:
        if not _may_enroll(subscriber, sequence):
            continue
        step = step_from(live_steps(sequence), 1)
        if step is None:
            continue
        enrollment = Enrollment(subscriber=subscriber, sequence=sequence, enrolled_at=now)
        enrollment.next_position = step.position
        if current is None:
            enrollment.next_send_at = due_at(enrollment, step, now, practice)
        else:
            enrollment.waits_for_id = current  # starts when the one before it ends
        enrollment.save()
        created.append(enrollment)
        current = enrollment.pk if practice.one_sequence_at_a_time else None
    return created


def tails(subscriber_ids) -> dict[int, int]:
    """Each subscriber's last active enrollment (the one a new sequence waits for)."""
    active = Enrollment.objects.filter(subscriber_id__in=list(subscriber_ids), status=Status.ACTIVE)
    found: dict[int, int] = {}
    for subscriber_id, pk in active.order_by("enrolled_at", "pk").values_list(
        "subscriber_id", "pk"
    ):
        found[subscriber_id] = pk
    return found


def start_waiting(ended_ids, now: datetime, practice: Practice | None = None) -> int:
    """Sequences that waited for these enrollments start now, each from its first step."""
    followers = Enrollment.objects.filter(waits_for_id__in=list(ended_ids), status=Status.ACTIVE)
    followers = list(followers.select_related("subscriber", "sequence"))
    practice = practice or Practice.get()
    for follower in followers:
        step = step_from(live_steps(follower.sequence), follower.next_position)
        follower.waits_for = None
        follower.next_send_at = due_at(follower, step, now, practice) if step else now
        follower.save(update_fields=["waits_for", "next_send_at"])
    return len(followers)


def reading_order(subscriber: Subscriber) -> list[tuple[str, str]]:
    """(sequence name, the name of the sequence it waits for, or "") for each active one."""
    active = Enrollment.objects.filter(subscriber=subscriber, status=Status.ACTIVE)
    active = active.select_related("sequence", "waits_for__sequence").order_by("enrolled_at", "pk")
    return [(e.sequence.name, e.waits_for.sequence.name if e.waits_for_id else "") for e in active]


def _may_enroll(subscriber: Subscriber, sequence: Sequence) -> bool:
    # Someone who booked a consultation is past the nurture: no sequence starts for them.
    if Booking.objects.filter(subscriber=subscriber, cancelled_at__isnull=True).exists():
        return False
    existing = Enrollment.objects.filter(subscriber=subscriber, sequence=sequence)
    if existing.filter(status=Status.ACTIVE).exists():
        return False
    return sequence.allow_reentry or not existing.exists()


def advance(enrollment: Enrollment, steps: list[Step], sent_at: datetime, practice) -> None:
    """Point the enrollment at the step after the one just sent (in memory; caller saves)."""
    following = step_from(steps, enrollment.next_position + 1)
    enrollment.last_sent_at = sent_at
    if following is None:
        enrollment.status = Status.COMPLETED
        enrollment.next_send_at = None
        enrollment.ended_at = sent_at
        return
    enrollment.next_position = following.position
    enrollment.next_send_at = due_at(enrollment, following, sent_at, practice)


def exit_all(
    subscriber: Subscriber,
    reason: str,
    audiences: list[Audience] | None = None,
    now: datetime | None = None,
) -> int:
    """End the subscriber's active enrollments, recording why; queued emails are dropped."""
    active = Enrollment.objects.filter(subscriber=subscriber, status=Status.ACTIVE)
    if audiences is not None:
        active = active.filter(sequence__audience__in=audiences)
    pairs = list(active.values_list("pk", "sequence_id"))
    sequence_ids = [sequence_id for _, sequence_id in pairs]
    with transaction.atomic():
        Delivery.objects.filter(
            subscriber=subscriber, step__sequence_id__in=sequence_ids, status=Delivery.Status.QUEUED
        ).update(status=Delivery.Status.SKIPPED, last_error=f"left the sequence ({reason})")
        ended = active.update(
            status=Status.EXITED, exit_reason=reason, ended_at=now or timezone.now()
        )
        start_waiting([pk for pk, _ in pairs], now or timezone.now())
        return ended


def exit_audiences(subscriber: Subscriber, audiences: list[Audience]) -> int:
    if not audiences:
        return 0
    return exit_all(subscriber, Enrollment.ExitReason.LEFT_AUDIENCE, audiences=audiences)


def resume_after_pause(subscriber: Subscriber, now: datetime) -> int:
    """After a pause, overdue steps fall due again over the next hour, one step each."""
    overdue = Enrollment.objects.filter(
        Q(next_send_at__lt=now), subscriber=subscriber, status=Status.ACTIVE
    )
    release_held(Delivery.objects.filter(subscriber=subscriber), now)
    return respread(overdue, now)


def respread(enrollments, now: datetime) -> int:
    """Overdue enrollments fall due within the next hour (stable per enrollment), never at once."""
    changed = []
    for enrollment in enrollments.only("pk", "next_send_at"):
        enrollment.next_send_at = now + windows.spread_offset(f"resume:{enrollment.pk}")
        changed.append(enrollment)
    Enrollment.objects.bulk_update(changed, ["next_send_at"], batch_size=1000)
    return len(changed)


def release_held(deliveries, now: datetime) -> int:
    """Queued rows held back by a pause go to the workers again at the next pass."""
    held = deliveries.filter(status=Delivery.Status.QUEUED, next_attempt_at__isnull=True)
    return held.update(next_attempt_at=now)
