"""The Numbers page's running totals follow every change exactly: sends, provider events
(one replacing another, the same one twice), scanner and reader clicks, unsubscribes inside
and outside the week, bookings and cancellations; a recount from the ledger agrees."""

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest

from newsletter.models import Delivery, EmailNumbers, SendHour
from newsletter.sequences import booking
from newsletter.stats import counting, figures, health, recount
from newsletter.subscribers import subscriptions, tokens

from .provider_payloads import postmark, sendgrid
from .providers import SECRET
from .sequencing import enrolled, make_sequence, run_pass

NOON = datetime(2026, 11, 3, 17, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def postmark_is_the_provider(settings):
    settings.ESP_NAME = "postmark"
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": SECRET}


@pytest.fixture
def rows(audience, outbox, django_capture_on_commit_callbacks, time_machine):
    """Eight readers, each sent the first step at noon through the real send path."""
    time_machine.move_to(NOON, tick=False)
    make_sequence(audience)
    for n in range(8):
        enrolled(audience, f"r{n}@example.com", NOON)
    run_pass(django_capture_on_commit_callbacks, NOON)
    sent = list(Delivery.objects.select_related("subscriber").order_by("pk"))
    assert len(sent) == 8 and all(row.status == "sent" for row in sent)
    return sent


def webhook(client, payload: dict | list, esp: str = "postmark") -> None:
    auth = base64.b64encode(SECRET.encode()).decode()
    response = client.post(
        f"/anymail/{esp}/tracking/",
        json.dumps(payload),
        content_type="application/json",
        headers={"Authorization": f"Basic {auth}"},
    )
    assert response.status_code == 200


def delivered(row):
    return postmark(row, "Delivery")


def bounced(row):
    return postmark(row, Type="HardBounce", TypeCode=1)


def complained(row):
    return postmark(row, "SpamComplaint", Type="SpamComplaint", TypeCode=512)


def totals(rows) -> figures.Figures:
    return figures.for_emails("step", [rows[0].step_id])[rows[0].step_id]


def values(result: figures.Figures) -> dict:
    names = ("sent", "delivered", "bounced", "complained", "clicked", "unsubscribed", "booked")
    return {name: getattr(result, name).value for name in names}


def test_sends_count_at_once_and_agree_with_a_recount(rows):
    assert values(totals(rows))["sent"] == 8
    assert SendHour.objects.get(hour=NOON).sent == 8
    assert recount.recount().matches


def test_a_later_provider_event_replaces_the_earlier_one_and_a_replay_counts_once(client, rows):
    for payload in (delivered(rows[0]), delivered(rows[0])):  # the same event twice
        webhook(client, payload)
    for payload in (delivered(rows[1]), bounced(rows[1]), bounced(rows[1])):
        webhook(client, payload)
    for payload in (delivered(rows[2]), complained(rows[2]), complained(rows[2])):
        webhook(client, payload)
    webhook(client, bounced(rows[3]))
    found = values(totals(rows))
    assert (found["delivered"], found["bounced"], found["complained"]) == (2, 2, 1)
    assert (
        SendHour.objects.get(hour=NOON).bounced,
        SendHour.objects.get(hour=NOON).complained,
    ) == (2, 1)
    assert recount.recount().matches


def click(client, row) -> None:
    assert client.get(f"/c/{tokens.make(tokens.CLICK, row.pk)}/").status_code == 302


def test_a_link_scanner_within_ten_seconds_is_not_a_reader_and_a_reader_counts_once(
    client, rows, time_machine
):
    time_machine.move_to(NOON + timedelta(seconds=3), tick=False)
    click(client, rows[0])
    time_machine.move_to(NOON + timedelta(minutes=5), tick=False)
    click(client, rows[1])
    click(client, rows[1])
    assert values(totals(rows))["clicked"] == 1
    assert recount.recount().matches


def test_an_unsubscribe_counts_for_the_emails_of_the_week_before_only(rows, time_machine):
    time_machine.move_to(NOON + timedelta(days=1), tick=False)
    subscriptions.unsubscribe(rows[4].subscriber, "link")
    time_machine.move_to(NOON + timedelta(days=8), tick=False)
    subscriptions.unsubscribe(rows[5].subscriber, "link")
    assert values(totals(rows))["unsubscribed"] == 1
    assert recount.recount().matches


def test_a_booking_counts_for_the_email_clicked_once_and_not_after_it_is_cancelled(
    client, rows, time_machine
):
    time_machine.move_to(NOON + timedelta(minutes=5), tick=False)
    click(client, rows[1])
    click(client, rows[6])
    later = NOON + timedelta(hours=2)
    for _ in range(2):  # the booking tool sends the same booking twice
        booking.record(rows[1].subscriber.email, "hook", external_id="b1", booked_at=later)
    booking.record(rows[6].subscriber.email, "hook", external_id="b2", booked_at=later)
    assert values(totals(rows))["booked"] == 2
    booking.cancel("hook", "b2", now=later)
    booking.cancel("hook", "b2", now=later)
    assert values(totals(rows))["booked"] == 1
    assert recount.recount().matches


def test_health_reads_whole_hours_from_the_hourly_totals_and_the_ends_from_the_ledger(client, rows):
    webhook(client, bounced(rows[0]))
    for now in (NOON + timedelta(minutes=30), NOON + timedelta(days=29, hours=23, minutes=59)):
        result = health.last_30_days(now)
        assert (result.sent, result.bounced) == (8, 1)
    assert health.last_30_days(NOON + timedelta(days=30, minutes=1)).sent == 0
    assert health.last_30_days(NOON - timedelta(minutes=1)).sent == 0


def test_a_recount_finds_what_was_written_behind_its_back_and_repairs_it(rows):
    Delivery.objects.filter(pk=rows[0].pk).update(event="bounced")
    EmailNumbers.objects.filter(email_id=rows[0].step_id).update(sent=99)
    found = recount.recount()
    assert not found.matches and found.rows_off == 1 and found.emails_off
    recount.recount(repair=True)
    assert recount.recount().matches and values(totals(rows))["sent"] == 8
    assert values(totals(rows))["bounced"] == 1
    assert counting.refresh([row.pk for row in rows]) == 0  # nothing left to add


def test_one_post_of_many_events_counts_each_row_by_its_last_event(client, settings, rows):
    settings.ESP_NAME = "sendgrid"
    first, second, third = rows[:3]
    events = [
        *sendgrid(first, "delivered"),
        *sendgrid(second, "delivered"),
        *sendgrid(first, "bounce", email=first.subscriber.email),  # then it bounced
        *sendgrid(second, "delivered"),  # the same report again
        *sendgrid(third, "delivered"),
    ]
    webhook(client, events, "sendgrid")
    counts = values(totals(rows))
    assert (counts["sent"], counts["delivered"], counts["bounced"]) == (8, 2, 1)
    assert SendHour.objects.get(hour=NOON).bounced == 1
    assert recount.recount().matches


def test_in_one_post_each_event_applies_in_the_order_the_provider_sent_it(client, settings, rows):
    settings.ESP_NAME = "sendgrid"
    first, second = rows[:2]
    events = [
        *sendgrid(first, "delivered"),
        *sendgrid(first, "bounce", email=first.subscriber.email),  # the bounce comes last
        *sendgrid(second, "deferred", email=second.subscriber.email),  # a soft bounce first
        *sendgrid(second, "delivered"),  # then it arrived
    ]
    webhook(client, events, "sendgrid")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.event, second.event) == ("bounced", "delivered")
    assert recount.recount().matches
