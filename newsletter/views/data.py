"""The page behind a fresh data-rights link: download everything kept, or erase it."""

import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from ..models import Subscriber
from ..subscribers import data_links, data_rights


@never_cache
@csrf_exempt
@require_http_methods(["GET", "POST"])
def data_rights_page(request: HttpRequest, token: str):
    subscriber = data_links.holder(token)
    if subscriber is None:
        return render(request, "newsletter/data_link_used.html", status=410)
    action = request.POST.get("action") if request.method == "POST" else None
    if action not in ACTIONS:
        context = {"subscriber": subscriber, "minutes": data_links.minutes_valid()}
        return render(request, "newsletter/data.html", context, status=400 if action else 200)
    if not data_links.use(subscriber):
        return render(request, "newsletter/data_link_used.html", status=410)
    return ACTIONS[action](request, subscriber)


def _download(request: HttpRequest, subscriber: Subscriber):
    body = json.dumps(data_rights.export(subscriber), indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="my-newsletter-data.json"'
    return response


def _erase(request: HttpRequest, subscriber: Subscriber):
    data_rights.erase(subscriber)
    return render(request, "newsletter/erased.html")


ACTIONS = {"download": _download, "erase": _erase}
