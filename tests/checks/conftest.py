"""The emails every check looks at: each step of the shipped sequence, a sample sequence, the
confirmation, and the practice's own alerts and Monday summary."""

from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from newsletter.alerts import messages, summary, weekly
from newsletter.mail import emails
from newsletter.sequences import default_sequences
from tests import sample_sequence
from tests.checks import tools
from tests.chromium import browser


@pytest.fixture
def sample_messages(settings, active_subscriber, audience) -> list:
    settings.SITE_URL = "https://news.stillwater.example"
    sequence = sample_sequence.sequence(audience)
    steps = [emails.message_for(d) for d in sample_sequence.deliveries(sequence, active_subscriber)]
    assert len(tools.sequence_messages(sequence.slug)) == len(steps)
    default_sequences.load_default_sequences()
    shipped = tools.sequence_messages("ketamine-therapy-for-depression")
    assert len(shipped) >= 5
    confirmation = emails.confirmation(active_subscriber, [audience.pk])
    return [*shipped, *steps, confirmation, *_to_practice(sequence)]


def _to_practice(sequence) -> list:
    now = timezone.now()
    paused = {"is_newsletter": False, "name": sequence.name, "url": "https://x.example/w/"}
    return [
        messages.send_to_practice("alert_paused", paused),
        messages.alert("complaints:near", now),
        messages.alert("provider:silent", now),
        weekly.message(summary.last_week(now, ZoneInfo("America/New_York"))),
    ]


@pytest.fixture(scope="module")
def chromium():
    # Playwright's sync API keeps an event loop running in this thread while the browser is
    # open; the test's own database work stays synchronous and is safe.
    with pytest.MonkeyPatch.context() as patch, browser() as instance:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield instance
