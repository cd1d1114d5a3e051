"""What differs between two readers of the same email: greeting, dates and signed links."""

import functools
import zoneinfo

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

from ..models import Delivery, Subscriber
from ..subscribers import tokens

FALLBACK_NAME = "there"
ROUTE_MARK = "route-token-mark"


def greeting(subscriber: Subscriber) -> dict[str, str]:
    name = " ".join(subscriber.first_name.split()) or FALLBACK_NAME
    return {"greeting": name}


def recipient_values(
    delivery: Delivery,
    why: tuple[str, object] | None,
    fallback: str,
    zone: str = "UTC",
    bases: dict[str, tuple[str, str]] | None = None,
) -> dict:
    """Everything that differs between two readers of the same email, as plain text (the
    rendering escapes each value for where it stands; `bases`: see `link_bases`, passed in
    when many readers are done at once)."""
    subscriber = delivery.subscriber
    audience, since = why or (fallback, subscriber.confirmed_at or subscriber.created_at)
    return {
        **greeting(subscriber),
        "audience": audience,
        "subscribed_on": local_date(since, subscriber.time_zone or zone),
        **_links(delivery, bases or link_bases()),
    }


def test_values(subscriber: Subscriber, audience: str, zone: str, consultation: str) -> dict:
    """A test email's values: the reader's name and dates, links that act on nothing (the
    consultation link goes straight to the practice's page)."""
    since = subscriber.confirmed_at or subscriber.created_at
    bases = link_bases()
    links = {}
    for field in READER_LINKS:
        before, after = bases[field]
        links[field] = f"{before}{tokens.test_link(field)}{after}"
    return {
        **greeting(subscriber),
        "audience": audience,
        "subscribed_on": local_date(since, subscriber.time_zone or zone),
        **links,
        "cta_url": consultation,
    }


def local_date(moment, zone: str) -> str:
    """'March 4, 2026' as the reader's calendar showed it."""
    if moment is None:
        return "the day you confirmed"
    try:
        moment = moment.astimezone(zoneinfo.ZoneInfo(zone))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        pass
    return f"{moment:%B} {moment.day}, {moment.year}"


# Each reader's four links: the route, the token's purpose, and whose key it signs.
READER_LINKS = {
    "unsubscribe_url": ("newsletter:unsubscribe", tokens.UNSUBSCRIBE, "subscriber"),
    "preferences_url": ("newsletter:preferences", tokens.PREFERENCES, "subscriber"),
    "cta_url": ("newsletter:click", tokens.CLICK, "delivery"),
    "view_online_url": ("newsletter:view_online", tokens.VIEW_ONLINE, "delivery"),
}


def link_bases() -> dict[str, tuple[str, str]]:
    """The absolute URL before and after the token of each reader link, resolved once."""
    bases = {}
    for field, (route, _, _) in READER_LINKS.items():
        before, after = _route(route, settings.ROOT_URLCONF, get_urlconf(), get_script_prefix())
        bases[field] = (f"{settings.SITE_URL}{before}", after)
    return bases


def _links(delivery: Delivery, bases: dict[str, tuple[str, str]]) -> dict[str, str]:
    links = {}
    for field, (_, purpose, key) in READER_LINKS.items():
        if key == "subscriber":
            token_value = tokens.subscriber_link(purpose, delivery.subscriber)
        else:
            token_value = tokens.make(purpose, delivery.pk)
        before, after = bases[field]
        links[field] = f"{before}{token_value}{after}"
    return links


@functools.lru_cache(maxsize=64)
def _route(name: str, root_urlconf: str, urlconf, prefix: str) -> tuple[str, str]:
    before, _, after = reverse(name, args=[ROUTE_MARK]).partition(ROUTE_MARK)
    return before, after
