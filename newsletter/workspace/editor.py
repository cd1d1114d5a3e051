"""The email editor pages of steps, new steps and broadcasts: show, save, confirm."""

from django.http import HttpRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from ..mail import placeholders
from ..models import Practice
from ..sequences import drafts, words
from . import editor_form
from .access import staff_only
from .editor_form import Target

TEMPLATE = "workspace/editor.html"


def page(request: HttpRequest, target: Target, form=None, status=200, **extra):
    """The editor page, filled from `form`, else the user's draft, else the saved email."""
    draft = drafts.draft_of(target.source, request.user)
    if form is None:
        fields = draft.fields if draft else drafts.fields_of(target.source)
        form = target.form_class(initial=fields)
        fields = {**drafts.fields_of(target.source), **fields}
    else:
        fields = editor_form.typed(form, target.source)
    zone = Practice.get().default_time_zone
    context = {
        "target": target,
        "form": form,
        **editor_form.urls(target),
        "section": "broadcasts" if target.kind == "broadcast" else "sequences",
        "draft_from": words.moment(draft.updated_at, zone) if draft else "",
        "known": [f"%%{name}%%" for name in placeholders.KNOWN],
        "saved": request.GET.get("saved") == "1",
        "restored": request.GET.get("restored") == "1",
        **editor_form.warnings(fields),
        **editor_form.preview_context(target, fields, request.POST.get("preview_as", "")),
        **extra,
    }
    return render(request, TEMPLATE, context, status=status)


def save(request: HttpRequest, target: Target):
    form = target.form_class(request.POST)
    if request.POST.get("action") == "cancel":
        return page(request, target, form)
    if not form.is_valid():
        return page(request, target, form, status=400)
    fields = form.content()
    if target.confirms():
        consequence = target.consequence(fields)
        if request.POST.get("confirmed") != str(consequence.count):
            return page(request, target, form, consequence=consequence)
    now = timezone.now()
    if target.kind == "new":
        step = drafts.add(target.sequence, target.source.position, fields, request.user, now)
        return redirect(editor_form.Target(step, "step").url() + "?saved=1")
    drafts.save(target.source, fields, request.user, now)
    return redirect(target.url() + "?saved=1")


def _editor(load):
    @staff_only
    @require_http_methods(["GET", "POST"])
    def view(request: HttpRequest, pk: int):
        target = load(request, pk)
        return save(request, target) if request.method == "POST" else page(request, target)

    return view


step_edit = _editor(editor_form.LOADERS["step"])
broadcast_edit = _editor(editor_form.LOADERS["broadcast"])
step_new = _editor(editor_form.LOADERS["new"])
