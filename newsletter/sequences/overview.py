"""What the sequences page shows: each sequence, who is in it now, and its emails as a timeline."""

from dataclasses import dataclass

from django.db.models import Count

from ..models import Enrollment, Practice, Sequence, Step
from . import sequences, words


@dataclass(frozen=True)
class EmailLine:
    step: Step
    when: str  # "Day 2"
    window: str  # "weekdays, 9 am to 5 pm, in each reader's time zone"
    waiting: int  # people whose next email this is


@dataclass(frozen=True)
class SequenceCard:
    sequence: Sequence
    people: int
    emails: list[EmailLine]


def cards(practice: Practice | None = None) -> list[SequenceCard]:
    """Every sequence but archived ones first, with counts from two grouped queries."""
    practice = practice or Practice.get()
    listed = list(Sequence.objects.select_related("audience").order_by("status", "name"))
    waiting = _waiting_by_position()
    steps = _live_steps_by_sequence()
    return [_card(s, steps.get(s.pk, []), waiting, practice) for s in listed]


def _card(sequence: Sequence, steps: list[Step], waiting: dict, practice: Practice):
    window = words.window(sequences.window_of(sequence, practice))
    lines = [
        EmailLine(
            step=step,
            when=when,
            window="as soon as it is due" if step.ignore_window else window,
            waiting=waiting.get((sequence.pk, step.position), 0),
        )
        for step, when in zip(steps, words.timeline(steps), strict=True)
    ]
    people = sum(n for (seq, _), n in waiting.items() if seq == sequence.pk)
    return SequenceCard(sequence=sequence, people=people, emails=lines)


def _waiting_by_position() -> dict[tuple[int, int], int]:
    active = Enrollment.objects.filter(status=Enrollment.Status.ACTIVE)
    rows = active.values("sequence_id", "next_position").annotate(n=Count("pk")).order_by()
    return {(row["sequence_id"], row["next_position"]): row["n"] for row in rows}


def _live_steps_by_sequence() -> dict[int, list[Step]]:
    grouped: dict[int, list[Step]] = {}
    for step in Step.objects.filter(removed=False).order_by("sequence_id", "position"):
        grouped.setdefault(step.sequence_id, []).append(step)
    return grouped
