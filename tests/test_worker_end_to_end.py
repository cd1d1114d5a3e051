"""300 subscribers in four time zones through a 4-step sequence, sent by a real Celery worker.

The test owns the clock: it publishes send_due(now) to the broker as beat would, and the
worker makes no scheduling decision from its own clock. Mail arrives at a real SMTP sink.
"""

from collections import defaultdict
from datetime import UTC, datetime, timedelta

import pytest

from newsletter.models import Delivery
from newsletter.sequences import sequences, windows

from .sequencing import DELAYS, make_sequence, make_subscriber
from .worker_harness import Engine, run_clock

# The worker is another process, so it must see this test's data in a real shared database.
# On SQLite the test database lives in this process (in memory), so these tests are
# collected only when DATABASE_URL is PostgreSQL (see tests/conftest.py); CI's PostgreSQL pass
# always runs them, and they fail, never skip, if Redis or PostgreSQL is missing.
pytestmark = [pytest.mark.worker]

ZONES = ["America/New_York", "Europe/Berlin", "Asia/Tokyo", ""]  # "" = practice default


@pytest.fixture
def engine(transactional_db, practice, tmp_path):
    engine = Engine(tmp_path)
    yield engine
    engine.stop()


def confirmations(count: int) -> list[tuple[datetime, str]]:
    """Ten cohorts from 22 October (before both DST ends) at all hours, four zones."""
    start = datetime(2026, 10, 22, 3, 0, tzinfo=UTC)
    cohorts = [start + timedelta(hours=21 * n) for n in range(10)]
    return [(cohorts[n % 10], ZONES[n % 4]) for n in range(count)]


def enroll_all(audience, count: int):
    people = []
    for n, (confirmed, zone) in enumerate(confirmations(count)):
        subscriber = make_subscriber(audience, f"reader{n}@example.com", zone)
        sequences.enroll(subscriber, [audience], now=confirmed)
        people.append(subscriber)
    return people


def test_every_subscriber_gets_every_step_once_in_order_inside_their_own_window(
    engine, audience, practice
):
    make_sequence(audience)
    people = enroll_all(audience, 300)
    run_clock(engine.beat, datetime(2026, 10, 22, 3, 0, tzinfo=UTC))

    received = engine.sink.recorder.messages
    ids = [message["Message-ID"] for message in received]
    assert len(ids) == len(set(ids)) == 300 * 4
    assert_each_got_every_step_in_order(received, people)
    assert_inside_windows_and_delays(practice)
    assert_dst_was_crossed()


def assert_each_got_every_step_in_order(received, people) -> None:
    subjects = defaultdict(list)
    for message in received:
        subjects[message["To"]].append(message["Subject"])
    expected = [f"Step {n}" for n in range(1, 5)]
    assert {p.email: subjects[p.email] for p in people} == {p.email: expected for p in people}
    by_message_id = dict(Delivery.objects.values_list("message_id", "status"))
    assert {by_message_id[m["Message-ID"]] for m in received} == {"sent"}


def assert_inside_windows_and_delays(practice) -> None:
    rows = Delivery.objects.select_related("subscriber", "step__sequence").order_by("pk")
    by_person = defaultdict(list)
    for row in rows:
        by_person[row.subscriber_id].append(row)
    for deliveries in by_person.values():
        deliveries.sort(key=lambda row: row.step.position)
        zone = sequences.zone_of(deliveries[0].subscriber, practice)
        window = sequences.window_of(deliveries[0].step.sequence, practice)
        for previous, row in zip(deliveries, deliveries[1:], strict=False):
            assert window.contains(row.created_at, zone), (row.created_at, zone)
            value, unit = DELAYS[row.step.position - 1]
            assert row.created_at >= windows.after_delay(previous.created_at, value, unit, zone)


def assert_dst_was_crossed() -> None:
    berlin_end, new_york_end = (
        datetime(2026, 10, 25, 1, tzinfo=UTC),
        datetime(2026, 11, 1, 6, tzinfo=UTC),
    )
    for zone, moment in (("Europe/Berlin", berlin_end), ("America/New_York", new_york_end)):
        rows = Delivery.objects.filter(subscriber__time_zone=zone)
        assert rows.filter(created_at__lt=moment).exists()
        assert rows.filter(created_at__gt=moment).exists()
