"""Broadcasts in the workspace: the list, a new draft, sending or scheduling, progress, cancel."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import messages
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from ..mail import lockscreen, placeholders
from ..models import Audience, Broadcast, Practice
from ..observability import audit
from ..sequences import broadcasts, windows, words
from . import links
from .access import staff_only

State = Broadcast.Status
POLL_SECONDS = 3


class BroadcastForm(forms.Form):
    audiences = forms.ModelMultipleChoiceField(
        queryset=Audience.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        label="Who should get it?",
        error_messages={"required": "Choose at least one audience."},
    )
    subject = forms.CharField(
        max_length=200, label="Subject", error_messages={"required": "Write a subject line."}
    )
    body = forms.CharField(
        widget=forms.Textarea, label="The email, in Markdown", required=False, strip=False
    )

    def __init__(self, *args, body_here: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not body_here:
            del self.fields["body"]  # written in the email editor instead
        else:
            self.fields["body"].required = True
            self.fields["body"].error_messages["required"] = "Write the email."

    def clean(self):
        data = super().clean()
        written = {name: data.get(name) or "" for name in ("subject", "body") if name in data}
        for name, message in placeholders.problems(written).items():
            self.add_error(name, message)
        return data


class WhenForm(forms.Form):
    when = forms.ChoiceField(
        choices=[("now", "Now"), ("later", "At a time I choose")],
        widget=forms.RadioSelect,
        label="When should it go?",
        error_messages={"required": "Choose when it should go."},
    )
    at = forms.DateTimeField(
        required=False,
        label="Date and time",
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(self, *args, zone: ZoneInfo, now: datetime, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone, self.now = zone, now

    def full_clean(self):
        with timezone.override(self.zone):  # the time is read on the practice's clock
            super().full_clean()

    def clean(self):
        data = super().clean()
        if data.get("when") != "later":
            data["at"] = None
            return data
        if not data.get("at"):
            if "at" not in self.errors:
                self.add_error("at", "Choose the date and time it should go.")
        elif data["at"] <= self.now:
            self.add_error("at", "Choose a time that has not passed yet.")
        return data


@staff_only
def broadcasts_list(request: HttpRequest):
    zone = Practice.get().default_time_zone
    listed = Broadcast.objects.prefetch_related("audiences").order_by("-created_at")
    rows = [
        {
            "broadcast": b,
            "audiences": words.names([a.name for a in b.audiences.all()] or ["nobody yet"]),
            "when": words.moment(b.scheduled_at, zone) if b.scheduled_at else "",
            "standing": broadcasts.standing(b) if b.status != State.DRAFT else None,
        }
        for b in listed
    ]
    return render(request, "workspace/broadcasts.html", {"section": "broadcasts", "rows": rows})


@staff_only
def broadcast_new(request: HttpRequest):
    body_here = links.broadcast_editor(0) is None
    form = BroadcastForm(request.POST or None, body_here=body_here)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created = Broadcast.objects.create(
            slug=_slug(data["subject"]), subject=data["subject"], body=data.get("body", "")
        )
        created.audiences.set(data["audiences"])
        for warning in lockscreen.check_for_practice(created.subject):
            messages.warning(request, f"Subject: {warning}")
        return redirect(links.broadcast_editor(created.pk) or _page(created))
    context = {"section": "broadcasts", "form": form, "body_here": body_here}
    return render(request, "workspace/broadcast_new.html", context, status=_status(request, form))


@staff_only
def broadcast(request: HttpRequest, pk: int):
    found = get_object_or_404(Broadcast, pk=pk)
    practice = Practice.get()
    form = None
    if found.status in (State.DRAFT, State.SCHEDULED):
        form = WhenForm(initial={"when": "now"}, zone=_zone(practice), now=timezone.now())
    template = "workspace/broadcast.html#progress" if request.htmx else "workspace/broadcast.html"
    return render(request, template, _context(found, practice, form))


@staff_only
@require_POST
def broadcast_archive(request: HttpRequest, pk: int):
    """Show a newsletter in the public archive once sent, or leave it out."""
    found = get_object_or_404(Broadcast, pk=pk)
    shown = request.POST.get("in_archive") == "yes"
    Broadcast.objects.filter(pk=found.pk).update(in_archive=shown)
    messages.success(request, "It will be shown in the archive." if shown else "It is left out.")
    return redirect("workspace:broadcast", pk=found.pk)


@staff_only
def broadcast_send(request: HttpRequest, pk: int):
    """Check the time, say who and how many, and only then schedule (a second POST)."""
    found = get_object_or_404(Broadcast, pk=pk)
    if request.method != "POST":
        return redirect(_page(found))
    practice = Practice.get()
    now = timezone.now()
    form = WhenForm(request.POST, zone=_zone(practice), now=now)
    context = _context(found, practice, form)
    if context["refusal"] or not form.is_valid():
        return render(request, "workspace/broadcast.html", context, status=400)
    at = form.cleaned_data["at"]
    if request.POST.get("confirmed") != "yes":
        context.update(at=at, at_words=words.moment(at, practice.default_time_zone) if at else "")
        return render(request, "workspace/broadcast_confirm.html", context)
    broadcasts.schedule(found, at)
    audit.record(
        request.user,
        "broadcast_scheduled" if at else "broadcast_sent",
        found,
        people=context["reach"],
    )
    when = f"on {words.moment(at, practice.default_time_zone)}" if at else "from the next minute"
    messages.success(request, f"It goes out {when}, to {words.people(context['reach'])}.")
    return redirect(_page(found))


@staff_only
def broadcast_cancel(request: HttpRequest, pk: int):
    return _step(request, pk, "cancel", (State.SCHEDULED, State.SENDING, State.PAUSED))


@staff_only
def broadcast_resume(request: HttpRequest, pk: int):
    return _step(request, pk, "resume", (State.PAUSED,))


def _step(request: HttpRequest, pk: int, action: str, allowed: tuple[str, ...]):
    found = get_object_or_404(Broadcast, pk=pk)
    practice = Practice.get()
    context = _context(found, practice, None) | {"action": action}
    if found.status not in allowed:
        state = found.get_status_display().lower()
        done = "cancelled" if action == "cancel" else "resumed"
        context["refusal"] = f"This broadcast is {state}, so it cannot be {done}; nothing changed."
        return render(request, "workspace/broadcast.html", context, status=400)
    if request.method != "POST":
        return render(request, "workspace/broadcast_step.html", context)
    waiting = context["standing"].waiting
    if action == "cancel":
        broadcasts.cancel(found)
        audit.record(request.user, "broadcast_cancel", found, people=waiting)
        messages.success(request, f"Stopped: the {words.people(waiting)} waiting won’t get it.")
    else:
        broadcasts.resume(found, timezone.now())
        audit.record(request.user, "broadcast_resume", found, people=waiting)
        messages.success(request, f"Sending again to the {words.people(waiting)} waiting.")
    return redirect(_page(found))


def _context(found: Broadcast, practice: Practice, form) -> dict:
    audiences = [a.name for a in found.audiences.all()]
    standing = broadcasts.standing(found)
    zone = practice.default_time_zone
    refusal = ""
    if form is not None and found.status not in (State.DRAFT, State.SCHEDULED):
        state = found.get_status_display().lower()
        refusal = f"This broadcast is {state}, so it cannot be sent again; nothing changed."
    elif found.status in (State.DRAFT, State.SCHEDULED):
        if not audiences:
            refusal = "Choose who it goes to before sending it."
        elif not found.body.strip():
            refusal = "Write the email before sending it."
        elif not broadcasts.reach(found):
            refusal = f"Nobody in {words.names(audiences)} would get it right now."
    now = timezone.now()
    due = found.scheduled_at is not None and found.scheduled_at <= now
    return {
        "section": "broadcasts",
        "broadcast": found,
        "form": form,
        "reach": broadcasts.reach(found),
        "audience_names": words.names(audiences) if audiences else "",
        "standing": standing,
        "when": words.moment(found.scheduled_at, zone) if found.scheduled_at else "",
        "polling": found.status == State.SENDING or (found.status == State.SCHEDULED and due),
        "poll_seconds": POLL_SECONDS,
        "editor": links.broadcast_editor(found.pk),
        "refusal": refusal,
        "zone_name": zone.replace("_", " ").rpartition("/")[2],
        "now_words": words.moment(now, zone),
    }


def _zone(practice: Practice) -> ZoneInfo:
    return windows.zone_named(practice.default_time_zone, "UTC")


def _page(found: Broadcast) -> str:
    return reverse("workspace:broadcast", args=[found.pk])


def _slug(subject: str) -> str:
    return f"{slugify(subject)[:40].rstrip('-') or 'broadcast'}-{get_random_string(6).lower()}"


def _status(request: HttpRequest, form: forms.Form) -> int:
    return 400 if request.method == "POST" and form.errors else 200
