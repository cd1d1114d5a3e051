"""The therapist edits an email in Chromium: live preview, a test send, a confirmed live edit."""

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.db import connections
from playwright.sync_api import expect

from newsletter.management import demo
from newsletter.models import Enrollment, Sequence, Subscriber
from tests.checks.tools import axe_violations
from tests.chromium import screenshot_path

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def therapist_password(monkeypatch, settings) -> str:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.MAILERS = {"default": {"BACKEND": "anymail.backends.test.EmailBackend"}}
    demo.load_demo()
    password = demo.create_therapist()
    User.objects.filter(username="therapist").update(email="therapist@practice.example")
    return password


def test_the_therapist_edits_an_email_tests_it_and_saves_a_live_edit(
    live_server, browser_page, therapist_password
):
    sequence = Sequence.objects.filter(steps__isnull=False).distinct().first()
    sequence.status = "active"
    sequence.save()
    step = sequence.steps.filter(removed=False).order_by("position")[1]
    reader = Subscriber.objects.create(email="sam@example.com", status="active")
    Enrollment.objects.create(subscriber=reader, sequence=sequence, next_position=1)
    mail.outbox = []
    page = browser_page
    page.goto(live_server.url + "/workspace/login/")
    page.get_by_label("Username").fill("therapist")
    page.get_by_label("Password").fill(therapist_password)
    page.get_by_role("button", name="Log in").click()
    page.goto(live_server.url + f"/workspace/sequences/{sequence.pk}/")
    page.get_by_role("link", name=step.subject).click()
    body = page.get_by_label("Email text")
    body.press("Control+End")
    body.press_sequentially(" Softly typed words.")
    desktop = page.frame_locator("iframe[title^='Desktop preview']")
    phone = page.frame_locator("iframe[title^='Phone preview']")
    expect(desktop.get_by_text("Softly typed words.")).to_be_visible()
    expect(phone.get_by_text("Softly typed words.")).to_be_visible()
    page.screenshot(path=screenshot_path("editor"), full_page=True)
    assert axe_violations(page) == []
    page.get_by_role("button", name="Send me a test").click()
    expect(page.get_by_text("A test is on its way to therapist@practice.example")).to_be_visible()
    assert [m.subject for m in mail.outbox] == [f"[Test] {step.subject}"]
    page.get_by_role("button", name="Save", exact=True).click()
    confirm = page.get_by_role("button", name="Save and reach 1 person")
    expect(confirm).to_be_visible()
    sentence = "This edit reaches the 1 person who has not yet received"
    expect(page.get_by_text(sentence)).to_be_visible()
    page.screenshot(path=screenshot_path("editor-confirm"), full_page=True)
    confirm.click()
    expect(page.get_by_text("Saved. Readers get this version from now on.")).to_be_visible()
    step.refresh_from_db()
    assert step.body.endswith("Softly typed words.")
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=screenshot_path("editor-phone"), full_page=True)
    assert axe_violations(page) == []
    page.goto(live_server.url + f"/workspace/sequences/{sequence.pk}/")
    page.screenshot(path=screenshot_path("editor-sequence-phone"), full_page=True)
    assert axe_violations(page) == []
    connections.close_all()
