"""The preferences page: name, topics, time zone, pause, and asking for a data-rights link."""

from django.http import HttpRequest
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from ..models import Practice, Subscriber
from ..sequences import sequences
from ..subscribers import data_links, subscriptions, tokens
from .common import client
from .forms import PaceForm, PauseForm, PreferencesForm
from .links import answers_test_links, invalid_link

Status = Subscriber.Status


def _load(token: str) -> Subscriber | None:
    payload = tokens.read_subscriber_link(tokens.PREFERENCES, token)
    subscribers = Subscriber.objects.filter(**tokens.subscriber_lookup(payload))
    return subscribers.exclude(status=Status.ERASED).first()


def with_subscriber(view):
    @answers_test_links
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


@never_cache
@csrf_exempt
@require_http_methods(["GET", "POST"])
@with_subscriber
def preferences(request: HttpRequest, subscriber: Subscriber, token: str):
    form, status = PreferencesForm(initial=_initial(subscriber)), 200
    action = request.POST.get("action", "save") if request.method == "POST" else None
    if action:
        form, status = ACTIONS.get(action, _unknown_action)(request, subscriber, form)
        subscriber.refresh_from_db()
    context = {
        "subscriber": subscriber,
        "form": form,
        "token": token,
        "saved": action == "save" and status == 200,
        "link_sent": action == "data_link" and status == 200,
        "failed": status == 400,
        "pause_form": PauseForm(),
        "pace_form": PaceForm(initial={"pace": subscriber.pace}),
        "pace_saved": action == "pace" and status == 200,
        "practice": Practice.get(),
        "reading_order": sequences.reading_order(subscriber),
    }
    return render(request, "newsletter/preferences.html", context, status=status)


def _save(request: HttpRequest, subscriber: Subscriber, form: PreferencesForm):
    form = PreferencesForm(request.POST)
    if not form.is_valid():
        return form, 400
    prefs = subscriptions.Preferences(**form.cleaned_data)
    subscriptions.update_preferences(subscriber, prefs, client(request))
    return form, 200


def _pause(request: HttpRequest, subscriber: Subscriber, form: PreferencesForm):
    pause = PauseForm(request.POST)
    if not pause.is_valid():
        return form, 400
    subscriptions.pause(subscriber, pause.cleaned_data["weeks"], client(request))
    return form, 200


def _pace(request: HttpRequest, subscriber: Subscriber, form: PreferencesForm):
    pace = PaceForm(request.POST)
    if not pace.is_valid():
        return form, 400
    subscriptions.set_pace(subscriber, pace.cleaned_data["pace"], client(request))
    return form, 200


def _resume(request: HttpRequest, subscriber: Subscriber, form: PreferencesForm):
    subscriptions.resume(subscriber, client(request))
    return form, 200


def _data_link(request: HttpRequest, subscriber: Subscriber, form: PreferencesForm):
    data_links.request_link(subscriber)  # throttled quietly: the first email is on its way
    return form, 200


def _unknown_action(request: HttpRequest, subscriber: Subscriber, form: PreferencesForm):
    return form, 400


ACTIONS = {
    "save": _save,
    "pace": _pace,
    "pause": _pause,
    "resume": _resume,
    "data_link": _data_link,
}


def _initial(subscriber: Subscriber) -> dict:
    return {
        "first_name": subscriber.first_name,
        "audiences": list(subscriber.audiences.filter(is_public=True)),
        "time_zone": subscriber.time_zone,
    }


@never_cache
@csrf_exempt
@require_http_methods(["GET", "POST"])
@with_subscriber
def data_request(request: HttpRequest, subscriber: Subscriber, token: str):
    """Where the old download and delete links lead: the same offer of a fresh link."""
    sent = request.method == "POST"
    if sent:
        data_links.request_link(subscriber)  # throttled quietly: one email is on its way
    context = {"subscriber": subscriber, "token": token, "link_sent": sent}
    return render(request, "newsletter/data_request.html", context)
