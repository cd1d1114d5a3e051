"""A blog visitor's whole journey in Chromium: embedded form, confirm, preferences, pause, leave."""

import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.db import connections
from playwright.sync_api import expect

from newsletter.management import demo
from newsletter.models import Audience, Subscriber
from newsletter.subscribers import tokens
from newsletter.views.staff import snippet
from tests.chromium import browser, screenshot_path

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BLOG_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Notes on healing</title>
<style>body{{font-family:Georgia,serif;max-width:40rem;margin:2rem auto;color:#222}}
.nl-subscribe{{border:1px solid #ccc;padding:1rem;border-radius:8px}}</style></head>
<body><h1>Notes on healing</h1><p>An article about rest, and about going slowly.</p>
{snippet}
</body></html>
"""


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def blog(tmp_path, live_server, settings):
    """A plain blog page on a second local port that pastes the embed snippet."""
    settings.SITE_URL = live_server.url
    demo.load_demo()
    audience = Audience.objects.get(slug="emdr")
    (tmp_path / "index.html").write_text(BLOG_PAGE.format(snippet=snippet(audience)))
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=tmp_path))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_port}"
    settings.ALLOWED_EMBED_ORIGINS = [origin]
    yield origin
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def sync_database_calls_beside_playwright(monkeypatch):
    """Playwright's sync API runs an event loop in this thread; our ORM calls stay synchronous."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def page():
    mail.outbox = []
    with browser() as chromium:
        context = chromium.new_context(viewport={"width": 900, "height": 900})
        yield context.new_page()
        context.close()
        # ORM calls made beside Playwright's event loop got their own connection: close it.
        connections.close_all()


def shoot(page, name: str) -> None:
    page.screenshot(path=screenshot_path(name), full_page=True)


def subscribe_on_the_blog(page, blog: str) -> None:
    page.goto(blog + "/")
    page.get_by_label("Email address").fill("visitor@example.com")
    page.get_by_label("First name (optional)").fill("Robin")
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="Subscribe").click()
    expect(page.locator(".nl-result")).to_contain_text("Please check your inbox")
    shoot(page, "01-blog-subscribed")


def confirm_from_the_email(page) -> None:
    link = next(word for word in mail.outbox[0].body.split() if "/confirm/" in word)
    page.goto(link)
    expect(page.get_by_role("heading")).to_have_text("One more step")
    shoot(page, "02-confirm")
    page.get_by_role("button", name="Confirm my subscription").click()
    expect(page.get_by_role("heading")).to_contain_text("You're subscribed, Robin")
    shoot(page, "03-confirmed")


def pause_in_preferences(page) -> None:
    page.get_by_role("link", name="choose topics, pause or leave").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your preferences")
    shoot(page, "04-preferences")
    page.get_by_label("4 weeks").check()
    page.get_by_role("button", name="Pause").click()
    expect(page.get_by_text("Emails are paused until")).to_be_visible()
    shoot(page, "05-paused")


def unsubscribe_from_the_page(page, live_server, subscriber) -> None:
    token = tokens.subscriber_link(tokens.UNSUBSCRIBE, subscriber)
    page.goto(f"{live_server.url}/unsubscribe/{token}/")
    shoot(page, "06-unsubscribe")
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("heading")).to_have_text("You're unsubscribed")
    shoot(page, "07-unsubscribed")


def test_a_visitor_subscribes_on_the_blog_confirms_pauses_and_unsubscribes(page, blog, live_server):
    subscribe_on_the_blog(page, blog)
    subscriber = Subscriber.objects.get()
    assert (subscriber.status, subscriber.first_name) == ("pending", "Robin")
    assert subscriber.source_url == blog + "/"
    assert len(mail.outbox) == 1
    confirm_from_the_email(page)
    pause_in_preferences(page)
    unsubscribe_from_the_page(page, live_server, subscriber)
    subscriber.refresh_from_db()
    assert subscriber.status == "unsubscribed"
    assert [a.slug for a in subscriber.audiences.all()] == ["emdr"]
    kinds = list(subscriber.consent_events.values_list("kind", flat=True))
    assert kinds == ["requested", "confirmed", "paused", "unsubscribed"]


def test_without_javascript_the_snippet_posts_to_the_hosted_page(blog):
    mail.outbox = []
    with browser() as chromium:
        context = chromium.new_context(java_script_enabled=False)
        page = context.new_page()
        page.goto(blog + "/")
        page.get_by_label("Email address").fill("plain@example.com")
        page.get_by_role("checkbox").check()
        page.get_by_role("button", name="Subscribe").click()
        expect(page.get_by_role("heading")).to_have_text("Check your inbox")
        shoot(page, "08-no-script-done")
        context.close()
    assert Subscriber.objects.get().email == "plain@example.com"
    assert len(mail.outbox) == 1


def test_an_expired_link_offers_a_new_one_and_data_can_be_deleted(
    page, live_server, settings, time_machine
):
    from newsletter.subscribers import subscriptions

    settings.SITE_URL = live_server.url
    time_machine.move_to("2026-03-02 10:00:00+00:00")
    demo.load_demo()
    wish = subscriptions.SubscribeRequest(email="late@example.com", consent=True)
    subscriptions.subscribe(wish, subscriptions.Client())
    old_link = next(word for word in mail.outbox[0].body.split() if "/confirm/" in word)
    time_machine.move_to("2026-03-10 10:00:00+00:00")
    page.goto(old_link)
    expect(page.get_by_role("heading")).to_have_text("This link has expired")
    shoot(page, "13-expired-link")
    page.get_by_role("button", name="Send me a new link").click()
    expect(page.get_by_role("heading")).to_have_text("Check your inbox")
    new_link = next(word for word in mail.outbox[1].body.split() if "/confirm/" in word)
    page.goto(new_link)
    page.get_by_role("button", name="Confirm my subscription").click()
    page.get_by_role("link", name="choose topics, pause or leave").click()
    page.get_by_role("button", name="Email me a link for my data").click()
    expect(page.get_by_role("status")).to_contain_text("We have emailed a link")
    data_link = next(word for word in mail.outbox[-1].body.split() if "/data/" in word)
    page.goto(data_link)
    shoot(page, "14-delete-confirm")
    page.get_by_role("button", name="Delete my data").click()
    expect(page.get_by_role("heading")).to_have_text("Your data is deleted")
    shoot(page, "15-deleted")
    assert Subscriber.objects.get().status == "erased"
