"""One Chromium for the whole session, shared by every browser test that asks for it."""

import os

import pytest

from tests.chromium import browser


@pytest.fixture(scope="session")
def shared_browser():
    # Playwright's sync API keeps an event loop running in this thread while the browser is
    # open; the tests' own database work stays synchronous and is safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with browser() as instance:
        yield instance


@pytest.fixture
def browser_page(shared_browser):
    """A fresh desktop-sized page (its own context: no cookies shared between tests)."""
    context = shared_browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()
