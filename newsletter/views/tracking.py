"""The consultation-link redirect (counts a click, nothing about the device) and view-online."""

import logging
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe

from ..mail import emails
from ..models import Click, Delivery, Practice, Subscriber
from ..stats import counting
from ..subscribers import tokens
from .links import answers_test_links, invalid_link

UTM_KEYS = ("utm_source", "utm_medium", "utm_campaign", "utm_content")
logger = logging.getLogger(__name__)


def with_utm(url: str, campaign: str, content: str) -> str:
    """The URL with our campaign tags added; its own query parameters are kept."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in UTM_KEYS]
    query += zip(UTM_KEYS, ("newsletter", "email", campaign, content), strict=True)
    return urlunsplit(parts._replace(query=urlencode(query)))


def campaign_of(delivery: Delivery) -> tuple[str, str]:
    if delivery.step_id:
        return delivery.step.sequence.slug, str(delivery.step.position)
    return delivery.broadcast.slug, "broadcast"


def _delivery(purpose: str, token: str) -> Delivery | None:
    delivery_id = tokens.read(purpose, token)
    if not isinstance(delivery_id, int):
        raise tokens.InvalidToken("malformed payload")
    return (
        Delivery.objects.select_related("step__sequence__audience", "broadcast", "subscriber")
        .filter(pk=delivery_id)
        .first()
    )


def _private(response: HttpResponse) -> HttpResponse:
    """Personal links: never cached, indexed or passed on as a referrer."""
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_safe
@answers_test_links
def click(request: HttpRequest, token: str):
    try:
        delivery = _delivery(tokens.CLICK, token)
    except tokens.InvalidToken:
        return invalid_link(request)
    practice = Practice.get()
    if delivery is None or delivery.subscriber.status == Subscriber.Status.ERASED:
        # The reader erased their data: the link still helps, and counts nothing.
        return _private(HttpResponseRedirect(practice.consultation_url))
    if request.method == "GET":  # link checkers send HEAD: not a reader's click
        Click.objects.create(delivery=delivery)
        counting.refresh([delivery.pk])
    target = emails.source_of(delivery).cta_url or practice.consultation_url
    return _private(HttpResponseRedirect(with_utm(target, *campaign_of(delivery))))


@require_safe
@answers_test_links
def view_online(request: HttpRequest, token: str):
    try:
        delivery = _delivery(tokens.VIEW_ONLINE, token)
    except tokens.InvalidToken:
        return invalid_link(request)
    if delivery is None or delivery.subscriber.status == Subscriber.Status.ERASED:
        return _private(render(request, "newsletter/gone.html", status=410))
    try:
        html = emails.message_for(delivery).alternatives[0].content
    except Exception:  # noqa: BLE001 (broken content or an outage: a calm page, never a 500)
        logger.exception("The view-online copy of delivery %s could not be built.", delivery.pk)
        return _private(render(request, "newsletter/email_unavailable.html", status=503))
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    # The email's own HTML, shown as it is: nothing in it may run or load from elsewhere.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return _private(response)
