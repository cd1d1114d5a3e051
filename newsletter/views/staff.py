"""Staff pages beside the admin: the on-disk outbox and the embeddable form snippets.

The outbox is readable only with the `newsletter.view_outbox` permission, and shows every
signed link without its token: a link in someone's confirmation email would let whoever reads
it confirm for them, which would falsify the double opt-in record.
"""

import re

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string

from ..mail.outbox import directory as outbox_directory
from ..mail.outbox import list_messages, parse
from ..models import Audience, Practice
from ..subscribers import embed_origins

OUTBOX_PERMISSION = "newsletter.view_outbox"
HIDDEN = "signed-link-hidden"


def inert(text: str) -> str:
    """The text with the token of every link to this site replaced, so no link acts."""
    site = re.escape(settings.SITE_URL)
    return re.sub(rf"({site}/[a-z]+/)[^/\s\"'<>]+", rf"\g<1>{HIDDEN}", text or "")


@staff_member_required
@permission_required(OUTBOX_PERMISSION, raise_exception=True)
def outbox(request):
    emails = [_summary(path) for path in list_messages(outbox_directory())[:200]]
    context = {**admin.site.each_context(request), "emails": emails, "title": "Outbox"}
    return render(request, "newsletter/staff/outbox.html", context)


@staff_member_required
@permission_required(OUTBOX_PERMISSION, raise_exception=True)
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
        "headers": [(header, inert(str(value))) for header, value in message.items()],
        "html": inert(html.get_content()) if html else "",
        "text": inert(text.get_content()) if text else "",
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
        "origins": sorted(embed_origins.allowed()),
    }
    return render(request, "newsletter/staff/embed.html", context)
