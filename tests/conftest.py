"""Fixtures shared by the whole suite: a clean cache, the demo practice, a subscriber maker."""

import os

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.test import Client

from newsletter.alerts import provider_events
from newsletter.management import demo
from newsletter.models import Audience, Practice, Subscriber
from newsletter.subscribers import subscriptions, tokens

# The session's one Chromium (tests/chromium.py) keeps Playwright's event loop running in this
# thread from its first use to the end of the session; Django's check against database calls
# from async code would then refuse every later test's synchronous queries.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _shared_database() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith("postgres")


def pytest_sessionfinish(session, exitstatus):
    from tests.chromium import stop

    stop()  # the one Chromium the browser tests shared


def pytest_report_header(config):
    if not _shared_database():
        return (
            "SQLite pass: `worker` tests (a real Celery worker sharing the database) are "
            "deselected here and run in the PostgreSQL pass."
        )


def pytest_collection_modifyitems(config, items):
    """A worker process cannot see an in-memory SQLite test database, so it needs PostgreSQL."""
    if _shared_database():
        return
    worker = [item for item in items if item.get_closest_marker("worker")]
    if worker:
        config.hook.pytest_deselected(items=worker)
        items[:] = [item for item in items if not item.get_closest_marker("worker")]


@pytest.fixture(autouse=True)
def clean_cache():
    """Rate-limit counters live in Redis; every test starts from zero (fails if Redis is down)."""
    cache.clear()
    provider_events.forget()
    yield
    cache.clear()


@pytest.fixture
def practice(db) -> Practice:
    """The demo practice, without the gap between emails (tests of pacing set their own)."""
    practice = demo.load_demo(sequences=False)
    Practice.objects.filter(pk=practice.pk).update(min_hours_between_emails=0)
    practice.min_hours_between_emails = 0
    return practice


@pytest.fixture
def audience(practice) -> Audience:
    return Audience.objects.get(slug="ketamine-assisted-therapy")


@pytest.fixture
def outbox():
    mail.outbox = []
    return mail.outbox


@pytest.fixture
def therapist(practice) -> Client:
    """The demo's therapist, logged in to the workspace with her password."""
    password = demo.create_therapist()
    http = Client()
    http.post("/workspace/login/", {"username": "therapist", "password": password})
    return http


@pytest.fixture
def outbox_dir(settings, tmp_path):
    """Emails written as .eml files by the outbox backend, in a folder of the test's own."""
    directory = tmp_path / "outbox"
    settings.MAILERS = {
        "default": {
            "BACKEND": "newsletter.mail.outbox.EmailBackend",
            "OPTIONS": {"directory": str(directory)},
        }
    }
    return directory


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


@pytest.fixture(autouse=True, scope="session")
def ci_services_are_real():
    """In CI a promised PostgreSQL must really be PostgreSQL: fail loudly, never fall back."""
    if os.environ.get("CI", "").lower() != "true":
        return
    wanted = os.environ.get("DATABASE_URL", "")
    engine = settings.DATABASES["default"]["ENGINE"]
    if wanted.startswith(("postgres", "pgsql")) and "postgresql" not in engine:
        pytest.fail(f"DATABASE_URL asks for PostgreSQL but the tests run on {engine}.")


@pytest.fixture
def links(active_subscriber, audience) -> dict:
    """Genuine signed links for the active subscriber, by purpose."""
    return {
        "confirm": tokens.confirmation(active_subscriber, [audience.pk]),
        "unsubscribe": tokens.subscriber_link(tokens.UNSUBSCRIBE, active_subscriber),
        "preferences": tokens.subscriber_link(tokens.PREFERENCES, active_subscriber),
    }
