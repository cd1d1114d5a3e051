"""A sent newsletter as the public archive shows it: the real email, no reader's links."""

from django.urls import reverse

from ..models import Broadcast, Practice
from . import emails

GREETING = "there"


def public_values(broadcast: Broadcast, practice: Practice) -> dict[str, str]:
    """Values for nobody in particular: the subscribe page instead of unsubscribe and
    preferences links, the practice's own consultation page, the archive page itself."""
    audiences = emails.source_audiences(broadcast)
    subscribe = emails.absolute(reverse("newsletter:subscribe"))
    return {
        "greeting": GREETING,
        "audience": audiences[0].name if audiences else practice.name,
        "subscribed_on": "the day you subscribed",
        "cta_url": broadcast.cta_url or practice.consultation_url,
        "view_online_url": emails.absolute(reverse("archive:entry", args=[broadcast.pk])),
        "preferences_url": subscribe,
        "unsubscribe_url": subscribe,
    }


def html(broadcast: Broadcast) -> str:
    practice = Practice.get()
    rendered = emails.marketing_rendering(broadcast, practice)
    return rendered.fill(public_values(broadcast, practice)).html


def text(broadcast: Broadcast) -> str:
    practice = Practice.get()
    rendered = emails.marketing_rendering(broadcast, practice)
    return rendered.fill(public_values(broadcast, practice)).text
