"""Launching Debian's Chromium through Playwright, the one way every browser test does it.

One Chromium serves the whole test session: it starts the first time a test asks for it and
stops when the session ends (tests/conftest.py). Playwright's sync API keeps an event loop
running in this thread meanwhile; the tests' own database work stays synchronous and safe.
"""

import os
import shutil
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import sync_playwright

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


def executable() -> str:
    path = shutil.which("chromium")
    if path is None:
        raise RuntimeError("Chromium is not installed: run `make test`, which installs it.")
    return path


_session: dict = {}


def shared():
    """The session's headless Chromium; fails (never skips) when Chromium is missing."""
    if "browser" not in _session:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        playwright = sync_playwright().start()
        _session["playwright"] = playwright
        _session["browser"] = playwright.chromium.launch(executable_path=executable(), args=FLAGS)
    return _session["browser"]


def stop() -> None:
    if "browser" in _session:
        _session.pop("browser").close()
        _session.pop("playwright").stop()


@contextmanager
def browser():
    """The session's Chromium, for a `with` block (it stays open for the next test)."""
    yield shared()


def screenshot_path(name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / f"{name}.png"
