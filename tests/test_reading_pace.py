"""A reader's own pace: "Fewer emails" (at most one a week) or "Normal", on the preferences
page beside pause, honoured by the engine through the same gap rule."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from newsletter.delivery import dispatch
from newsletter.models import Delivery, Practice, Subscriber
from newsletter.sequences import sequences
from newsletter.subscribers import tokens

from .sequencing import make_sequence, make_subscriber

NOON = datetime(2026, 11, 3, 17, 0, tzinfo=UTC)


@pytest.fixture
def page(active_subscriber) -> str:
    return f"/preferences/{tokens.subscriber_link(tokens.PREFERENCES, active_subscriber)}/"


def test_the_preferences_page_offers_fewer_emails_beside_pause(page, active_subscriber):
    html = Client().get(page).content.decode()
    assert "Fewer emails (at most one a week)" in html and "Normal" in html
    assert html.index("How often") < html.index("Take a break")


def test_choosing_fewer_emails_is_saved_and_recorded(page, active_subscriber):
    answer = Client().post(page, {"action": "pace", "pace": "fewer"})
    assert answer.status_code == 200 and "at most one email a week" in answer.content.decode()
    reader = Subscriber.objects.get(pk=active_subscriber.pk)
    assert reader.pace == "fewer"
    assert reader.consent_events.last().detail == {"pace": "fewer"}


def test_an_unknown_pace_is_refused_and_changes_nothing(page, active_subscriber):
    answer = Client().post(page, {"action": "pace", "pace": "daily"})
    assert answer.status_code == 400
    assert Subscriber.objects.get(pk=active_subscriber.pk).pace == "normal"


def test_a_reader_who_chose_fewer_emails_gets_at_most_one_a_week(
    audience, outbox, django_capture_on_commit_callbacks
):
    Practice.objects.update(min_hours_between_emails=24)
    make_sequence(audience, delays=[(0, "minutes"), (1, "days"), (1, "days")])
    reader = make_subscriber(audience, "slow@example.com")
    Subscriber.objects.filter(pk=reader.pk).update(pace="fewer")
    sequences.enroll(Subscriber.objects.get(pk=reader.pk), [audience], NOON)
    now = NOON
    for _ in range(60):
        with time_machine.travel(now, tick=False), django_capture_on_commit_callbacks(execute=True):
            dispatch.send_due(now)
        now += timedelta(hours=6)
    times = list(
        Delivery.objects.filter(status="sent").order_by("sent_at").values_list("sent_at", flat=True)
    )
    assert len(times) == 3
    assert all(b - a >= timedelta(days=7) for a, b in zip(times, times[1:], strict=False))
