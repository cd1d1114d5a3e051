"""The email editor's form, and what one editor page edits: a step, a new step or a broadcast."""

import re
from dataclasses import dataclass

from django import forms
from django.shortcuts import get_object_or_404
from django.urls import reverse

from ..mail import lockscreen, placeholders, previews, tone
from ..models import Broadcast, Enrollment, Practice, Sequence, Step, Subscriber
from ..sequences import consequences, drafts, words

PHONE_PREVIEW_CHARACTERS = 90  # what a phone's inbox list shows of the preview line, about
IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)|<img\b", re.IGNORECASE)


class EmailForm(forms.Form):
    subject = forms.CharField(max_length=200)
    preview = forms.CharField(
        max_length=200,
        required=False,
        label="Preview line",
        help_text="Shown after the subject in the inbox list.",
    )
    content_note = forms.CharField(
        max_length=300,
        required=False,
        label="Content note",
        help_text="Optional: a gentle word at the top about what the email touches on.",
    )
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 18}), label="Email text")
    cta_text = forms.CharField(
        max_length=100,
        required=False,
        label="Button text",
        help_text="Blank: “Book a free consultation”.",
    )
    cta_url = forms.URLField(
        max_length=500,
        required=False,
        label="Button link",
        help_text="Blank: the practice's consultation page.",
    )

    def clean(self):
        cleaned = super().clean()
        written = {name: cleaned.get(name) or "" for name in placeholders.FIELDS}
        for name, message in placeholders.problems(written).items():
            if name in self.fields:
                self.add_error(name, message)
        return cleaned

    def content(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name in self.fields}


class StepForm(EmailForm):
    delay_value = forms.IntegerField(min_value=0, max_value=10_000, label="Wait")
    delay_unit = forms.ChoiceField(
        choices=[("days", "days"), ("hours", "hours"), ("minutes", "minutes")], label="Unit"
    )
    ignore_window = forms.BooleanField(
        required=False,
        label="Ignore the send window",
        help_text="Send as soon as it is due, at any hour (for a welcome email).",
    )


def typed(form: forms.Form, source) -> dict:
    """The form's values as typed, valid or not, for a preview or a draft."""
    fields = {}
    for name in drafts.field_names(source):
        raw = form.data.get(name)
        if name == "ignore_window":
            fields[name] = raw in ("on", "true", "1")
        elif name == "delay_value":
            fields[name] = int(raw) if (raw or "").isdigit() else source.delay_value
        elif raw is not None:
            fields[name] = str(raw)[:10_000]
    return fields


@dataclass
class Target:
    """What one editor page edits, and where its parts are."""

    source: Step | Broadcast
    kind: str  # "step", "new" or "broadcast"

    @property
    def form_class(self):
        return EmailForm if self.kind == "broadcast" else StepForm

    def url(self, part: str = "") -> str:
        if self.kind == "new":
            name, arg = "workspace:step_new", self.source.sequence_id
            query = f"?position={self.source.position}"
            return reverse(name + (f"_{part}" if part else ""), args=[arg]) + query
        if self.kind == "step":
            name = "workspace:step_edit" + (f"_{part}" if part else "")
        else:
            name = f"workspace:broadcast_{part}" if part else "workspace:broadcast_edit"
        return reverse(name, args=[self.source.pk])

    @property
    def sequence(self) -> Sequence | None:
        return None if self.kind == "broadcast" else self.source.sequence

    def confirms(self) -> bool:
        return self.sequence is not None and consequences.needs_confirmation(self.sequence)

    def consequence(self, fields: dict) -> consequences.Consequence:
        if self.kind == "new":
            return consequences.insert(self.sequence, self.source.position)
        delay = (fields.get("delay_value"), fields.get("delay_unit"))
        changed = delay != (self.source.delay_value, self.source.delay_unit)
        return consequences.content(self.source, delay_changed=changed)


def urls(target: Target) -> dict:
    parts = ("preview", "autosave", "test")
    if target.kind != "new":
        parts += ("versions", "discard")
    return {f"{part}_url": target.url(part) for part in parts}


def step_target(pk: int) -> Target:
    step = get_object_or_404(Step.objects.select_related("sequence"), pk=pk, removed=False)
    return Target(step, "step")


def broadcast_target(pk: int) -> Target:
    return Target(get_object_or_404(Broadcast, pk=pk), "broadcast")


def new_step_target(sequence_pk: int, position: str | None) -> Target:
    sequence = get_object_or_404(Sequence, pk=sequence_pk)
    last = sequence.steps.filter(removed=False).order_by("-position").first()
    end = (last.position + 1) if last else 1
    wanted = int(position) if (position or "").isdigit() else end
    step = Step(
        sequence=sequence,
        position=min(max(wanted, 1), end),
        delay_value=2 if last else 0,
        delay_unit="days",
        ignore_window=last is None,
    )
    return Target(step, "new")


LOADERS = {
    "step": lambda request, pk: step_target(pk),
    "broadcast": lambda request, pk: broadcast_target(pk),
    "new": lambda request, pk: new_step_target(pk, request.GET.get("position")),
}


def reader(address: str) -> tuple[Subscriber, str]:
    """The subscriber to preview as (by address), else the made-up reader and why."""
    address = (address or "").strip()
    if not address:
        return previews.sample_subscriber(), ""
    try:
        return previews.reader(address), ""
    except previews.NotFound:
        return previews.sample_subscriber(), "Nobody on the list has this address; showing Alex."


def warnings(fields: dict) -> dict:
    """Lock-screen words in the subject and preview line, and pictures in the body."""
    preview = fields.get("preview") or ""
    return {
        "subject": lockscreen.check_for_practice(fields.get("subject") or ""),
        "preview": lockscreen.check_for_practice(preview),
        "preview_length": len(preview),
        "preview_limit": PHONE_PREVIEW_CHARACTERS,
        "preview_cut": preview[:PHONE_PREVIEW_CHARACTERS],
        "has_image": bool(IMAGE.search(fields.get("body") or "")),
        "tone": _tone(fields),
    }


def _tone(fields: dict) -> list:
    """Pushy words anywhere in the email, and the body's reading level (warnings only)."""
    short = " \n".join(fields.get(name) or "" for name in ("subject", "preview", "cta_text"))
    extra = Practice.get().tone_words
    return tone.check(short, extra) + tone.check(fields.get("body") or "", extra, body=True)


def preview_context(target, fields: dict, address: str) -> dict:
    """The email as the chosen reader would get it, built from the typed (unsaved) values."""
    subscriber, reader_error = reader(address)
    context = {"reader": subscriber, "reader_error": reader_error, "preview_as": address}
    try:
        message = previews.message_of(drafts.with_fields(target.source, fields), subscriber)
    except Exception as error:  # noqa: BLE001 (shown beside the preview, never a 500)
        return {**context, "preview_error": str(error) or "This email cannot be built yet."}
    html = previews.html_of(message)
    return {
        **context,
        "preview_html": html,
        "preview_dark": previews.dark(html),
        "preview_text": message.body,
        "preview_subject": message.subject,
        "due": _due(target, subscriber),
    }


def _due(target, subscriber) -> str:
    """When this reader is due the step, in their own time zone, if they wait for it."""
    if target.kind != "step" or not subscriber.pk:
        return ""
    waiting = Enrollment.objects.filter(
        subscriber=subscriber,
        sequence=target.source.sequence,
        status=Enrollment.Status.ACTIVE,
        next_position=target.source.position,
    ).first()
    if waiting is None or waiting.next_send_at is None:
        return ""
    zone = subscriber.time_zone or Practice.get().default_time_zone
    return words.moment(waiting.next_send_at, zone)
