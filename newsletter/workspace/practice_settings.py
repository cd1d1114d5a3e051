"""Practice settings: the index of sections, and the details, colour and sending-times pages.

A section is one entry in SECTIONS (its URL name, title and a one-line summary) plus its own
view, template and form; the index lists every entry, so adding a section is adding one.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.contrib import messages
from django.http import HttpRequest
from django.shortcuts import redirect, render

from ..alerts.messages import inbox
from ..mail.palette import check
from ..models import ApiToken, Practice, WebhookEndpoint
from ..sequences import windows, words
from ..sequences.windows import Window
from ..subscribers import embed_origins
from .access import staff_only
from .settings_forms import ColourForm, DetailsForm, ScheduleForm


@dataclass(frozen=True)
class Section:
    url_name: str
    title: str
    summary: Callable[[Practice], str]


def _window(practice: Practice) -> str:
    try:
        window = Window.of(practice.send_days, practice.send_start_hour, practice.send_end_hour)
    except ValueError:
        return "No send window is set yet."
    return words.window(window, f"time zone {practice.default_time_zone.replace('_', ' ')}")


def _blogs(practice: Practice) -> str:
    count = len(embed_origins.listed())
    return f"{count} blog{'s' * (count != 1)} may show your subscribe form."


def _pause(practice: Practice) -> str:
    return "All sending is paused." if practice.sending_paused else "Sending as usual."


def _tokens(practice: Practice) -> str:
    count = ApiToken.objects.filter(revoked_at__isnull=True).count()
    return f"{count} token{'s' * (count != 1)} may use the API."


def _webhooks(practice: Practice) -> str:
    off = WebhookEndpoint.objects.filter(active=False).count()
    count = WebhookEndpoint.objects.count()
    turned_off = f" {off} turned off after failing." if off else ""
    return f"{count} address{'es' * (count != 1)} receive{'s' * (count == 1)} events.{turned_off}"


SECTIONS: list[Section] = [
    Section(
        "workspace:settings_details",
        "Practice details",
        lambda p: f"{p.name}, sent by {p.sender_name} <{p.sender_email}>.",
    ),
    Section("workspace:settings_colour", "Brand colour", lambda p: f"{p.brand_colour}."),
    Section("workspace:settings_schedule", "When emails go out", _window),
    Section("workspace:settings_pacing", "A gentle pace", lambda p: _pace(p)),
    Section(
        "workspace:settings_tone",
        "Words that don't push",
        lambda p: f"{len(p.tone_words.splitlines())} phrases of your own, and the shipped list.",
    ),
    Section(
        "workspace:settings_consent",
        "Consent wording",
        lambda p: f"Version {p.current_consent().version} is in use.",
    ),
    Section(
        "workspace:settings_wording",
        "Words on the confirmation email and pages",
        lambda p: "Your own words." if _has_words(p) else "The shipped words.",
    ),
    Section("workspace:settings_embed", "Subscribe form on your blog", _blogs),
    Section("workspace:settings_pause", "Pause all sending", _pause),
    Section("workspace:settings_tokens", "API tokens", _tokens),
    Section("workspace:settings_webhooks", "Webhooks", _webhooks),
    Section(
        "workspace:settings_archive",
        "Public archive",
        lambda p: "Shown at /archive/." if p.archive_enabled else "Off: nothing is public.",
    ),
    Section("workspace:settings_summary", "Emails to you", lambda p: _to_you(p)),
]


def _pace(practice: Practice) -> str:
    hours = practice.min_hours_between_emails
    return f"At most one email every {hours} hour{'s' * (hours != 1)} to each reader."


def _to_you(practice: Practice) -> str:
    state = "every Monday morning" if practice.weekly_summary else "off"
    return f"Alerts right away; the Monday summary {state}. Both go to {inbox(practice)}."


def _has_words(practice: Practice) -> bool:
    fields = ("confirmation_subject", "confirmation_text", "thanks_text", "confirmed_text")
    return any(getattr(practice, name) for name in (*fields, "unsubscribed_text", "paused_text"))


def moment(value: datetime | None, practice: Practice) -> str:
    """'Tuesday 3 Dec 2024, 9:12 am', in the practice's time zone."""
    if value is None:
        return ""
    local = value.astimezone(windows.zone_named(practice.default_time_zone, "UTC"))
    clock = f"{local.hour % 12 or 12}:{local.minute:02d} {'am' if local.hour < 12 else 'pm'}"
    return f"{local:%A} {local.day} {local:%b %Y}, {clock}"


def page(request: HttpRequest, template: str, context: dict, status: int = 200):
    """A settings page: the shared context (nav section, practice) plus its own."""
    base = {"section": "settings", "practice": Practice.get()}
    return render(request, f"workspace/settings/{template}", {**base, **context}, status=status)


@staff_only
def index(request: HttpRequest):
    practice = Practice.get()
    sections = [(s.url_name, s.title, s.summary(practice)) for s in SECTIONS]
    return page(request, "index.html", {"sections": sections})


def _model_form(request: HttpRequest, form_class, template: str, saved: str, extra=None):
    """GET shows the form; a valid POST saves and returns to the page; an invalid one is
    refused next to each field with nothing saved."""
    practice = Practice.get()
    if request.method == "POST":
        form = form_class(request.POST, instance=practice)
        if form.is_valid():
            form.save()
            messages.success(request, saved)
            return redirect(request.path)
        return page(request, template, {"form": form, **(extra or {})}, status=400)
    return page(request, template, {"form": form_class(instance=practice), **(extra or {})})


@staff_only
def details(request: HttpRequest):
    return _model_form(request, DetailsForm, "details.html", "The practice details are saved.")


@staff_only
def colour(request: HttpRequest):
    practice = Practice.get()
    if request.method == "GET" and "brand_colour" in request.GET:
        chosen = request.GET["brand_colour"]
        if request.htmx:
            return page(request, "colour.html#contrast", {"check": check(chosen)})
        form = ColourForm(initial={"brand_colour": chosen}, instance=practice)
        return page(request, "colour.html", {"form": form, "check": check(chosen)})
    chosen = request.POST.get("brand_colour", "") if request.method == "POST" else ""
    extra = {"check": check(chosen or practice.brand_colour)}
    return _model_form(request, ColourForm, "colour.html", "The brand colour is saved.", extra)


@staff_only
def schedule(request: HttpRequest):
    return _model_form(
        request, ScheduleForm, "schedule.html", "The sending times are saved for what comes next."
    )
