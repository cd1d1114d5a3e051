"""Pages behind signed links: confirm, unsubscribe (with RFC 8058 one-click) and pause."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from ..models import Practice, Subscriber
from ..subscribers import subscriptions, tokens
from .common import client
from .forms import PauseForm

Status = Subscriber.Status


def invalid_link(request: HttpRequest, expired_payload: dict | None = None, token: str = ""):
    context = {"expired": expired_payload is not None, "token": token}
    return render(
        request, "newsletter/link_invalid.html", context, status=410 if expired_payload else 400
    )


TEST_ANSWER = "This was a test email: nothing has changed."


def answers_test_links(view):
    """A link from a test email changes nothing: every method gets the same calm answer."""

    def wrapper(request: HttpRequest, token: str, *args, **kwargs):
        if not tokens.is_test_link(token):
            return view(request, token, *args, **kwargs)
        if request.method == "POST" and request.POST.get("List-Unsubscribe") == "One-Click":
            return HttpResponse(TEST_ANSWER, content_type="text/plain")
        return render(request, "newsletter/test_email.html")

    wrapper.__name__ = view.__name__
    return wrapper


@never_cache
@csrf_exempt
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str):
    try:
        payload = tokens.read_confirmation(token)
    except tokens.ExpiredToken as expired:
        return invalid_link(request, expired.payload, token)
    except tokens.InvalidToken:
        return invalid_link(request)
    found = Subscriber.objects.filter(**tokens.subscriber_lookup(payload)).first()
    if found is None:
        return render(request, "newsletter/gone.html", status=410)
    signed_at = tokens.signed_at(token)
    if subscriptions.made_before_unsubscribe(found, signed_at):
        return _void_confirmation(request, token)
    if request.method == "GET":
        return render(request, "newsletter/confirm.html", {"practice": Practice.get()})
    try:
        subscriber = subscriptions.confirm(found.pk, payload["a"], client(request), signed_at)
    except subscriptions.LinkVoid:
        return _void_confirmation(request, token)
    if subscriber is None:
        return render(request, "newsletter/gone.html", status=410)
    manage = tokens.subscriber_link(tokens.PREFERENCES, subscriber)
    context = {"subscriber": subscriber, "manage": manage, "practice": Practice.get()}
    return render(request, "newsletter/confirmed.html", context)


def _void_confirmation(request: HttpRequest, token: str):
    """The link predates an unsubscribe: offer a fresh link instead of acting on it."""
    context = {"token": token, "practice": Practice.get()}
    return render(request, "newsletter/confirm_void.html", context, status=410)


@csrf_exempt
@require_http_methods(["POST"])
def resend_confirmation(request: HttpRequest, token: str):
    try:
        payload = tokens.read_confirmation(token)
    except tokens.ExpiredToken as expired:
        payload = expired.payload
    except tokens.InvalidToken:
        return invalid_link(request)
    try:
        payload = tokens.require_subscriber(payload)
    except tokens.InvalidToken:
        return invalid_link(request)
    found = Subscriber.objects.filter(**tokens.subscriber_lookup(payload)).first()
    if found is not None:
        subscriptions.resend_confirmation(found.pk, payload["a"] if "a" in payload else [])
    return render(
        request, "newsletter/subscribe_done.html", {"message": "A new link is on its way."}
    )


def _subscriber(purpose: str, token: str) -> Subscriber | None:
    payload = tokens.read_subscriber_link(purpose, token)
    return Subscriber.objects.filter(**tokens.subscriber_lookup(payload)).first()


@never_cache
@csrf_exempt
@require_http_methods(["GET", "POST"])
@answers_test_links
def unsubscribe(request: HttpRequest, token: str):
    try:
        subscriber = _subscriber(tokens.UNSUBSCRIBE, token)
    except tokens.InvalidToken:
        return invalid_link(request)
    if request.method == "POST" and request.POST.get("List-Unsubscribe") == "One-Click":
        if subscriber is not None:
            subscriptions.unsubscribe(subscriber, "one-click", client(request))
        return HttpResponse("You are unsubscribed.", content_type="text/plain")
    if subscriber is None or subscriber.status == Status.ERASED:
        return render(request, "newsletter/gone.html")
    if request.method == "POST":
        return _unsubscribe_action(request, subscriber, token)
    return _unsubscribe_page(request, subscriber, token)


def _unsubscribe_page(request, subscriber, token, form=None, status=200):
    practice = Practice.get()
    context = {
        "subscriber": subscriber,
        "token": token,
        "pause_form": form or PauseForm(),
        "consent": practice.current_consent(),
        "practice": practice,
        "manage": tokens.subscriber_link(tokens.PREFERENCES, subscriber),
    }
    return render(request, "newsletter/unsubscribe.html", context, status=status)


def _unsubscribe_action(request: HttpRequest, subscriber: Subscriber, token: str):
    action = request.POST.get("action", "unsubscribe")
    who = client(request)
    if action == "pause":
        form = PauseForm(request.POST)
        if not form.is_valid():
            return _unsubscribe_page(request, subscriber, token, form, status=400)
        subscriptions.pause(subscriber, form.cleaned_data["weeks"], who, channel="unsubscribe page")
    elif action == "resubscribe":
        subscriptions.resubscribe(subscriber, who)
    elif action == "unsubscribe":
        subscriptions.unsubscribe(subscriber, "unsubscribe page", who)
    else:
        return _unsubscribe_page(request, subscriber, token, status=400)
    subscriber.refresh_from_db()
    return _unsubscribe_page(request, subscriber, token)
