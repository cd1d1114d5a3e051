"""An email that cannot be built fails its own row, counts toward auto-pause, holds up nothing."""

from datetime import UTC, datetime

import pytest
from anymail.backends.test import EmailBackend as AnymailTestBackend
from anymail.exceptions import AnymailInvalidAddress
from django.db import OperationalError
from django.test import override_settings

from newsletter.delivery import failures, sending
from newsletter.mail import emails
from newsletter.models import Delivery, Sequence, Step

from .sequencing import make_sequence, make_subscriber

NOON = datetime(2026, 11, 3, 17, 0, tzinfo=UTC)
ANYMAIL_TEST = {"default": {"BACKEND": "anymail.backends.test.EmailBackend"}}


@pytest.fixture
def steps(audience) -> tuple[Step, Step]:
    """Step 1 holds a placeholder no email can fill (stored before saving checked it)."""
    sequence = make_sequence(audience)
    broken, fine = sequence.steps.get(position=1), sequence.steps.get(position=2)
    Step.objects.filter(pk=broken.pk).update(body="Hi %%first_name%%, welcome.")
    return Step.objects.get(pk=broken.pk), fine


def rows(audience, *plan) -> list[int]:
    """One queued row per (address, step), in order."""
    made = []
    for address, step in plan:
        subscriber = make_subscriber(audience, address)
        made.append(Delivery.objects.create(subscriber=subscriber, step=step, created_at=NOON))
    return [row.pk for row in made]


def statuses() -> list[tuple[str, str, int]]:
    found = Delivery.objects.order_by("pk").values_list("subscriber__email", "status", "attempts")
    return list(found)


@pytest.fixture
def batch_esp(settings):
    settings.ANYMAIL_BATCH_SIZES = {"test": 10}
    with override_settings(MAILERS=ANYMAIL_TEST):
        yield


def test_a_step_with_an_unknown_placeholder_fails_its_rows_and_the_others_are_sent(
    audience, steps, outbox
):
    broken, fine = steps
    ids = rows(audience, ("a@example.com", broken), ("b@example.com", fine))
    results = sending.send_batch(ids, NOON)
    assert statuses() == [("a@example.com", "failed", 1), ("b@example.com", "sent", 1)]
    failed = Delivery.objects.get(status="failed")
    assert "%%first_name%% is not a placeholder" in failed.last_error
    assert [message.to for message in outbox] == [["b@example.com"]]
    assert len(results.sent) == 1 and len(results.failed) == 1


def test_emails_that_cannot_be_built_count_toward_the_auto_pause(audience, steps, outbox):
    broken, _ = steps
    ids = rows(audience, *((f"r{n}@example.com", broken) for n in range(3)))
    with override_settings(SEND_AUTO_PAUSE_AFTER=3):
        sending.send_batch(ids, NOON)
    sequence = Sequence.objects.get()
    assert (sequence.status, sequence.consecutive_failures) == ("paused", 3)
    assert "%%first_name%%" in sequence.paused_reason


def test_a_header_that_cannot_be_written_fails_only_its_own_row(audience, steps, outbox):
    _, fine = steps
    ids = rows(audience, ("split\n@example.com", fine), ("whole@example.com", fine))
    sending.send_batch(ids, NOON)
    assert [status for _, status, _ in statuses()] == ["failed", "sent"]
    assert "line break" in Delivery.objects.get(status="failed").last_error
    assert [message.to for message in outbox] == [["whole@example.com"]]


def test_in_a_batch_send_the_broken_rows_fail_and_the_rest_go_in_one_call(
    audience, steps, outbox, batch_esp
):
    broken, fine = steps
    plan = [("a@example.com", broken), ("b@example.com", fine)]
    plan += [("split\n@example.com", fine), ("c@example.com", fine)]
    sending.send_batch(rows(audience, *plan), NOON)
    assert [status for _, status, _ in statuses()] == ["failed", "sent", "failed", "sent"]
    assert [message.to for message in outbox] == [["b@example.com", "c@example.com"]]


def test_a_batch_the_transport_cannot_build_is_sent_row_by_row_so_one_bad_row_fails_alone(
    audience, steps, outbox, batch_esp, monkeypatch
):
    def refuse_odd_addresses(backend, messages):
        if any(address.startswith("odd") for address in messages[0].to):
            raise AnymailInvalidAddress("Invalid email address 'odd@example.com'")
        return original(backend, messages)

    original = AnymailTestBackend.send_messages
    monkeypatch.setattr(AnymailTestBackend, "send_messages", refuse_odd_addresses)
    _, fine = steps
    plan = [("a@example.com", fine), ("odd@example.com", fine), ("c@example.com", fine)]
    sending.send_batch(rows(audience, *plan), NOON)
    assert [status for _, status, _ in statuses()] == ["sent", "failed", "sent"]
    assert [message.to for message in outbox] == [["a@example.com"], ["c@example.com"]]


@pytest.mark.parametrize("batched", [False, True])
def test_an_outage_of_our_database_while_building_retries_and_counts_nothing(
    audience, steps, outbox, monkeypatch, settings, batched
):
    if batched:
        settings.ANYMAIL_BATCH_SIZES = {"test": 10}
        settings.MAILERS = ANYMAIL_TEST
    _, fine = steps
    ids = rows(audience, ("a@example.com", fine), ("b@example.com", fine))

    def database_gone(*args):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(emails, "_why", database_gone)
    with pytest.raises(OperationalError):
        sending.send_batch(ids, NOON)
    assert statuses() == [("a@example.com", "queued", 0), ("b@example.com", "queued", 0)]
    assert set(Delivery.objects.values_list("last_error", flat=True)) == {""}
    assert Sequence.objects.get().consecutive_failures == 0 and outbox == []


def test_errors_are_sorted_into_outages_transient_failures_and_unsendable_messages():
    header = ValueError("Header values may not contain linefeed or carriage return characters")
    assert failures.is_permanent(header) and not failures.is_outage(header)
    assert failures.is_outage(OperationalError("gone")) and not failures.is_permanent(OSError())
