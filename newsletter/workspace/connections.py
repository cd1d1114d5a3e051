"""Settings pages connecting other tools: API tokens, webhook endpoints, the public archive."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from ..integrations import api_tokens, outbound, webhooks
from ..models import Broadcast, Practice, WebhookEndpoint
from ..observability import audit
from .access import staff_only
from .connections_forms import ArchiveForm, EndpointForm, TokenForm
from .practice_settings import moment, page


def _refuse(form, problem: ValidationError) -> None:
    for field, errors in problem.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@staff_only
def tokens(request: HttpRequest):
    form, status, created = TokenForm(), 200, None
    if request.method == "POST":
        form = TokenForm(request.POST)
        if form.is_valid():
            try:
                created = api_tokens.create(form.cleaned_data["name"], form.cleaned_data["scopes"])
            except ValidationError as problem:
                _refuse(form, problem)
            else:
                scopes = len(created.token.scopes)
                audit.record(request.user, "token created", created.token, scopes=scopes)
                form = TokenForm()
        status = 200 if created else 400
    practice = Practice.get()
    listed = [
        (token, moment(token.created_at, practice), moment(token.last_used_at, practice))
        for token in api_tokens.listed()
    ]
    context = {"form": form, "created": created, "tokens": listed, "scopes": api_tokens.SCOPES}
    return page(request, "tokens.html", context, status=status)


@staff_only
@require_POST
def token_revoke(request: HttpRequest, pk: int):
    if api_tokens.revoke(pk):
        messages.success(request, "The token is revoked: it no longer opens the API.")
    return redirect("workspace:settings_tokens")


@staff_only
def endpoints(request: HttpRequest):
    form, status, created = EndpointForm(), 200, None
    if request.method == "POST":
        form = EndpointForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                created = webhooks.register(data["url"], data["events"], data["include_topics"])
            except ValidationError as problem:
                _refuse(form, problem)
            else:
                audit.record(request.user, "webhook endpoint added", created)
                form = EndpointForm()
        status = 200 if created else 400
    practice = Practice.get()
    listed = [
        (
            endpoint,
            [(m, moment(m.created_at, practice)) for m in webhooks.recent(endpoint)],
        )
        for endpoint in WebhookEndpoint.objects.all()
    ]
    context = {"form": form, "created": created, "endpoints": listed, "events": outbound.EVENTS}
    return page(request, "webhooks.html", context, status=status)


@staff_only
@require_POST
def endpoint_remove(request: HttpRequest, pk: int):
    if webhooks.remove(pk):
        messages.success(request, "That address no longer receives events.")
    return redirect("workspace:settings_webhooks")


@staff_only
def archive(request: HttpRequest):
    practice = Practice.get()
    if request.method == "POST":
        form = ArchiveForm(request.POST)
        if form.is_valid():
            practice.archive_enabled = form.cleaned_data["archive_enabled"]
            practice.save(update_fields=["archive_enabled"])
            shown = "is now public" if practice.archive_enabled else "is now hidden"
            messages.success(request, f"The archive {shown}.")
            return redirect(request.path)
    marked = Broadcast.objects.filter(in_archive=True, status=Broadcast.Status.SENT).count()
    context = {"enabled": practice.archive_enabled, "marked": marked}
    return page(request, "archive.html", context, status=400 if request.method == "POST" else 200)
