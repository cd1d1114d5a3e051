"""Launching Debian's Chromium through Playwright, the one way every browser test does it."""

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


_running: list = []  # the Chromium already open in this process, if any


@contextmanager
def browser():
    """A headless Chromium; fails (never skips) when Chromium is missing. While one is open
    (the session's shared browser), it is handed out again: Playwright's sync API cannot run
    twice in one thread."""
    if _running:
        yield _running[-1]
        return
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable(), args=FLAGS)
        _running.append(instance)
        try:
            yield instance
        finally:
            _running.remove(instance)
            instance.close()


def screenshot_path(name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / f"{name}.png"
