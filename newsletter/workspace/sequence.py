"""One sequence's page: its emails in order, each linking to its editor; move, remove, add."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from ..models import Practice, Sequence
from ..sequences import consequences, sequence_edits, sequences, words
from .access import staff_only

DONE = {
    "up": "Moved earlier.",
    "down": "Moved later.",
    "remove": "Removed. Nobody is sent anything twice.",
}


def lines(sequence: Sequence) -> list[dict]:
    steps = sequences.live_steps(sequence)
    window = words.window(sequences.window_of(sequence, Practice.get()))
    waiting = sequence.enrollments.filter(status=sequence_edits.Active)
    return [
        {
            "step": step,
            "when": when,
            "window": "at any hour, as soon as due" if step.ignore_window else window,
            "waiting": waiting.filter(next_position=step.position).count(),
            "first": index == 0,
            "last": index == len(steps) - 1,
        }
        for index, (step, when) in enumerate(zip(steps, words.timeline(steps), strict=True))
    ]


def _consequence(step, action: str):
    if action == "remove":
        return consequences.remove(step)
    return consequences.move(step, -1 if action == "up" else 1)


def _act(step, action: str, now) -> None:
    if action == "remove":
        sequence_edits.remove_step(step, now)
    else:
        sequence_edits.move_step(step, -1 if action == "up" else 1, now)


@staff_only
@require_http_methods(["GET", "POST"])
def sequence(request: HttpRequest, pk: int):
    seq = get_object_or_404(Sequence.objects.select_related("audience"), pk=pk)
    context = {"sequence": seq, "section": "sequences", "done": DONE.get(request.GET.get("done"))}
    if request.method == "POST":
        action, chosen = request.POST.get("action", ""), request.POST.get("step", "")
        step = seq.steps.filter(removed=False, pk=int(chosen) if chosen.isdigit() else 0).first()
        consequence = _consequence(step, action) if step and action in DONE else None
        if consequence is None:
            context["problem"] = "That change cannot be made; nothing was changed."
            return render(request, "workspace/sequence.html", _full(context, seq), status=400)
        confirmed = request.POST.get("confirmed") == str(consequence.count)
        if consequences.needs_confirmation(seq) and not confirmed:
            context.update(pending=step, action=action, consequence=consequence)
            return render(request, "workspace/sequence.html", _full(context, seq))
        _act(step, action, timezone.now())
        return redirect(request.path + f"?done={action}")
    return render(request, "workspace/sequence.html", _full(context, seq))


def _full(context: dict, seq: Sequence) -> dict:
    people = seq.enrollments.filter(status=sequence_edits.Active).count()
    return {**context, "lines": lines(seq), "people": consequences.people(people)}
