"""The preferences page: name, topics, time zone, pause, and the subscriber's data rights."""

import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from .. import subscriptions, tokens
from ..forms import PauseForm, PreferencesForm
from ..models import Subscriber
from .common import client
from .links import invalid_link

Status = Subscriber.Status


def _load(token: str) -> Subscriber | None:
    payload = tokens.read_subscriber_link(tokens.PREFERENCES, token)
    return Subscriber.objects.filter(pk=payload["s"]).exclude(status=Status.ERASED).first()


def with_subscriber(view):
    def wrapper(request: HttpRequest, token: str):
        try:
            subscriber = _load(token)
        except tokens.InvalidToken:
            return invalid_link(request)
        if subscriber is None:
            return render(request, "newsletter/gone.html")
        return view(request, subscriber, token)

    wrapper.__name__ = view.__name__
    return wrapper


@csrf_exempt
@require_http_methods(["GET", "POST"])
@with_subscriber
def preferences(request: HttpRequest, subscriber: Subscriber, token: str):
    form = PreferencesForm(initial=_initial(subscriber))
    saved, status = False, 200
    if request.method == "POST":
        action = request.POST.get("action", "save")
        if action == "save":
            form = PreferencesForm(request.POST)
            saved = form.is_valid()
            if saved:
                subscriptions.update_preferences(
                    subscriber, subscriptions.Preferences(**form.cleaned_data), client(request)
                )
            status = 200 if saved else 400
        elif action == "resume":
            subscriptions.resume(subscriber, client(request))
        elif action == "pause":
            pause = PauseForm(request.POST)
            if pause.is_valid():
                subscriptions.pause(subscriber, pause.cleaned_data["weeks"], client(request))
        subscriber.refresh_from_db()
    context = {
        "subscriber": subscriber,
        "form": form,
        "token": token,
        "saved": saved,
        "pause_form": PauseForm(),
    }
    return render(request, "newsletter/preferences.html", context, status=status)


def _initial(subscriber: Subscriber) -> dict:
    return {
        "first_name": subscriber.first_name,
        "audiences": list(subscriber.audiences.filter(is_public=True)),
        "time_zone": subscriber.time_zone,
    }


@require_GET
@with_subscriber
def download(request: HttpRequest, subscriber: Subscriber, token: str):
    body = json.dumps(subscriptions.export(subscriber), indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="my-newsletter-data.json"'
    return response


@csrf_exempt
@require_http_methods(["GET", "POST"])
@with_subscriber
def delete(request: HttpRequest, subscriber: Subscriber, token: str):
    if request.method == "POST":
        subscriptions.erase(subscriber)
        return render(request, "newsletter/erased.html")
    return render(request, "newsletter/delete.html", {"subscriber": subscriber, "token": token})
