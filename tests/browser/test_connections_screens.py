"""In Chromium: the API's docs page under the site's CSP, and the connections settings pages
read well and pass axe-core on desktop and at 390 px wide."""

import pytest
from playwright.sync_api import expect

from newsletter.integrations import api_tokens, outbound
from newsletter.management import demo
from newsletter.models import WebhookEndpoint
from newsletter.subscribers import subscriptions
from tests.checks.tools import axe_violations
from tests.chromium import screenshot_path

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def therapist_password(monkeypatch) -> str:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    demo.load_demo(sequences=False)
    api_tokens.create("Zapier", ["subscribers:read", "stats:read"])
    WebhookEndpoint.objects.create(
        url="https://crm.example.com/in", events=["subscriber.paused"], secret="whsec_eA=="
    )
    wish = subscriptions.SubscribeRequest(email="reader@example.com", consent=True)
    subscriptions.subscribe(wish, subscriptions.Client())
    outbound.emit("subscriber.paused", subscriptions.find("reader@example.com"))
    return demo.create_therapist()


def test_the_api_docs_render_with_local_scripts_only(live_server, browser_page, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    refused = []
    browser_page.on(
        "console", lambda m: refused.append(m.text) if "Content Security" in m.text else None
    )
    browser_page.goto(live_server.url + "/api/v1/docs")
    expect(browser_page.locator(".swagger-ui .info")).to_be_visible()
    browser_page.screenshot(path=screenshot_path("80-api-docs"))
    assert refused == []


@pytest.mark.parametrize("path", ["api", "webhooks", "archive"])
def test_the_connections_pages_pass_axe_on_desktop_and_phone(
    live_server, browser_page, therapist_password, path
):
    page = browser_page
    page.goto(live_server.url + "/workspace/login/")
    page.get_by_label("Username").fill("therapist")
    page.get_by_label("Password").fill(therapist_password)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/workspace/settings/{path}/")
    assert axe_violations(page) == []
    page.screenshot(path=screenshot_path(f"81-settings-{path}"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    assert axe_violations(page) == []
    page.screenshot(path=screenshot_path(f"82-settings-{path}-phone"), full_page=True)
