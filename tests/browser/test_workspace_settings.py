"""The practice settings in Chromium: the brand colour's contrast note, a blog allowed to
embed the form, and the pause switch saying what waits; axe-clean on desktop and phone."""

import pytest
from django.db import connections
from django.utils import timezone
from playwright.sync_api import expect

from newsletter.management import demo
from newsletter.models import Audience, EmbedOrigin, Practice
from tests.checks.tools import axe_violations
from tests.chromium import screenshot_path
from tests.sequencing import enrolled, make_sequence

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = ["", "details/", "colour/", "sending-times/", "consent/", "words/", "blog/", "pause/"]
PAGES.append("emails-to-you/")


@pytest.fixture
def therapist_password(monkeypatch) -> str:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    demo.load_demo(sequences=False)
    audience = Audience.objects.get(slug="emdr")
    make_sequence(audience)
    enrolled(audience, "due@example.com", timezone.now())  # its first email is due now
    yield demo.create_therapist()
    connections.close_all()


def log_in(page, url: str, password: str) -> None:
    page.goto(url + "/workspace/login/")
    page.get_by_label("Username").fill("therapist")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name="Settings")).to_be_visible()


def test_the_therapist_checks_a_colour_allows_a_blog_and_pauses_sending(
    live_server, browser_page, therapist_password
):
    page = browser_page
    log_in(page, live_server.url, therapist_password)
    page.get_by_role("link", name="Settings").click()
    page.screenshot(path=screenshot_path("settings-index"), full_page=True)
    page.get_by_role("link", name="Brand colour").click()
    page.get_by_label("Brand colour").fill("#ffd966")
    expect(page.get_by_text("This colour had to be darkened for contrast.")).to_be_visible()
    page.screenshot(path=screenshot_path("settings-colour"), full_page=True)
    page.get_by_role("button", name="Save the colour").click()
    expect(page.get_by_text("The brand colour is saved.")).to_be_visible()
    assert Practice.get().brand_colour == "#ffd966"

    page.goto(live_server.url + "/workspace/settings/blog/")
    page.get_by_label("Your blog's address").fill("blog.example.com")
    page.get_by_role("button", name="Allow this blog").click()
    expect(page.get_by_text("https://host or https://host:port")).to_be_visible()
    page.screenshot(path=screenshot_path("settings-blog-refused"), full_page=True)
    page.get_by_label("Your blog's address").fill("https://blog.example.com")
    page.get_by_role("button", name="Allow this blog").click()
    expect(page.get_by_text("https://blog.example.com may now show")).to_be_visible()
    assert EmbedOrigin.objects.filter(origin="https://blog.example.com").exists()
    page.screenshot(path=screenshot_path("settings-blog"), full_page=True)

    page.goto(live_server.url + "/workspace/settings/pause/")
    page.get_by_role("button", name="Pause all sending").click()
    expect(page.get_by_text("All sending is paused", exact=False).first).to_be_visible()
    expect(page.get_by_text("1 email is waiting: 1 sequence email.")).to_be_visible()
    assert Practice.get().sending_paused
    page.screenshot(path=screenshot_path("settings-paused"), full_page=True)


@pytest.mark.parametrize("width", [1280, 390])
def test_every_settings_page_is_axe_clean(live_server, shared_browser, therapist_password, width):
    context = shared_browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        log_in(page, live_server.url, therapist_password)
        found = {}
        for path in PAGES:
            page.goto(f"{live_server.url}/workspace/settings/{path}")
            found[path] = axe_violations(page)
            name = (path.strip("/") or "index") + f"-{width}"
            page.screenshot(path=screenshot_path(f"settings-{name}"), full_page=True)
        page.goto(f"{live_server.url}/workspace/settings/words/")
        page.get_by_role("button", name="Preview without saving").click()
        expect(page.get_by_role("heading", name="Preview (nothing is saved yet)")).to_be_visible()
        found["words preview"] = axe_violations(page)
        page.screenshot(path=screenshot_path(f"settings-words-preview-{width}"), full_page=True)
        assert {path: v for path, v in found.items() if v} == {}
    finally:
        context.close()
