"""Turning a sequence on, pausing, resuming and archiving it: one question per page."""

from django.contrib import messages
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from ..models import Enrollment, Practice, Sequence
from ..observability import audit
from ..sequences import activation, sequence_edits, sequences, words
from .access import staff_only

Status = Sequence.Status
# What each status may become: the action's name and the status it needs.
ACTIONS = {
    "activate": (Status.DRAFT, Status.ARCHIVED),
    "pause": (Status.ACTIVE,),
    "resume": (Status.PAUSED,),
    "archive": (Status.DRAFT, Status.ACTIVE, Status.PAUSED),
}
WHO = {"new": "Only people who join from now on", "current": "Also the current members"}


@staff_only
def sequence_status(request: HttpRequest, pk: int):
    sequence = get_object_or_404(Sequence.objects.select_related("audience"), pk=pk)
    action = request.POST.get("do") if request.method == "POST" else request.GET.get("do")
    allowed = [name for name, needs in ACTIONS.items() if sequence.status in needs]
    context = _context(sequence, allowed)
    if action not in allowed:
        status = 400 if request.method == "POST" else 200
        if action:
            context["refusal"] = _refusal(sequence, action)
        return render(request, "workspace/sequence_status.html", context, status=status)
    context["action"] = action
    if action == "activate" and not context["has_emails"]:
        context["refusal"] = "This sequence has no emails yet. Add one before turning it on."
        return render(request, "workspace/sequence_status.html", context, status=400)
    if request.method != "POST":
        return render(request, "workspace/sequence_status.html", context)
    who = request.POST.get("who", "new")
    if action == "activate" and (who not in WHO or who == "current" and not context["plan"].people):
        context["who_error"] = "Choose who starts the sequence."
        return render(request, "workspace/sequence_status.html", context, status=400)
    messages.success(request, _perform(sequence, action, who))
    audit.record(
        request.user, f"sequence_{action}", sequence, who=who if action == "activate" else None
    )
    return redirect(reverse("workspace:sequences") + f"#seq-{sequence.pk}")


def _context(sequence: Sequence, allowed: list[str]) -> dict:
    practice = Practice.get()
    now = timezone.now()
    active = sequence.enrollments.filter(status=Enrollment.Status.ACTIVE)
    plan = activation.plan(sequence, practice, now) if "activate" in allowed else None
    return {
        "section": "sequences",
        "sequence": sequence,
        "allowed": allowed,
        "has_emails": bool(sequences.live_steps(sequence)),
        "midway": active.count(),
        "overdue": active.filter(next_send_at__lt=now).count(),
        "plan": plan,
        "per_day": activation.per_day(practice, sequence),
        "from_when": words.moment(now, practice.default_time_zone),
    }


def _refusal(sequence: Sequence, action: str) -> str:
    state = sequence.get_status_display().lower()
    if action in ACTIONS:
        return f"This sequence is {state}, so it cannot be {action}d; nothing was changed."
    return "That is not something a sequence can do; nothing was changed."


def _perform(sequence: Sequence, action: str, who: str) -> str:
    now = timezone.now()
    name = f"“{sequence.name}”"
    if action == "pause":
        sequence_edits.pause(sequence)
        return f"{name} is paused. Everyone mid-way keeps their place."
    if action == "archive":
        sequence_edits.archive(sequence)
        return f"{name} is archived. Nobody gets any more of its emails."
    if action == "resume":
        spread = sequence_edits.activate(sequence, now)
        late = f" The {words.people(spread)} whose email came due meanwhile get it within the hour."
        return f"{name} is on again; everyone mid-way picks up where they left off." + (
            late if spread else ""
        )
    if who == "current":
        started = activation.activate_for_current_members(sequence, now)
        return f"{name} is on. {_started(started)}"
    sequence_edits.activate(sequence, now)
    return f"{name} is on. People who join from now on start it."


def _started(started: list[Enrollment]) -> str:
    if not started:
        return "Nobody already in its audience could start it."
    zone = Practice.get().default_time_zone
    moments = sorted(e.next_send_at for e in started if e.next_send_at)
    later = len(started) - len(moments)
    after = f" {words.people(later)} start it after their current sequence." if later else ""
    if not moments:
        return after.strip()
    first, last = words.moment(moments[0], zone), words.moment(moments[-1], zone)
    return (
        f"{words.people(len(moments))} already in its audience start it now; their first emails "
        f"go out between {first} and {last}.{after}"
    )
