"""Settings pages for words: the versioned consent wording and the journey's own words."""

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import redirect
from django.utils import timezone

from ..mail import previews
from ..models import ConsentWording, Practice
from ..subscribers import wording
from .access import staff_only
from .practice_settings import moment, page
from .settings_forms import ConsentForm, WordingForm


@staff_only
def consent(request: HttpRequest):
    practice = Practice.get()
    current = practice.current_consent()
    form, status = ConsentForm(initial={"text": current.text}), 200
    if request.method == "POST":
        form = ConsentForm(request.POST)
        if form.is_valid() and form.cleaned_data["text"].strip() == current.text.strip():
            form.add_error("text", "This is the wording in use now: change it to add a version.")
        if form.is_valid():
            added = ConsentWording.objects.create(text=form.cleaned_data["text"].strip())
            messages.success(request, f"Version {added.version} is now on every subscribe form.")
            return redirect(request.path)
        status = 400
    older = ConsentWording.objects.exclude(pk=current.pk).order_by("-version")
    context = {
        "form": form,
        "current": current,
        "since": moment(current.created_at, practice),
        "older": [(wording, moment(wording.created_at, practice)) for wording in older],
        "next": current.version + 1,
    }
    return page(request, "consent.html", context, status=status)


@staff_only
def words(request: HttpRequest):
    practice = Practice.get()
    if request.method != "POST":
        form = WordingForm(instance=practice)
        return page(request, "wording.html", _wording_context(form, practice))
    form = WordingForm(request.POST, instance=practice)
    if not form.is_valid():
        return page(request, "wording.html", _wording_context(form, practice), status=400)
    if request.POST.get("action") == "preview":
        return page(request, "wording.html", _wording_context(form, form.instance, preview=True))
    form.save()
    messages.success(request, "Your words are saved: the next confirmation email uses them.")
    return redirect(request.path)


def _wording_context(form: WordingForm, practice: Practice, preview: bool = False) -> dict:
    context = {"form": form, "preview": preview, "words": _page_words(practice)}
    if preview:
        context["email"] = _confirmation_preview(practice)
        context["sample_until"] = timezone.now() + timezone.timedelta(weeks=4)
    return context


def _page_words(practice: Practice) -> dict[str, str]:
    return {
        "thanks": practice.thanks_text or wording.THANKS,
        "confirmed": practice.confirmed_text or wording.CONFIRMED,
        "unsubscribed": practice.unsubscribed_text or wording.UNSUBSCRIBED,
        "paused": practice.paused_text or wording.PAUSED,
    }


def _confirmation_preview(practice: Practice) -> dict[str, str]:
    """The confirmation email with the words as typed, through the real funnel; the words
    are saved inside a transaction that is rolled back, so nothing is kept."""
    with transaction.atomic():
        practice.save()
        message = previews.confirmation_message()
        transaction.set_rollback(True)
    html = next((body for body, kind in message.alternatives if kind == "text/html"), "")
    return {"subject": message.subject, "text": message.body, "html": html}
