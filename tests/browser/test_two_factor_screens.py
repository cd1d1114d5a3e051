"""The second login step in Chromium: enrolment with its QR code, then the code page."""

import pytest
from django.db import connections
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from newsletter.management import demo
from tests.checks.tools import axe_violations
from tests.chromium import screenshot_path

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_new_staff_user_enrols_with_the_keyboard_and_every_step_is_accessible(
    live_server, browser_page, settings, monkeypatch
):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.STAFF_2FA = "required"
    password = demo.create_therapist()
    page = browser_page
    page.goto(live_server.url + "/workspace/login/")
    page.get_by_label("Username").fill("therapist")
    page.get_by_label("Password").fill(password)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Set up a second step")).to_be_visible()
    expect(page.get_by_role("img", name="QR code to scan")).to_be_visible()
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        assert axe_violations(page) == []
    page.screenshot(path=screenshot_path("two-factor-setup"), full_page=True)
    device = TOTPDevice.objects.get(user__username="therapist")
    page.get_by_role("textbox", name="Code").fill(
        f"{totp(device.bin_key, device.step, device.t0):06d}"
    )
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Keep these recovery codes")).to_be_visible()
    assert axe_violations(page) == []
    page.screenshot(path=screenshot_path("two-factor-codes"), full_page=True)
    page.get_by_role("link", name="continue").click()
    expect(page.get_by_role("heading", name="Sequences", exact=True)).to_be_visible()
    connections.close_all()
