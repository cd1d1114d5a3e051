"""The therapist's screens in Chromium: subscribers, consent history and the embed page."""

import pytest
from django.db import connections
from playwright.sync_api import expect

from newsletter.management import demo
from newsletter.models import Audience
from newsletter.subscribers import subscriptions
from tests.chromium import browser, screenshot_path

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def therapist_password(monkeypatch) -> str:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    demo.load_demo()
    wish = subscriptions.SubscribeRequest(
        email="reader@example.com", consent=True, first_name="Sam"
    )
    subscriptions.subscribe(wish, subscriptions.Client(source_url="https://blog.example/a"))
    subscriber = subscriptions.find("reader@example.com")
    audience = Audience.objects.get(slug="emdr")
    subscriptions.confirm(subscriber.pk, [audience.pk], subscriptions.Client())
    return demo.create_therapist()


def test_the_therapist_sees_subscribers_consent_history_and_snippets(
    live_server, therapist_password
):
    with browser() as chromium:
        page = chromium.new_page(viewport={"width": 1200, "height": 900})
        page.goto(live_server.url + "/admin/login/")
        page.get_by_label("Username").fill("therapist")
        page.get_by_label("Password").fill(therapist_password)
        page.get_by_role("button", name="Log in").click()
        page.goto(live_server.url + "/admin/newsletter/subscriber/")
        expect(page.get_by_role("link", name="reader@example.com")).to_be_visible()
        page.screenshot(path=screenshot_path("10-admin-subscribers"), full_page=True)
        page.get_by_role("link", name="reader@example.com").click()
        expect(page.get_by_text("Consent history")).to_be_visible()
        expect(page.get_by_role("link", name="Delete")).to_have_count(0)
        page.screenshot(path=screenshot_path("11-admin-consent-history"), full_page=True)
        page.goto(live_server.url + "/admin/")
        page.screenshot(path=screenshot_path("09-admin-home"), full_page=True)
        page.get_by_role("link", name="Subscribe form for your blog").first.click()
        expect(page.locator("textarea")).to_have_count(2)
        page.screenshot(path=screenshot_path("12-admin-embed"), full_page=True)
        page.close()
        connections.close_all()
