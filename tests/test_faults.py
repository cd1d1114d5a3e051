"""Crashes lose nothing: a SIGKILLed worker, a restarted Redis, two dispatchers at once.

Rule checked here (see newsletter/delivery/dispatch.py): rows a dead worker left in "sending" are
sent again with the same Message-ID once stale, so the only duplicates an SMTP sink may see
are messages it had already accepted from the worker that died.
"""

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from newsletter.models import Delivery
from newsletter.sequences import sequences

from .sequencing import make_sequence, make_subscriber
from .worker_harness import Engine, run_clock, wait_for

# Worker tests share a real database with another process: collected on PostgreSQL only (see
# tests/conftest.py); CI's PostgreSQL pass always runs them.
pytestmark = [pytest.mark.worker]

TUESDAY_10AM_NEW_YORK = datetime(2026, 11, 3, 15, 0, tzinfo=UTC)
PEOPLE = 120


@pytest.fixture
def slow_engine(transactional_db, practice, tmp_path):
    """Three worker processes and a sink that takes 20 ms per message, so a kill lands mid-chunk."""
    engine = Engine(tmp_path, sink_delay=0.02, concurrency=3, chunk=20)
    yield engine
    engine.stop()


def enroll_people(audience) -> None:
    make_sequence(audience, delays=[(0, "minutes"), (1, "days")])
    for n in range(PEOPLE):
        subscriber = make_subscriber(audience, f"reader{n}@example.com", "America/Chicago")
        sequences.enroll(subscriber, [audience], now=TUESDAY_10AM_NEW_YORK)


def assert_nothing_lost(sink) -> Counter:
    """Every row sent and every one of its Message-IDs at the sink; returns the counts."""
    counts = Counter(sink.recorder.message_ids())
    rows = list(Delivery.objects.values_list("message_id", "status"))
    assert len(rows) == PEOPLE * 2
    assert {status for _, status in rows} == {"sent"}
    assert {message_id for message_id, _ in rows} == set(counts)
    return counts


def test_a_worker_killed_mid_chunk_loses_nothing_and_repeats_only_what_the_sink_accepted(
    slow_engine, audience
):
    enroll_people(audience)
    slow_engine.beat.send_due(TUESDAY_10AM_NEW_YORK.isoformat(), copies=2)
    wait_for(lambda: len(slow_engine.sink.recorder.messages) >= 30, 60, "sending to start")
    slow_engine.worker.kill()
    in_flight = set(Delivery.objects.filter(status="sending").values_list("message_id", flat=True))
    with slow_engine.sink.recorder.lock:
        accepted = set(slow_engine.sink.recorder.handed_over)
    assert in_flight, "the kill should land while rows are claimed"

    slow_engine.new_worker()
    # Our clock jumps 11 minutes at once; first let the new worker finish the tasks already
    # queued, so that only the dead worker's claims look stale after the jump.
    slow_engine.wait_idle()
    after_stale = TUESDAY_10AM_NEW_YORK + timedelta(minutes=11)
    run_clock(slow_engine.beat, after_stale, copies=2)  # two send_due passes at every tick

    counts = assert_nothing_lost(slow_engine.sink)
    duplicates = {message_id for message_id, n in counts.items() if n > 1}
    assert duplicates <= in_flight, "only rows claimed by the dead worker are sent again"
    assert duplicates <= accepted, "and only when the sink already had them"
    assert max(counts.values()) <= 2


def test_a_redis_restart_mid_run_delays_mail_but_loses_none(slow_engine, audience):
    enroll_people(audience)
    slow_engine.beat.send_due(TUESDAY_10AM_NEW_YORK.isoformat())
    wait_for(lambda: len(slow_engine.sink.recorder.messages) >= 20, 60, "sending to start")
    slow_engine.redis.stop()  # every queued task message is gone with it
    slow_engine.redis.start()
    slow_engine.wait_idle()

    run_clock(slow_engine.beat, TUESDAY_10AM_NEW_YORK + timedelta(minutes=11))

    counts = assert_nothing_lost(slow_engine.sink)
    assert set(counts.values()) == {1}
