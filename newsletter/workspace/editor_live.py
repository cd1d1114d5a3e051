"""The editor's live parts: preview, lock-screen words, autosaved drafts, test sends, versions."""

import logging

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from ..mail import previews
from ..models import ContentVersion, Practice
from ..sequences import drafts, words
from . import editor, editor_form
from .access import staff_only

TEMPLATE = "workspace/editor.html"
logger = logging.getLogger(__name__)


def _fragments(request, target, form, *names: str, **extra):
    fields = editor_form.typed(form, target.source)
    context = {
        "target": target,
        "form": form,
        **editor_form.urls(target),
        **editor_form.warnings(fields),
        **editor_form.preview_context(target, fields, request.POST.get("preview_as", "")),
        **extra,
    }
    parts = [render_to_string(f"{TEMPLATE}#{name}", context, request) for name in names]
    return HttpResponse("".join(parts))


def _live(view):
    """A POST-only endpoint of one editor page (step, new step or broadcast)."""

    def bind(load):
        @staff_only
        @require_POST
        def endpoint(request: HttpRequest, pk: int):
            target = load(request, pk)
            return view(request, target, target.form_class(request.POST))

        return endpoint

    return bind


@_live
def preview(request, target, form):
    """The preview and, swapped in beside their fields, the warnings for what was typed."""
    return _fragments(
        request, target, form, "preview", "subject_notes", "preview_notes", "images", "tone_notes"
    )


@_live
def autosave(request, target, form):
    if not target.source.pk:
        return _fragments(request, target, form, "draft_status", unsaved=True)
    fields = editor_form.typed(form, target.source)
    draft = drafts.save_draft(target.source, request.user, fields, timezone.now())
    kept = words.moment(draft.updated_at, Practice.get().default_time_zone)
    return _fragments(request, target, form, "draft_status", kept=kept)


@_live
def test_send(request, target, form):
    """The email as typed, to the user's own address, with links that change nothing."""
    address = request.user.email
    if not address:
        return _test_result(request, target, form, problem="no_address", status=400)
    if not form.is_valid():
        return _test_result(request, target, form, problem="invalid", status=400)
    subscriber, _ = editor_form.reader(request.POST.get("preview_as", ""))
    edited = drafts.with_fields(target.source, form.content())
    try:
        previews.test_message(edited, subscriber, address).send(using="default")
    except Exception:  # noqa: BLE001 (the transport refused: say so, never a 500)
        logger.exception("A test email could not be sent.")
        return _test_result(request, target, form, problem="transport", status=502)
    return _test_result(request, target, form, sent_to=address)


def _test_result(request, target, form, status=200, **result):
    if not request.htmx:
        return editor.page(request, target, form, status=status, test=result)
    response = _fragments(request, target, form, "test_result", test=result)
    response.status_code = 200  # htmx swaps only successful answers; the words say what failed
    return response


def _bind_all(view):
    return {kind: view(load) for kind, load in editor_form.LOADERS.items()}


PREVIEW, AUTOSAVE, TEST = _bind_all(preview), _bind_all(autosave), _bind_all(test_send)


class AddressForm(forms.Form):
    email = forms.EmailField(label="Your email address")


@staff_only
@require_POST
def my_address(request: HttpRequest):
    """Record the user's own address, where test emails go."""
    form = AddressForm(request.POST)
    back = request.POST.get("next", "")
    if form.is_valid():
        request.user.email = form.cleaned_data["email"]
        request.user.save(update_fields=["email"])
    if not back.startswith("/workspace/"):
        back = "/workspace/"
    return redirect(back)


def _versions_page(load):
    @staff_only
    @require_http_methods(["GET", "POST"])
    def view(request: HttpRequest, pk: int):
        target = load(pk)
        if request.method == "POST":
            chosen = request.POST.get("version", "")
            found = drafts.versions(target.source).filter(pk=int(chosen) if chosen.isdigit() else 0)
            version = get_object_or_404(ContentVersion, pk__in=found.values("pk"))
            drafts.restore(version, request.user, timezone.now())
            return redirect(target.url() + "?restored=1")
        zone = Practice.get().default_time_zone
        rows = [(v, words.moment(v.saved_at, zone)) for v in drafts.versions(target.source)]
        context = {"target": target, "rows": rows, "section": "sequences"}
        return render(request, "workspace/versions.html", context)

    return view


step_versions = _versions_page(editor_form.step_target)
broadcast_versions = _versions_page(editor_form.broadcast_target)


def _discard(load):
    @staff_only
    @require_POST
    def view(request: HttpRequest, pk: int):
        target = load(pk)
        drafts.discard_draft(target.source, request.user)
        return redirect(target.url())

    return view


step_discard = _discard(editor_form.step_target)
broadcast_discard = _discard(editor_form.broadcast_target)
