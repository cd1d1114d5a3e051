"""The public archive: sent newsletters marked for it, each at its own URL, and an Atom feed."""

import logging

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from ..mail import archive as archive_mail
from ..mail.readers import local_date
from ..models import Broadcast, Practice
from ..sequences import broadcasts

logger = logging.getLogger(__name__)


def index(request: HttpRequest):
    practice = Practice.get()
    if not practice.archive_enabled:
        raise Http404("The archive is off.")
    zone = practice.default_time_zone
    items = [
        (item, local_date(item.scheduled_at or item.created_at, zone))
        for item in broadcasts.archived()[:200]
    ]
    return render(request, "newsletter/archive.html", {"items": items, "practice": practice})


def _entry(pk: int) -> Broadcast:
    found = broadcasts.archived().filter(pk=pk).first()
    if found is None:
        raise Http404("No such newsletter in the archive.")
    return found


def entry(request: HttpRequest, pk: int):
    item = _entry(pk)
    try:
        html = archive_mail.html(item)
    except Exception:  # noqa: BLE001 (broken content: a calm page, never a 500)
        logger.exception("Archive copy of broadcast %s could not be built.", item.pk)
        return render(request, "newsletter/email_unavailable.html", status=503)
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    # The email's own HTML, shown as it is: nothing in it may run or load from elsewhere.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


class ArchiveFeed(Feed):
    feed_type = Atom1Feed

    def __call__(self, request, *args, **kwargs):
        if not Practice.get().archive_enabled:
            raise Http404("The archive is off.")
        return super().__call__(request, *args, **kwargs)

    def title(self) -> str:
        return f"{Practice.get().name}: newsletters"

    def link(self) -> str:
        return reverse("archive:index")

    def subtitle(self) -> str:
        return f"Past newsletters from {Practice.get().name}."

    def items(self):
        return broadcasts.archived()[:50]

    def item_title(self, item: Broadcast) -> str:
        return item.subject

    def item_description(self, item: Broadcast) -> str:
        return item.preview or item.subject

    def item_link(self, item: Broadcast) -> str:
        return reverse("archive:entry", args=[item.pk])

    def item_pubdate(self, item: Broadcast):
        return item.scheduled_at or item.created_at

    def item_updateddate(self, item: Broadcast):
        return item.scheduled_at or item.created_at
