"""Staff pages beside the admin: the on-disk outbox and the embeddable form snippets."""

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string

from ..mail.outbox import directory as outbox_directory
from ..mail.outbox import list_messages, parse
from ..models import Audience, Practice


@staff_member_required
def outbox(request):
    emails = [_summary(path) for path in list_messages(outbox_directory())[:200]]
    context = {**admin.site.each_context(request), "emails": emails, "title": "Outbox"}
    return render(request, "newsletter/staff/outbox.html", context)


@staff_member_required
def outbox_message(request, name: str):
    path = outbox_directory() / name
    if "/" in name or not name.endswith(".eml") or not path.is_file():
        raise Http404("No such message")
    message = parse(path)
    html = message.get_body(preferencelist=("html",))
    text = message.get_body(preferencelist=("plain",))
    context = {
        **admin.site.each_context(request),
        "name": name,
        "headers": list(message.items()),
        "html": html.get_content() if html else "",
        "text": text.get_content() if text else "",
        "title": message["Subject"],
    }
    return render(request, "newsletter/staff/outbox_message.html", context)


def _summary(path) -> dict:
    message = parse(path)
    return {
        "name": path.name,
        "to": message["To"],
        "subject": message["Subject"],
        "date": message["Date"],
    }


def snippet(audience: Audience) -> str:
    practice = Practice.get()
    context = {
        "audience": audience,
        "site_url": settings.SITE_URL,
        "consent": practice.current_consent(),
    }
    return render_to_string("newsletter/embed_snippet.html", context).strip()


@staff_member_required
def embed(request):
    snippets = [(audience, snippet(audience)) for audience in Audience.objects.all()]
    context = {
        **admin.site.each_context(request),
        "snippets": snippets,
        "title": "Subscribe form for your blog",
        "origins": settings.ALLOWED_EMBED_ORIGINS,
    }
    return render(request, "newsletter/staff/embed.html", context)
