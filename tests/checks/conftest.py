"""The emails every check looks at: each step of the shipped sequence, a sample sequence and the
confirmation."""

import pytest

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
    return [*shipped, *steps, emails.confirmation(active_subscriber, [audience.pk])]


@pytest.fixture(scope="module")
def chromium():
    # Playwright's sync API keeps an event loop running in this thread while the browser is
    # open; the test's own database work stays synchronous and is safe.
    with pytest.MonkeyPatch.context() as patch, browser() as instance:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield instance
