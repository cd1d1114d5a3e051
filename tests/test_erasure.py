"""Erasing a subscriber leaves nothing that names them, and keeps what stops mail for good."""

import json

import pytest
from django.test import override_settings

from newsletter.delivery import dispatch, failures
from newsletter.models import (
    Broadcast,
    Click,
    ConsentEvent,
    Delivery,
    Enrollment,
    Sequence,
    Suppression,
)
from newsletter.sequences import booking, sequences
from newsletter.subscribers import addresses, data_rights, subscriptions, tokens
from tests import sample_sequence

ADDRESS = "active@example.com"
REFUSED = f"SMTPRecipientsRefused: {{'{ADDRESS}': (550, b'5.1.1 <{ADDRESS}>: no such user')}}"


@pytest.fixture
def sequence(audience) -> Sequence:
    created = sample_sequence.sequence(audience)
    created.status = Sequence.Status.ACTIVE
    created.save()
    return created


@pytest.fixture
def history(active_subscriber, sequence) -> list[Delivery]:
    """Two emails sent (one clicked), one refused by the server, one waiting to go out."""
    rows = sample_sequence.deliveries(sequence, active_subscriber)
    Delivery.objects.filter(pk__in=[rows[0].pk, rows[1].pk]).update(
        status="sent", esp_message_id="esp-123", message_id="<m1@newsletter.example>"
    )
    Delivery.objects.filter(pk=rows[2].pk).update(status="failed", last_error=REFUSED)
    Delivery.objects.filter(pk=rows[3].pk).update(status="queued")
    Click.objects.create(delivery=rows[0])
    return rows


def erase(subscriber, capture) -> None:
    with capture(execute=True):
        data_rights.erase(subscriber)


def test_erasure_clears_every_error_and_message_id_from_the_ledger(
    active_subscriber, history, django_capture_on_commit_callbacks
):
    erase(active_subscriber, django_capture_on_commit_callbacks)
    rows = Delivery.objects.filter(subscriber=active_subscriber)
    assert rows.count() == len(history)  # what each email reached still adds up
    assert set(rows.values_list("last_error", "esp_message_id", "message_id")) == {("", "", "")}
    assert not rows.filter(status="queued").exists()  # nothing waits to go out


def test_erasure_deletes_clicks(active_subscriber, history, django_capture_on_commit_callbacks):
    erase(active_subscriber, django_capture_on_commit_callbacks)
    assert not Click.objects.exists()


def test_erasure_leaves_no_enrollment_saying_the_reader_booked(
    active_subscriber, history, sequence, django_capture_on_commit_callbacks
):
    sequences.enroll(active_subscriber, [sequence.audience], now=history[0].created_at)
    booking.booked(active_subscriber)
    assert Enrollment.objects.get(subscriber=active_subscriber).exit_reason == "booked"
    erase(active_subscriber, django_capture_on_commit_callbacks)
    ended = Enrollment.objects.get(subscriber=active_subscriber)
    assert (ended.status, ended.exit_reason, ended.next_send_at) == ("exited", "erased", None)
    assert sequences.enroll(active_subscriber, [sequence.audience], now=ended.ended_at) == []


def paused_by_failures(row: Delivery) -> None:
    """The real auto-pause, reaching its limit on this failing row."""
    row = Delivery.objects.select_related("step").get(pk=row.pk)
    with override_settings(SEND_AUTO_PAUSE_AFTER=1):
        failures.count_streaks([(row, False)])


def test_erasure_removes_the_address_from_an_auto_pause_reason(
    active_subscriber, history, sequence, django_capture_on_commit_callbacks
):
    paused_by_failures(history[2])
    sequence.refresh_from_db()
    assert ADDRESS in sequence.paused_reason
    erase(active_subscriber, django_capture_on_commit_callbacks)
    sequence.refresh_from_db()
    assert sequence.status == "paused"
    assert ADDRESS not in sequence.paused_reason
    assert sequence.paused_reason.startswith("Paused after 1 failed sends in a row.")


def test_erasure_also_removes_an_address_that_the_pause_reason_cut_in_half(
    active_subscriber, audience, django_capture_on_commit_callbacks
):
    letter = sample_sequence.broadcast([audience])
    Broadcast.objects.filter(pk=letter.pk).update(status="sending")
    # The reason keeps 300 characters: the quoted error stops inside the address.
    error = "SMTPRecipientsRefused: " + "x" * 215 + f" <{ADDRESS}> refused"
    row = Delivery.objects.create(
        subscriber=active_subscriber, broadcast=letter, status="failed", last_error=error
    )
    paused_by_failures(row)
    letter.refresh_from_db()
    assert letter.status == "paused" and letter.paused_reason.endswith("<active@exa")
    erase(active_subscriber, django_capture_on_commit_callbacks)
    letter.refresh_from_db()
    assert "active@" not in letter.paused_reason and "xxxx" not in letter.paused_reason


def test_a_pause_reason_that_names_someone_else_is_kept(
    active_subscriber, subscribe, audience, sequence, django_capture_on_commit_callbacks
):
    other = subscribe("other@example.com")
    row = Delivery.objects.create(
        subscriber=other,
        step=sequence.steps.first(),
        status="failed",
        last_error=REFUSED.replace(ADDRESS, "other@example.com"),
    )
    paused_by_failures(row)
    erase(active_subscriber, django_capture_on_commit_callbacks)
    sequence.refresh_from_db()
    assert "other@example.com" in sequence.paused_reason


def test_erasure_deletes_the_outbox_files_that_name_the_address_and_no_others(
    outbox_dir, subscribe, audience, django_capture_on_commit_callbacks
):
    reader = subscribe("Active@Example.com")
    subscribe("other@example.com")
    assert len(list(outbox_dir.glob("*.eml"))) == 2
    erase(reader, django_capture_on_commit_callbacks)
    left = [path.read_bytes().decode() for path in outbox_dir.glob("*.eml")]
    assert len(left) == 1 and "other@example.com" in left[0]
    assert all("active@example.com" not in text.lower() for text in left)


def test_erasure_keeps_the_hash_and_consent_trail_that_stop_mail_for_good(
    active_subscriber, history, subscribe, django_capture_on_commit_callbacks
):
    erase(active_subscriber, django_capture_on_commit_callbacks)
    assert Suppression.objects.filter(address_hash=addresses.suppression_hash(ADDRESS)).exists()
    kinds = list(ConsentEvent.objects.values_list("kind", flat=True))
    assert kinds == ["requested", "confirmed", "erased"]
    assert subscribe(ADDRESS) is None  # the form cannot bring the address back
    assert subscriptions.resubscribe(active_subscriber) is False


def test_an_erased_subscriber_is_never_dispatched_again(
    active_subscriber, history, sequence, django_capture_on_commit_callbacks
):
    erase(active_subscriber, django_capture_on_commit_callbacks)
    before = Delivery.objects.count()
    report = dispatch.send_due()
    assert (report.dispatched, report.requeued) == (0, 0)
    assert Delivery.objects.count() == before


def test_a_click_on_an_erased_readers_email_still_redirects_and_counts_nothing(
    client, active_subscriber, history, django_capture_on_commit_callbacks
):
    erase(active_subscriber, django_capture_on_commit_callbacks)
    response = client.get(f"/c/{tokens.make(tokens.CLICK, history[1].pk)}/")
    assert response.status_code == 302
    assert not Click.objects.exists()


def test_the_erased_subscribers_export_names_nobody(
    active_subscriber, history, django_capture_on_commit_callbacks
):
    erase(active_subscriber, django_capture_on_commit_callbacks)
    active_subscriber.refresh_from_db()
    document = json.dumps(data_rights.export(active_subscriber))
    assert ADDRESS not in document and "Ada" not in document
