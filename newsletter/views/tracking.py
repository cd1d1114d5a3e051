"""The consultation-link redirect (counts a click, nothing about the device) and view-online."""

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.views.decorators.http import require_GET

from .. import emails, tokens
from ..models import Click, Delivery, Practice
from .links import invalid_link


def with_utm(url: str, campaign: str, content: str) -> str:
    parts = urlsplit(url)
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.startswith("utm_")
    ]
    query += [
        ("utm_source", "newsletter"),
        ("utm_medium", "email"),
        ("utm_campaign", campaign),
        ("utm_content", content),
    ]
    return urlunsplit(parts._replace(query=urlencode(query)))


def _delivery(purpose: str, token: str) -> Delivery | None:
    delivery_id = tokens.read(purpose, token)
    if not isinstance(delivery_id, int):
        raise tokens.InvalidToken("malformed payload")
    return (
        Delivery.objects.select_related("step__sequence", "broadcast", "subscriber")
        .filter(pk=delivery_id)
        .first()
    )


@require_GET
def click(request: HttpRequest, token: str):
    try:
        delivery = _delivery(tokens.CLICK, token)
    except tokens.InvalidToken:
        return invalid_link(request)
    practice = Practice.get()
    if delivery is None:
        return HttpResponseRedirect(practice.consultation_url)
    Click.objects.create(delivery=delivery)
    source = delivery.step or delivery.broadcast
    target = source.cta_url or practice.consultation_url
    campaign = delivery.step.sequence.slug if delivery.step_id else delivery.broadcast.slug
    content = str(delivery.step.position) if delivery.step_id else "broadcast"
    return HttpResponseRedirect(with_utm(target, campaign, content))


@require_GET
def view_online(request: HttpRequest, token: str):
    try:
        delivery = _delivery(tokens.VIEW_ONLINE, token)
    except tokens.InvalidToken:
        return invalid_link(request)
    if delivery is None:
        return invalid_link(request)
    message = emails.message_for(delivery)
    return HttpResponse(message.alternatives[0].content)
