"""Editing a live sequence without surprising anyone (the rules in DESIGN.md).

- Edited content reaches everyone who has not yet received that step (rendering happens at
  send time from the step as it is then).
- A changed delay reschedules those waiting for that step, counted from their last send.
- An inserted step reaches those who have not passed its position; with `also_finished`,
  people who completed the sequence get just that step.
- A removed step is never renumbered away: those waiting for it move to the next step, its
  queued emails are dropped, and nobody is sent anything twice.
- Pausing keeps every place; resuming spreads overdue steps over the next hour (no burst).
"""

from datetime import datetime

from django.db import transaction
from django.db.models import F, Max

from ..models import Delivery, Enrollment, Practice, Sequence, Step
from . import sequences

Active = Enrollment.Status.ACTIVE
SHIFT = 1_000_000  # moves positions out of the way so the unique constraint holds mid-update


def add_step(sequence: Sequence, **fields) -> Step:
    """Append a step; the first step of a sequence ignores the window unless told otherwise."""
    last = sequence.steps.filter(removed=False).aggregate(last=Max("position"))["last"]
    fields.setdefault("ignore_window", last is None)
    return Step.objects.create(sequence=sequence, position=(last or 0) + 1, **fields)


def waiting_for(step: Step):
    return step.sequence.enrollments.filter(status=Active, next_position=step.position)


@transaction.atomic
def change_delay(step: Step, value: int, unit: str, now: datetime) -> int:
    """Set a step's delay and reschedule everyone waiting for it; returns how many."""
    step.delay_value, step.delay_unit = value, unit
    step.save(update_fields=["delay_value", "delay_unit"])
    return _reschedule(waiting_for(step), step, now)


def _reschedule(enrollments, step: Step, now: datetime) -> int:
    practice = Practice.get()
    changed = list(enrollments.select_related("subscriber", "sequence"))
    for enrollment in changed:
        after = enrollment.last_sent_at or enrollment.enrolled_at
        enrollment.next_position = step.position
        enrollment.next_send_at = sequences.due_at(enrollment, step, after, practice)
    Enrollment.objects.bulk_update(changed, ["next_position", "next_send_at"], batch_size=1000)
    return len(changed)


@transaction.atomic
def insert_step(
    sequence: Sequence, position: int, now: datetime, also_finished: bool = False, **fields
) -> Step:
    """Put a new step at `position`, moving later steps (and the people waiting for them) on."""
    later = sequence.steps.filter(removed=False, position__gte=position)
    later.update(position=F("position") + SHIFT)
    later = sequence.steps.filter(removed=False, position__gte=SHIFT)
    later.update(position=F("position") - SHIFT + 1)
    sequence.enrollments.filter(status=Active, next_position__gt=position).update(
        next_position=F("next_position") + 1
    )
    step = Step.objects.create(sequence=sequence, position=position, **fields)
    _reschedule(waiting_for(step), step, now)
    if also_finished:
        finished = sequence.enrollments.filter(status=Enrollment.Status.COMPLETED)
        ids = list(finished.values_list("pk", flat=True))
        back = Enrollment.objects.filter(pk__in=ids)
        back.update(status=Active, ended_at=None, next_position=position, last_sent_at=now)
        _reschedule(back, step, now)
    return step


@transaction.atomic
def remove_step(step: Step, now: datetime) -> int:
    """Retire a step; those waiting for it move to the next one. Returns how many moved."""
    waiting = list(waiting_for(step).values_list("pk", flat=True))
    step.removed = True
    step.save(update_fields=["removed"])
    step.deliveries.filter(status=Delivery.Status.QUEUED).update(
        status=Delivery.Status.SKIPPED, last_error="step was removed"
    )
    following = sequences.step_from(sequences.live_steps(step.sequence), step.position + 1)
    moved = Enrollment.objects.filter(pk__in=waiting)
    if following is None:
        return moved.update(status=Enrollment.Status.COMPLETED, next_send_at=None, ended_at=now)
    return _reschedule(moved, following, now)


def pause(sequence: Sequence, reason: str = "") -> None:
    Sequence.objects.filter(pk=sequence.pk).update(
        status=Sequence.Status.PAUSED, paused_reason=reason
    )


@transaction.atomic
def activate(sequence: Sequence, now: datetime) -> int:
    """Turn a draft or paused sequence on; overdue places are spread, held rows released."""
    Sequence.objects.filter(pk=sequence.pk).update(
        status=Sequence.Status.ACTIVE, paused_reason="", consecutive_failures=0
    )
    sequences.release_held(Delivery.objects.filter(step__sequence=sequence), now)
    overdue = sequence.enrollments.filter(status=Active, next_send_at__lt=now)
    return sequences.respread(overdue, now)


def archive(sequence: Sequence) -> None:
    Sequence.objects.filter(pk=sequence.pk).update(status=Sequence.Status.ARCHIVED)


CHANGES = ("content", "delay", "insert", "remove", "pause")


def affected(sequence: Sequence, change: str, position: int = 1, also_finished=False) -> int:
    """How many subscribers a pending change reaches, for the admin to say before saving."""
    active = sequence.enrollments.filter(status=Active)
    if change in ("content", "insert"):
        count = active.filter(next_position__lte=position).count()
        if change == "insert" and also_finished:
            count += sequence.enrollments.filter(status=Enrollment.Status.COMPLETED).count()
        return count
    if change in ("delay", "remove"):
        return active.filter(next_position=position).count()
    if change == "pause":
        return active.count()
    raise ValueError(f"Unknown change {change!r}; expected one of {', '.join(CHANGES)}.")


@transaction.atomic
def move_step(step: Step, offset: int, now: datetime) -> int:
    """Swap a step with its neighbour (offset -1: earlier, +1: later); returns how many people
    waiting for either of the two are rescheduled. Nobody gets an email twice: the ledger
    keeps anyone from receiving a step they already have, and whoever has received the first
    of the two goes on to the other one."""
    steps = sequences.live_steps(step.sequence)
    index = next(i for i, s in enumerate(steps) if s.pk == step.pk) + offset
    if offset not in (-1, 1) or not 0 <= index < len(steps):
        return 0
    first, second = sorted([step, steps[index]], key=lambda s: s.position)
    waiting = step.sequence.enrollments.filter(status=Active)
    between = list(waiting.filter(next_position=second.position).values_list("pk", flat=True))
    at_first = list(waiting.filter(next_position=first.position).values_list("pk", flat=True))
    low, high = first.position, second.position
    Step.objects.filter(pk=first.pk).update(position=high + SHIFT)
    Step.objects.filter(pk=second.pk).update(position=low)
    Step.objects.filter(pk=first.pk).update(position=high)
    moved = Enrollment.objects.filter(pk__in=between + at_first)
    moved.update(next_position=low)
    second.position = low
    return _reschedule(moved, second, now)
