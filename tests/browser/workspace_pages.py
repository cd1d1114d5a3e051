"""What the workspace's browser journeys share: logging in, and axe on desktop and phone."""

from playwright.sync_api import expect

from tests.checks.tools import axe_violations


def log_in(page, live_server, password: str) -> None:
    page.goto(live_server.url + "/workspace/login/")
    page.get_by_label("Username").fill("therapist")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Sequences", exact=True)).to_be_visible()


def accessible_on_desktop_and_phone(page) -> None:
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 390, "height": 844})
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 1280, "height": 900})
