"""The therapist in Chromium: turns a sequence on for current members, schedules a broadcast on
her own clock and watches it go out, and makes a draft sequence from an article."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.db import connections
from django.utils import timezone
from playwright.sync_api import expect

from newsletter.delivery import dispatch
from newsletter.management import demo
from newsletter.models import Audience, Broadcast, Enrollment, Practice, Sequence, Step
from newsletter.sequences import windows
from tests.browser.workspace_pages import accessible_on_desktop_and_phone, log_in
from tests.chromium import screenshot_path
from tests.sequencing import make_subscriber

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARTICLE = Path(__file__).resolve().parent.parent / "data" / "ketamine-therapy-for-depression.txt"


@pytest.fixture
def password(monkeypatch) -> str:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    demo.load_demo(sequences=False)
    ketamine = Audience.objects.get(slug="ketamine-assisted-therapy")
    emdr = Audience.objects.get(slug="emdr")
    for n in range(3):
        make_subscriber(ketamine, f"reader{n}@example.com")
    make_subscriber(emdr, "emdr@example.com")
    yield demo.create_therapist()
    connections.close_all()


def test_the_therapist_activates_a_sequence_for_current_members_and_sees_them_in_it(
    live_server, browser_page, password
):
    welcome = Sequence.objects.create(
        name="Welcome to the practice",
        slug="welcome",
        audience=Audience.objects.get(slug="ketamine-assisted-therapy"),
    )
    Step.objects.create(sequence=welcome, position=1, subject="Welcome", body="Hello.")
    Step.objects.create(
        sequence=welcome, position=2, delay_value=3, subject="What a session is like", body="."
    )
    page = browser_page
    log_in(page, live_server, password)
    page.get_by_role("link", name="Activate Welcome to the practice").click()
    expect(page.get_by_role("heading", name="Activate “Welcome to the practice”?")).to_be_visible()
    accessible_on_desktop_and_phone(page)
    page.screenshot(path=screenshot_path("activate-question"), full_page=True)
    page.get_by_label("Also the 3 current members, spread over 1 day").check()
    page.get_by_role("button", name="Activate the sequence").click()

    expect(page.get_by_text("3 people already in its audience start it")).to_be_visible()
    card = page.get_by_role("region", name="Welcome to the practice")
    expect(card.get_by_text("3 people in it now")).to_be_visible()
    expect(card.get_by_text("3 people waiting for it")).to_be_visible()
    accessible_on_desktop_and_phone(page)
    page.screenshot(path=screenshot_path("timeline"), full_page=True)
    started = Enrollment.objects.filter(sequence=welcome, status="active")
    assert sorted(e.subscriber.email for e in started) == [
        f"reader{n}@example.com" for n in range(3)
    ]


def test_the_therapist_schedules_a_broadcast_on_her_clock_and_watches_it_go_out(
    live_server, browser_page, password, settings
):
    settings.SEND_CHUNK_SIZE = 2
    mail.outbox = []
    page = browser_page
    log_in(page, live_server, password)
    page.get_by_role("link", name="Broadcasts").click()
    page.get_by_role("link", name="Write a new broadcast").click()
    page.get_by_label("Ketamine-assisted therapy").check()
    page.get_by_label("EMDR").check()
    page.get_by_label("Subject").fill("Winter hours at the practice")
    accessible_on_desktop_and_phone(page)
    page.get_by_role("button", name="Save the draft").click()
    # The words are written in the editor, as every email's are.
    page.locator("textarea[name=body]").fill("%%greeting%%\n\nWe are open in December.")
    page.get_by_role("button", name="Save", exact=True).click()
    page.goto(f"{live_server.url}/workspace/broadcasts/{Broadcast.objects.get().pk}/")

    expect(
        page.get_by_text("This goes to the 4 people in EMDR and Ketamine-assisted therapy.")
    ).to_be_visible()
    zone = windows.zone_named(Practice.get().default_time_zone, "UTC")
    at = (timezone.now() + timedelta(days=1)).astimezone(zone).replace(second=0, microsecond=0)
    page.get_by_label("At a time I choose").check()
    page.get_by_label("Date and time").fill(at.strftime("%Y-%m-%dT%H:%M"))
    accessible_on_desktop_and_phone(page)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=screenshot_path("broadcast-schedule-390"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="Review before sending").click()
    spoken = (
        f"{at:%A} {at.day} {at:%b}, {at.hour % 12 or 12}:{at:%M} {'am' if at.hour < 12 else 'pm'}"
    )
    spoken = spoken.replace(":00 ", " ")
    expect(
        page.get_by_text(
            f"This goes to the 4 people in EMDR and Ketamine-assisted therapy, on {spoken}."
        )
    ).to_be_visible()
    accessible_on_desktop_and_phone(page)
    page.get_by_role("button", name=f"Schedule for {spoken}").click()
    expect(page.get_by_role("heading", name=f"Scheduled for {spoken}")).to_be_visible()
    broadcast = Broadcast.objects.get()
    assert broadcast.scheduled_at == at

    # The first chunk of two goes out (eager Celery sends at once), as in one pass of send_due.
    dispatch.dispatch_broadcast_chunk(broadcast.pk, at + timedelta(minutes=1), dispatch.Report())
    page.reload()
    progress = page.get_by_role("progressbar", name="Sending now")
    expect(progress).to_have_attribute("value", "2")
    expect(page.get_by_text("2 of 4 sent · 2 waiting · 0 failed")).to_be_visible()
    accessible_on_desktop_and_phone(page)
    page.screenshot(path=screenshot_path("broadcast-progress"), full_page=True)
    dispatch.send_due(at + timedelta(minutes=2))  # the rest; htmx polling shows it
    expect(page.get_by_text("4 of 4 sent · 0 waiting · 0 failed")).to_be_visible(timeout=15_000)
    expect(page.get_by_role("heading", name="Sent", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Cancel this broadcast")).to_have_count(0)
    page.screenshot(path=screenshot_path("broadcast-sent"), full_page=True)
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        ["emdr@example.com"] + [f"reader{n}@example.com" for n in range(3)]
    )


def test_the_therapist_imports_an_article_and_opens_the_draft(live_server, browser_page, password):
    page = browser_page
    log_in(page, live_server, password)
    page.get_by_role("link", name="New sequence from an article").click()
    accessible_on_desktop_and_phone(page)
    page.get_by_role("button", name="Make the draft sequence").click()
    expect(page.locator("#id_text_error")).to_contain_text("Paste the article here")
    accessible_on_desktop_and_phone(page)
    page.screenshot(path=screenshot_path("article-refused"), full_page=True)
    page.get_by_label("Or upload it as a file").set_input_files(ARTICLE)
    page.get_by_label("Who is it for?").select_option(label="EMDR")
    page.get_by_role("button", name="Make the draft sequence").click()

    sequence = Sequence.objects.get()
    expect(page.get_by_role("heading", name=sequence.name).first).to_be_visible()
    expect(
        page.get_by_text("A careful option when traditional therapy isn’t enough").first
    ).to_be_visible()
    expect(page.get_by_text("Nothing is sent until you activate it.")).to_be_visible()
    assert sequence.audience.slug == "emdr" and sequence.status == "draft"
    accessible_on_desktop_and_phone(page)
    page.screenshot(path=screenshot_path("article-draft"), full_page=True)
