"""The therapist in Chromium: finds a subscriber and pauses them; reads a sequence's funnel."""

from datetime import timedelta

import pytest
from django.db import connections
from django.utils import timezone
from playwright.sync_api import expect

from newsletter.management import demo
from newsletter.models import Audience, Delivery, Subscriber
from newsletter.stats import recount
from tests.browser.workspace_pages import accessible_on_desktop_and_phone, log_in
from tests.chromium import screenshot_path
from tests.sequencing import make_sequence, make_subscriber

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def password(monkeypatch) -> str:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    demo.load_demo(sequences=False)
    audience = Audience.objects.get(slug="ketamine-assisted-therapy")
    sequence = make_sequence(audience)
    steps = list(sequence.steps.order_by("position"))
    sent_at = timezone.now() - timedelta(days=2)
    for n in range(24):
        reader = make_subscriber(audience, f"reader{n}@example.com", first_name=f"Reader{n}")
        for step in steps[: 1 + (n < 12) + (n < 6)]:
            row = Delivery.objects.create(
                subscriber=reader, step=step, status="sent", event="delivered", sent_at=sent_at
            )
            if n < 7 and step == steps[0]:
                row.clicks.create(created_at=sent_at + timedelta(hours=1))
    make_subscriber(audience, "ada@example.com", first_name="Ada", time_zone="Europe/Paris")
    recount.recount(repair=True)  # the ledger was written behind the running totals
    yield demo.create_therapist()
    connections.close_all()


def test_the_therapist_finds_a_subscriber_and_pauses_them_for_four_weeks(
    live_server, browser_page, password
):
    page = browser_page
    log_in(page, live_server, password)
    page.get_by_role("link", name="People").click()
    expect(page.get_by_role("heading", name="People")).to_be_visible()
    page.get_by_label("Address or first name").fill("ada")
    expect(page.get_by_text("1 person found")).to_be_visible()
    accessible_on_desktop_and_phone(page)
    page.screenshot(path=screenshot_path("people"), full_page=True)
    page.get_by_role("link", name="ada@example.com").click()
    expect(page.get_by_role("heading", name="ada@example.com")).to_be_visible()
    accessible_on_desktop_and_phone(page)
    page.get_by_role("link", name="Pause their emails").click()
    page.get_by_label("4 weeks").check()
    page.get_by_role("button", name="Pause their emails").click()
    expect(page.get_by_text("Paused for 4 weeks")).to_be_visible()
    accessible_on_desktop_and_phone(page)
    page.screenshot(path=screenshot_path("person"), full_page=True)
    assert Subscriber.objects.get(email="ada@example.com").status == "paused"


def test_the_therapist_opens_a_sequences_funnel_and_reads_how_many_clicked(
    live_server, browser_page, password
):
    page = browser_page
    log_in(page, live_server, password)
    page.get_by_role("link", name="Numbers").click()
    expect(page.get_by_role("heading", name="Is your email reaching inboxes?")).to_be_visible()
    accessible_on_desktop_and_phone(page)
    page.screenshot(path=screenshot_path("dashboard"), full_page=True)
    page.get_by_role("link", name="Funnel of Welcome").click()
    expect(page.get_by_role("heading", name="Funnel of “Welcome”")).to_be_visible()
    first = page.get_by_role("row", name="1. Step 1")
    expect(first.get_by_role("cell").nth(0)).to_have_text("24")
    expect(page.get_by_role("row", name="2. Step 2").get_by_role("cell").nth(1)).to_have_text(
        "50.0 %"
    )
    expect(first.get_by_role("cell").nth(5)).to_have_text("7 (29.2 %)")
    accessible_on_desktop_and_phone(page)
    page.screenshot(path=screenshot_path("funnel"), full_page=True)


def test_the_import_pages_work_with_the_keyboard_and_pass_axe(
    live_server, browser_page, password, tmp_path
):
    sheet = tmp_path / "list.csv"
    sheet.write_text("Email,First name\nnew@example.com,Nia\n")
    page = browser_page
    log_in(page, live_server, password)
    page.goto(live_server.url + "/workspace/people/")
    page.get_by_role("link", name="Import a list").click()
    accessible_on_desktop_and_phone(page)
    page.get_by_label("The list, as a CSV file").set_input_files(str(sheet))
    page.get_by_role("button", name="Read the file").click()
    expect(page.get_by_label("Email address column")).to_have_value("0")
    accessible_on_desktop_and_phone(page)
    page.get_by_role("button", name="Import 1 row").click()
    expect(page.get_by_text("Choose how these people agreed")).to_be_visible()
    accessible_on_desktop_and_phone(page)
    page.screenshot(path=screenshot_path("import-choices"), full_page=True)
