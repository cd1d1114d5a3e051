"""Transient errors retry with backoff, permanent rejections fail at once, failing senders pause."""

import socket
from datetime import UTC, datetime, timedelta

import pytest
from django.test import override_settings

from newsletter.delivery import dispatch, ratelimit, sending
from newsletter.models import Delivery, Sequence

from .sequencing import enrolled, make_sequence
from .smtp_sink import Sink

NOON = datetime(2026, 11, 3, 17, 0, tzinfo=UTC)


@pytest.fixture
def sink():
    server = Sink().start()
    with override_settings(MAILERS=server.mailer()):
        yield server
    server.stop()


def _queued(audience, *emails):
    make_sequence(audience)
    for email in emails:
        enrolled(audience, email, NOON)
    dispatch.send_due(NOON)
    return list(Delivery.objects.order_by("pk").values_list("pk", flat=True))


def test_a_permanent_rejection_fails_at_once_with_its_error(audience, sink):
    ids = _queued(audience, "reject-me@example.com", "fine@example.com")
    results = sending.send_batch(ids, NOON)
    rejected, fine = Delivery.objects.order_by("pk")
    assert (rejected.status, rejected.attempts, fine.status) == ("failed", 1, "sent")
    assert "550" in rejected.last_error and len(results.sent) == 1
    assert len(sink.recorder.messages) == 1


def test_a_transient_error_waits_with_backoff_and_then_succeeds(audience, sink):
    ids = _queued(audience, "later@example.com")
    sending.send_batch(ids, NOON)
    row = Delivery.objects.get()
    assert (row.status, row.attempts) == ("queued", 1) and "451" in row.last_error
    wait = (row.next_attempt_at - NOON).total_seconds()
    assert 30 <= wait <= 60  # attempt 1: between half and all of base * 2
    assert dispatch.send_due(row.next_attempt_at - timedelta(seconds=1)).requeued == 0
    sink.recorder.refuse_later = False  # the receiving server recovers
    report = dispatch.send_due(row.next_attempt_at)
    sending.send_batch(report.tasks[0], row.next_attempt_at)
    row.refresh_from_db()
    assert (report.requeued, row.status, row.attempts, len(sink.recorder.messages)) == (
        1,
        "sent",
        2,
        1,
    )


def test_backoff_grows_exponentially_with_jitter_up_to_the_cap():
    waits = [sending.backoff(attempt) for attempt in range(1, 8)]
    assert 30 <= waits[0] <= 60 and 60 <= waits[1] <= 120
    assert all(150 <= wait <= 300 for wait in waits[3:])
    assert len({round(sending.backoff(3), 6) for _ in range(20)}) > 1


def test_a_transient_error_fails_the_row_after_the_configured_attempts(audience, sink):
    ids = _queued(audience, "later@example.com")
    with override_settings(SEND_MAX_ATTEMPTS=3):
        for _ in range(3):
            Delivery.objects.update(status="queued")
            sending.send_batch(ids, NOON)
    row = Delivery.objects.get()
    assert (row.status, row.attempts) == ("failed", 3)


def test_a_refused_connection_puts_the_whole_chunk_back_for_later(audience):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens here once closed
    mailer = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 2},
        }
    }
    ids = _queued(audience, "a@example.com", "b@example.com")
    with override_settings(MAILERS=mailer):
        results = sending.send_batch(ids, NOON)
    statuses = set(Delivery.objects.values_list("status", flat=True))
    assert statuses == {"queued"} and results.sent == []


def test_a_sequence_pauses_itself_after_consecutive_failures_and_says_why(audience, sink):
    emails = [f"reject{n}@example.com" for n in range(4)]
    ids = _queued(audience, *emails)
    with override_settings(SEND_AUTO_PAUSE_AFTER=3):
        sending.send_batch(ids, NOON)
    sequence = Sequence.objects.get()
    assert (sequence.status, sequence.consecutive_failures) == ("paused", 4)
    assert sequence.paused_reason.startswith("Paused after 3 failed sends in a row")
    assert "550" in sequence.paused_reason


def test_a_success_resets_the_failure_count(audience, sink):
    ids = _queued(audience, "reject1@example.com", "reject2@example.com", "ok@example.com")
    with override_settings(SEND_AUTO_PAUSE_AFTER=3):
        sending.send_batch(ids, NOON)
    sequence = Sequence.objects.get()
    assert (sequence.status, sequence.consecutive_failures) == ("active", 0)


def test_the_rate_limit_is_shared_between_limiters_through_redis(db):
    # One email per 100 s: the few milliseconds between calls are negligible next to a slot.
    first = ratelimit.SendRate(per_second=0.01, account="shared-test")
    second = ratelimit.SendRate(per_second=0.01, account="shared-test")
    waits = [first.reserve(1), second.reserve(1), first.reserve(5), second.reserve(1)]
    # Each reservation starts where the previous one ended: 0, 100, 200, then 700 seconds.
    assert [round(wait) for wait in waits] == [0, 100, 200, 700]


def test_separate_esp_accounts_do_not_share_a_rate(db):
    ratelimit.SendRate(per_second=1, account="account-a").reserve(10)
    assert ratelimit.SendRate(per_second=1, account="account-b").reserve(1) == 0.0


def test_a_zero_rate_means_no_limit(db):
    unlimited = ratelimit.SendRate(per_second=0, account="none")
    assert [unlimited.reserve(100) for _ in range(3)] == [0.0, 0.0, 0.0]
