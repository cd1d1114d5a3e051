"""axe-core in Chromium: no serious or critical WCAG 2.1 A/AA problem in emails or public pages."""

import pytest
from django.core.mail import EmailMultiAlternatives

from newsletter.management import demo
from newsletter.models import Audience, Subscriber
from newsletter.subscribers import tokens
from tests.checks import tools

pytestmark = pytest.mark.browser


def test_every_email_passes_axe_in_light_and_dark_mode(chromium, sample_messages):
    assert tools.accessibility_failures(chromium, sample_messages) == []


def test_the_check_catches_an_email_a_screen_reader_cannot_use(chromium, practice):
    message = EmailMultiAlternatives("Bad", "text", "a@example.com", ["b@example.com"])
    message.attach_alternative('<html><body><a href="/x"></a></body></html>', "text/html")
    failures = tools.accessibility_failures(chromium, [message])
    assert any("link-name" in failure for failure in failures)


@pytest.fixture
def reader(transactional_db) -> Subscriber:
    demo.load_demo()
    subscriber = Subscriber.objects.create(
        email="page@example.com", email_key="page@example.com", status="active"
    )
    subscriber.audiences.add(Audience.default())
    return subscriber


def public_pages(reader: Subscriber) -> dict[str, str]:
    confirm = tokens.confirmation(reader, [Audience.default().pk])
    manage = tokens.subscriber_link(tokens.PREFERENCES, reader)
    leave = tokens.subscriber_link(tokens.UNSUBSCRIBE, reader)
    return {
        "subscribe": "/subscribe/",
        "confirm": f"/confirm/{confirm}/",
        "link-invalid": "/confirm/not-a-real-token/",
        "unsubscribe": f"/unsubscribe/{leave}/",
        "preferences": f"/preferences/{manage}/",
        "data-request": f"/preferences/{manage}/delete/",
        "data": f"/data/{tokens.data_link(reader)}/",
    }


def test_every_public_page_passes_axe(chromium, live_server, reader, settings):
    settings.SITE_URL = live_server.url  # the subscribe form only answers its own origin
    page = chromium.new_page()
    failures = []
    for name, path in public_pages(reader).items():
        page.goto(live_server.url + path)
        failures += [f"{name}: {v}" for v in tools.axe_violations(page)]
    failures += pages_after_a_button(page, live_server.url, public_pages(reader))
    assert failures == []


def pages_after_a_button(page, site: str, pages: dict[str, str]) -> list[str]:
    """The pages a reader reaches by pressing the one button: done, confirmed, erased."""
    failures = []
    page.goto(site + "/subscribe/")
    page.fill("input[name=email]", "new-reader@example.com")
    page.check("input[name=consent]")
    button = "form[method=post] button[type=submit]"
    journeys = [("subscribe-done", "/subscribe/", "check your inbox", button)]
    journeys += [
        ("confirmed", pages["confirm"], "preferences", button),
        ("data-link-sent", pages["data-request"], "emailed a link", button),
        ("erased", pages["data"], "", "button.danger"),
    ]
    for name, path, expected, selector in journeys:
        if path != "/subscribe/":
            page.goto(site + path)
        page.click(selector)
        page.wait_for_load_state()
        assert expected in page.content(), name
        failures += [f"{name}: {v}" for v in tools.axe_violations(page)]
    return failures
