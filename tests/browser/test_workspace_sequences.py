"""The workspace's sequences page in Chromium: logged in by keyboard, read as a timeline."""

import pytest
from playwright.sync_api import expect

from newsletter.management import demo
from newsletter.models import Sequence
from tests.checks.tools import axe_violations
from tests.chromium import screenshot_path

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_therapist_logs_in_with_the_keyboard_and_reads_her_sequences(live_server, browser_page):
    demo.load_demo()
    password = demo.create_therapist()
    page = browser_page
    page.goto(live_server.url + "/workspace/")
    expect(page.get_by_role("heading", name="Log in to your workspace")).to_be_visible()
    page.keyboard.press("Tab")  # the skip link comes first
    page.get_by_label("Username").focus()
    page.keyboard.type("therapist")
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Sequences", exact=True)).to_be_visible()
    shipped = Sequence.objects.get(slug="ketamine-therapy-for-depression")
    expect(page.get_by_role("heading", name=shipped.name)).to_be_visible()
    expect(page.get_by_text("Day 0 (on confirming)").first).to_be_visible()
    assert axe_violations(page) == []
    page.screenshot(path=screenshot_path("workspace-timeline"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    assert axe_violations(page) == []
    page.screenshot(path=screenshot_path("workspace-timeline-phone"), full_page=True)
