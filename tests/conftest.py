"""Fixtures shared by the whole suite: a clean cache, the demo practice, a subscriber maker."""

import pytest
from django.core import mail
from django.core.cache import cache

from newsletter import demo, subscriptions
from newsletter.models import Audience, Practice, Subscriber


@pytest.fixture(autouse=True)
def clean_cache():
    """Rate-limit counters live in Redis; every test starts from zero (fails if Redis is down)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def practice(db) -> Practice:
    return demo.load_demo(sequences=False)


@pytest.fixture
def audience(practice) -> Audience:
    return Audience.objects.get(slug="ketamine-assisted-therapy")


@pytest.fixture
def outbox():
    mail.outbox = []
    return mail.outbox


@pytest.fixture
def subscribe(practice, django_capture_on_commit_callbacks):
    """Subscribe an address through the domain function, running the confirmation task."""

    def run(email="reader@example.com", **extra) -> Subscriber:
        request = subscriptions.SubscribeRequest(email=email, consent=True, **extra)
        with django_capture_on_commit_callbacks(execute=True):
            subscriptions.subscribe(
                request, subscriptions.Client(source_url="https://blog.example/a")
            )
        return subscriptions.find(email)

    return run


@pytest.fixture
def active_subscriber(subscribe, audience) -> Subscriber:
    subscriber = subscribe("active@example.com", first_name="Ada")
    subscriptions.confirm(subscriber.pk, [audience.pk], subscriptions.Client())
    subscriber.refresh_from_db()
    return subscriber
