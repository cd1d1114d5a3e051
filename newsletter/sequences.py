"""Enroll subscribers in sequences, schedule their steps, and take them out again."""

from datetime import datetime, timedelta

from django.db.models import Q

from .models import Audience, Enrollment, Sequence, Step, Subscriber

DELAY_UNITS = {"minutes": "minutes", "hours": "hours", "days": "days"}


def delay_of(step: Step) -> timedelta:
    return timedelta(**{DELAY_UNITS[step.delay_unit]: step.delay_value})


def first_step(sequence: Sequence) -> Step | None:
    return sequence.steps.filter(removed=False).order_by("position").first()


def enroll(subscriber: Subscriber, audiences: list[Audience], now: datetime) -> list[Enrollment]:
    """Enroll an active subscriber in every active sequence of these audiences, once."""
    created = []
    sequences = Sequence.objects.filter(audience__in=audiences, status=Sequence.Status.ACTIVE)
    for sequence in sequences:
        existing = Enrollment.objects.filter(subscriber=subscriber, sequence=sequence)
        if existing.filter(status=Enrollment.Status.ACTIVE).exists():
            continue
        if existing.exists() and not sequence.allow_reentry:
            continue
        step = first_step(sequence)
        if step is None:
            continue
        created.append(
            Enrollment.objects.create(
                subscriber=subscriber,
                sequence=sequence,
                next_position=step.position,
                next_send_at=now + delay_of(step),
                enrolled_at=now,
            )
        )
    return created


def exit_all(subscriber: Subscriber, reason: str, audiences: list[Audience] | None = None) -> int:
    """End the subscriber's active enrollments, recording why."""
    from django.utils import timezone

    active = Enrollment.objects.filter(subscriber=subscriber, status=Enrollment.Status.ACTIVE)
    if audiences is not None:
        active = active.filter(sequence__audience__in=audiences)
    return active.update(
        status=Enrollment.Status.EXITED, exit_reason=reason, ended_at=timezone.now()
    )


def exit_audiences(subscriber: Subscriber, audiences: list[Audience]) -> int:
    if not audiences:
        return 0
    return exit_all(subscriber, Enrollment.ExitReason.LEFT_AUDIENCE, audiences=audiences)


def resume_after_pause(subscriber: Subscriber, now: datetime) -> int:
    """After a pause, overdue steps become due now, one at a time (no burst)."""
    overdue = Enrollment.objects.filter(
        Q(next_send_at__lt=now), subscriber=subscriber, status=Enrollment.Status.ACTIVE
    )
    return overdue.update(next_send_at=now)
