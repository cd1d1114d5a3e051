"""The therapist in Chromium: reads the list's weeks and months as charts with their tables,
and the next 14 days of what goes out."""

from datetime import timedelta

import pytest
from django.db import connections
from django.utils import timezone
from playwright.sync_api import expect

from newsletter.management import demo
from newsletter.models import Audience, Booking, Broadcast, ConsentEvent, Delivery, Enrollment
from tests.browser.workspace_pages import accessible_on_desktop_and_phone, log_in
from tests.chromium import screenshot_path
from tests.sequencing import make_sequence, make_subscriber

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def password(monkeypatch) -> str:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    demo.load_demo(sequences=False)
    audience = Audience.objects.get(slug="ketamine-assisted-therapy")
    now = timezone.now()
    step = make_sequence(audience).steps.get(position=2)
    readers = [make_subscriber(audience, f"reader{n}@example.com") for n in range(40)]
    for n, reader in enumerate(readers):  # joins spread over 20 weeks, 7 of them this week
        weeks_ago = 0 if n < 7 else 1 + n % 19
        joined = now - timedelta(weeks=weeks_ago, minutes=5)
        ConsentEvent.objects.create(subscriber=reader, kind="confirmed", created_at=joined)
        if n % 6 == 5:
            left = joined + timedelta(minutes=1)
            ConsentEvent.objects.create(subscriber=reader, kind="unsubscribed", created_at=left)
        sent = Delivery.objects.create(subscriber=reader, step=step, status="sent", sent_at=joined)
        if n % 4 == 0:
            Booking.objects.create(
                subscriber=reader,
                tool="practice",
                attributed_to=sent,
                booked_at=now - timedelta(days=n * 8),
            )
        Enrollment.objects.create(
            subscriber=reader,
            sequence=step.sequence,
            next_position=2,
            next_send_at=now + timedelta(days=n % 5, hours=1),
        )
    letter = Broadcast.objects.create(
        slug="spring",
        subject="Spring letter",
        body="Hello.",
        status="scheduled",
        scheduled_at=now + timedelta(days=3),
    )
    letter.audiences.set([audience])
    yield demo.create_therapist()
    connections.close_all()


def test_the_therapist_reads_the_weeks_from_the_chart_table_and_the_coming_days(
    live_server, browser_page, password
):
    page = browser_page
    log_in(page, live_server, password)
    page.get_by_role("link", name="Numbers").click()
    expect(page.get_by_role("heading", name="Over time")).to_be_visible()
    expect(page.get_by_role("img", name="Bars above the line")).to_be_visible()
    page.get_by_text("Each week’s figures, as a table").click()
    table = page.get_by_role("table", name="Each week’s figures, newest first")
    this_week = table.get_by_role("row").nth(1)  # the header row comes first
    expect(this_week.get_by_role("cell").nth(0)).to_have_text("7")  # confirmed this week
    page.get_by_text("Each month’s consultations, as a table").click()
    accessible_on_desktop_and_phone(page)
    page.screenshot(path=screenshot_path("numbers-over-time"), full_page=True)
    page.locator("figure.chart-time").first.screenshot(path=screenshot_path("numbers-weeks-chart"))
    page.set_viewport_size({"width": 390, "height": 844})
    charts = page.locator("figure.chart-time")
    charts.first.screenshot(path=screenshot_path("numbers-weeks-chart-phone"))
    charts.last.screenshot(path=screenshot_path("numbers-months-chart-phone"))
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name="Coming up").click()
    expect(page.get_by_role("heading", name="Coming up in the next 14 days")).to_be_visible()
    expect(page.get_by_text("“Spring letter”, to 40 people")).to_be_visible()
    accessible_on_desktop_and_phone(page)
    page.screenshot(path=screenshot_path("upcoming"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=screenshot_path("upcoming-phone"))
