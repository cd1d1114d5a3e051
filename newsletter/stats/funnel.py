"""One sequence as a funnel: each email in order, how many it reached, where people leave and
which email leads to consultations; and every email's figures for the Numbers page."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from ..models import Broadcast, Delivery, Sequence, Step
from .figures import Figures, Number, for_emails


@dataclass(frozen=True)
class Stage:
    step: Step
    figures: Figures
    # Share of the people the first email reached that this one reached ("" when hidden).
    kept: str
    bar: float  # 0..1, the bar's length beside the first email's; 0 when the count is hidden


def stages(sequence: Sequence) -> list[Stage]:
    steps = list(sequence.steps.filter(removed=False).order_by("position"))
    figures = for_emails("step", [step.pk for step in steps])
    first = figures[steps[0].pk].sent if steps else Number(0)
    return [_stage(step, figures[step.pk], first) for step in steps]


def _stage(step: Step, figures: Figures, first: Number) -> Stage:
    visible = not figures.sent.hidden and not first.hidden
    bar = figures.sent.value / first.value if visible else 0.0
    return Stage(step, figures, figures.sent.rate_of(first), min(bar, 1.0))


@dataclass(frozen=True)
class Row:
    name: str
    subject: str
    figures: Figures
    sequence_pk: int | None


def every_email() -> list[Row]:
    """Every live step, by sequence, then every broadcast that went out, newest first."""
    steps = list(
        Step.objects.filter(removed=False)
        .select_related("sequence")
        .order_by("sequence__name", "position")
    )
    went_out = Delivery.objects.filter(broadcast=OuterRef("pk"))
    broadcasts = list(Broadcast.objects.filter(Exists(went_out)))
    broadcasts.sort(key=lambda b: b.scheduled_at or b.created_at, reverse=True)
    by_step = for_emails("step", [step.pk for step in steps])
    by_broadcast = for_emails("broadcast", [b.pk for b in broadcasts])
    rows = [Row(s.sequence.name, s.subject, by_step[s.pk], s.sequence_id) for s in steps]
    rows += [Row("Broadcast", b.subject, by_broadcast[b.pk], None) for b in broadcasts]
    return rows
