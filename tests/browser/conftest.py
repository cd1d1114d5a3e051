"""The session's one Chromium, and a fresh page of it for each browser test."""

import pytest

from tests.chromium import shared


@pytest.fixture(scope="session")
def shared_browser():
    return shared()


@pytest.fixture
def browser_page(shared_browser):
    """A fresh desktop-sized page (its own context: no cookies shared between tests)."""
    context = shared_browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()
