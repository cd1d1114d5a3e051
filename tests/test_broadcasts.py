"""One-off newsletters: scheduled, sent once per recipient through the ledger, cancellable."""

from datetime import UTC, datetime, timedelta

import pytest

from newsletter.delivery import dispatch, sending
from newsletter.models import Audience, Broadcast, Delivery
from newsletter.sequences import broadcasts
from newsletter.subscribers import subscriptions

from .sequencing import make_subscriber, run_pass

NOON = datetime(2026, 11, 3, 17, 0, tzinfo=UTC)


@pytest.fixture
def letter(audience):
    broadcast = Broadcast.objects.create(slug="autumn", subject="Autumn letter", body="Hello.")
    broadcast.audiences.add(audience)
    return broadcast


def people(audience, count: int, prefix="p"):
    return [make_subscriber(audience, f"{prefix}{n}@example.com") for n in range(count)]


def test_a_scheduled_broadcast_waits_for_its_time_then_reaches_each_member_once(
    letter, audience, outbox, django_capture_on_commit_callbacks, settings
):
    settings.SEND_CHUNK_SIZE = 4
    people(audience, 10)
    emdr = Audience.objects.get(slug="emdr")
    both = make_subscriber(emdr, "both@example.com")
    both.audiences.add(audience)
    letter.audiences.add(emdr)
    broadcasts.schedule(letter, NOON)
    assert run_pass(django_capture_on_commit_callbacks, NOON - timedelta(minutes=1)).tasks == []
    run_pass(django_capture_on_commit_callbacks, NOON)
    run_pass(django_capture_on_commit_callbacks, NOON + timedelta(minutes=1))
    letter.refresh_from_db()
    recipients = sorted(message.to[0] for message in outbox)
    assert recipients == sorted([f"p{n}@example.com" for n in range(10)] + ["both@example.com"])
    assert letter.status == "sent"
    assert broadcasts.progress(letter) == {
        "queued": 0,
        "sending": 0,
        "sent": 11,
        "failed": 0,
        "skipped": 0,
        "total": 11,
    }


def test_only_active_subscribers_receive_a_broadcast(
    letter, audience, outbox, django_capture_on_commit_callbacks
):
    active, paused, gone = people(audience, 3)
    paused.status = "paused"
    paused.save()
    subscriptions.unsubscribe(gone, channel="one-click")
    broadcasts.schedule(letter, NOON)
    run_pass(django_capture_on_commit_callbacks, NOON)
    assert [message.to for message in outbox] == [[active.email]]


def test_progress_counts_follow_the_ledger_while_sending(letter, audience, outbox):
    people(audience, 5)
    broadcasts.schedule(letter, NOON)
    report = dispatch.send_due(NOON)
    first_two = report.tasks[0][:2]
    sending.send_batch(first_two, NOON)
    counts = broadcasts.progress(letter)
    assert (counts["sent"], counts["queued"], counts["total"]) == (2, 3, 5)


def test_cancelling_skips_every_queued_email_and_dispatches_no_more(
    letter, audience, outbox, settings
):
    settings.SEND_CHUNK_SIZE = 3
    people(audience, 5)
    broadcasts.schedule(letter, NOON)
    report = dispatch.send_due(NOON)
    sending.send_batch(report.tasks[0][:1], NOON)
    assert broadcasts.cancel(letter) == 4
    sending.send_batch([pk for ids in report.tasks for pk in ids], NOON)
    again = dispatch.send_due(NOON + timedelta(minutes=5))
    letter.refresh_from_db()
    assert (letter.status, again.dispatched, len(outbox)) == ("cancelled", 0, 1)
    assert broadcasts.progress(letter)["skipped"] == 4


def test_a_broadcast_cannot_be_scheduled_twice_once_sending(letter, audience):
    broadcasts.schedule(letter, NOON)
    Broadcast.objects.filter(pk=letter.pk).update(status="sending")
    letter.refresh_from_db()
    with pytest.raises(ValueError, match="cannot be sent"):
        broadcasts.schedule(letter, NOON)


def test_two_dispatch_passes_never_create_a_second_row_for_anyone(letter, audience, settings):
    settings.SEND_CHUNK_SIZE = 2
    people(audience, 5)
    broadcasts.schedule(letter, NOON)
    dispatch.send_due(NOON)
    dispatch.send_due(NOON + timedelta(minutes=1))
    assert Delivery.objects.count() == 5


def test_a_failing_broadcast_pauses_itself_and_resumes_its_held_rows(
    letter, audience, outbox, settings
):
    settings.SEND_CHUNK_SIZE = 10
    people(audience, 3)
    broadcasts.schedule(letter, NOON)
    report = dispatch.send_due(NOON)
    Broadcast.objects.filter(pk=letter.pk).update(status="paused", paused_reason="too many fails")
    sending.send_batch(report.tasks[0], NOON)
    assert broadcasts.progress(letter)["queued"] == 3 and outbox == []
    broadcasts.resume(letter, NOON + timedelta(minutes=1))
    again = dispatch.send_due(NOON + timedelta(minutes=1))
    sending.send_batch(again.tasks[0], NOON)
    assert len(outbox) == 3
