"""What a live edit will do, in a sentence, before it is done (counts from sequence_edits)."""

from dataclasses import dataclass

from ..models import Delivery, Sequence, Step
from . import sequence_edits


@dataclass(frozen=True)
class Consequence:
    """The sentence shown before a change, how many people it reaches, and its button."""

    sentence: str
    count: int
    button: str


def people(count: int) -> str:
    return "1 person" if count == 1 else f"{count} people"


def needs_confirmation(sequence: Sequence) -> bool:
    """A draft sequence has nobody in it: its edits reach nobody and need no confirmation."""
    return sequence.status != Sequence.Status.DRAFT or sequence.enrollments.exists()


def received(step: Step) -> int:
    return step.deliveries.exclude(status=Delivery.Status.SKIPPED).count()


def content(step: Step, delay_changed: bool = False) -> Consequence:
    count = sequence_edits.affected(step.sequence, "content", step.position)
    got = received(step)
    have = "has" if count == 1 else "have"
    others = "the 1 who has is" if got == 1 else f"the {got} who have are"
    sentence = (
        f"This edit reaches the {people(count)} who {have} not yet received this email; "
        f"{others} not sent it again."
    )
    if delay_changed:
        waiting = sequence_edits.affected(step.sequence, "delay", step.position)
        sentence += f" The new delay reschedules the {people(waiting)} waiting for it."
    return Consequence(sentence, count, f"Save and reach {people(count)}")


def insert(sequence: Sequence, position: int) -> Consequence:
    count = sequence_edits.affected(sequence, "insert", position)
    sentence = (
        f"This new email reaches the {people(count)} who have not yet passed this point in "
        "the sequence; those further on do not get it."
    )
    return Consequence(sentence, count, f"Add it and reach {people(count)}")


def remove(step: Step) -> Consequence:
    count = sequence_edits.affected(step.sequence, "remove", step.position)
    sentence = (
        f"Removing this email moves the {people(count)} waiting for it on to the next email; "
        "nobody is sent anything twice."
    )
    return Consequence(sentence, count, f"Remove it and move {people(count)} on")


def move(step: Step, offset: int) -> Consequence | None:
    """None when the step has no neighbour that way."""
    steps = list(step.sequence.steps.filter(removed=False).order_by("position"))
    index = next(i for i, s in enumerate(steps) if s.pk == step.pk) + offset
    if not 0 <= index < len(steps):
        return None
    pair = (step.position, steps[index].position)
    active = step.sequence.enrollments.filter(status=sequence_edits.Active)
    count = active.filter(next_position__in=pair).count()
    sentence = (
        f"Moving this email changes the order for the {people(count)} waiting for it or the "
        "email it swaps with; nobody is sent anything twice."
    )
    return Consequence(sentence, count, f"Move it for {people(count)}")
