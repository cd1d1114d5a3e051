"""Leaving a sequence: unsubscribe, bounce, complaint, pause, booking, erasure."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from newsletter.delivery import dispatch
from newsletter.models import Delivery, Enrollment
from newsletter.sequences import booking, sequences
from newsletter.subscribers import data_rights, subscriptions

from .sequencing import enrolled, make_sequence, run_pass, run_until_done, subjects_by_person

NOON = datetime(2026, 11, 3, 17, 0, tzinfo=UTC)


@pytest.fixture
def reader(audience, outbox, django_capture_on_commit_callbacks):
    """Someone who has received the welcome and waits for step 2."""
    make_sequence(audience)
    subscriber = enrolled(audience, "reader@example.com", NOON)
    run_pass(django_capture_on_commit_callbacks, NOON)
    return subscriber


def enrollment(subscriber) -> Enrollment:
    return Enrollment.objects.get(subscriber=subscriber)


def test_unsubscribing_ends_the_sequence_at_once_with_its_reason(
    reader, outbox, django_capture_on_commit_callbacks
):
    subscriptions.unsubscribe(reader, channel="one-click")
    run_until_done(django_capture_on_commit_callbacks, NOON + timedelta(days=1))
    assert (enrollment(reader).status, enrollment(reader).exit_reason) == ("exited", "unsubscribed")
    assert subjects_by_person(outbox)["reader@example.com"] == ["Step 1"]


@pytest.mark.parametrize("status", ["bounced", "complained"])
def test_a_bounce_or_complaint_stops_sends_and_records_why(
    reader, status, outbox, django_capture_on_commit_callbacks
):
    Enrollment.objects.update(next_send_at=NOON)
    dispatch.send_due(NOON + timedelta(minutes=1))  # step 2 already queued
    reader.status = status
    reader.save(update_fields=["status"])
    sequences.exit_all(reader, reason=status)
    run_until_done(django_capture_on_commit_callbacks, NOON + timedelta(minutes=2))
    assert enrollment(reader).exit_reason == status
    assert Delivery.objects.get(step__position=2).status == "skipped"
    assert len(outbox) == 1


def test_a_pause_keeps_the_place_and_resuming_continues_without_a_burst(
    reader, outbox, django_capture_on_commit_callbacks
):
    with time_machine.travel(NOON, tick=False):
        subscriptions.pause(reader, weeks=4)
    run_pass(django_capture_on_commit_callbacks, NOON + timedelta(days=10))
    assert len(outbox) == 1 and enrollment(reader).next_position == 2
    back = NOON + timedelta(weeks=4, hours=1)
    with time_machine.travel(back, tick=False):
        subscriptions.resume(reader)
    for minutes in range(0, 61, 15):
        run_pass(django_capture_on_commit_callbacks, back + timedelta(minutes=minutes))
    assert subjects_by_person(outbox)["reader@example.com"] == ["Step 1", "Step 2"]
    assert enrollment(reader).next_send_at >= back + timedelta(days=2)


def test_a_booking_ends_the_nurture_and_drops_queued_email(
    reader, outbox, django_capture_on_commit_callbacks
):
    Enrollment.objects.update(next_send_at=NOON)
    dispatch.send_due(NOON + timedelta(minutes=1))
    assert booking.mark_booked("  Reader@Example.com ") == 1
    run_until_done(django_capture_on_commit_callbacks, NOON + timedelta(minutes=2))
    assert (enrollment(reader).status, enrollment(reader).exit_reason) == ("exited", "booked")
    assert Delivery.objects.get(step__position=2).last_error == "left the sequence (booked)"
    assert len(outbox) == 1


def test_a_booked_subscriber_still_gets_broadcasts_but_no_more_nurture(reader):
    booking.mark_booked("reader@example.com")
    reader.refresh_from_db()
    assert reader.status == "active"


def test_booking_an_unknown_or_invalid_address_changes_nothing(reader):
    assert booking.mark_booked("nobody@example.com") == 0
    assert booking.mark_booked("not an address") == 0
    assert enrollment(reader).status == "active"


def test_a_send_already_claimed_is_stopped_when_the_subscriber_booked_meanwhile(reader, outbox):
    from newsletter.delivery import sending

    Enrollment.objects.update(next_send_at=NOON)
    dispatch.send_due(NOON + timedelta(minutes=1))
    row = Delivery.objects.get(step__position=2)
    claimed = sending.claim([row.pk], NOON)
    Enrollment.objects.update(status="exited", exit_reason="booked")  # committed meanwhile
    results = sending.Results()
    assert sending.recheck(claimed, results) == [] and results.skipped == 1
    row.refresh_from_db()
    assert row.last_error == "subscriber left the sequence" and len(outbox) == 1


def test_erasing_ends_every_sequence(reader):
    data_rights.erase(reader)
    assert enrollment(reader).exit_reason == "erased"


def test_an_unsubscribe_arriving_while_a_chunk_is_sending_stops_the_rest_of_that_chunk(
    audience, outbox, monkeypatch
):
    from newsletter.delivery import sending

    make_sequence(audience)
    readers = [enrolled(audience, f"r{n:02}@example.com", NOON) for n in range(12)]
    ids = dispatch.send_due(NOON).tasks[0]
    last = readers[-1]
    send_one = sending._send_one

    def send_and_meanwhile_the_last_reader_unsubscribes(connection, row, message, results):
        if row.subscriber_id == readers[0].pk:
            subscriptions.unsubscribe(last, channel="one-click")
        return send_one(connection, row, message, results)

    monkeypatch.setattr(sending, "_send_one", send_and_meanwhile_the_last_reader_unsubscribes)
    results = sending.send_batch(ids, NOON)
    assert len(results.sent) == 11 and results.skipped == 1
    assert "r11@example.com" not in [message.to[0] for message in outbox]
    assert Delivery.objects.get(subscriber=last).status == "skipped"
